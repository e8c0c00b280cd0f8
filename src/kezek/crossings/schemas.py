"""Request and response bodies of the crossings domain."""

from datetime import date, datetime
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from kezek.models.crossing import DirectionKind, ExceptionKind

Hour = Annotated[int, Field(ge=0, le=23)]
EndHour = Annotated[int, Field(ge=1, le=24)]
CategoryName = Annotated[str, Field(pattern=r"^(truck|car|bus|any)$")]


class Names(BaseModel):
    en: str
    ru: str
    kk: str
    zh: str


class WeeklyHoursOut(BaseModel):
    weekday: int
    open_hour: int
    close_hour: int


class ExceptionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    date_from: date
    date_to: date | None
    kind: str
    open_hour: int | None
    close_hour: int | None
    extend_hours: int | None
    reason: str


class CapacityRuleOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    category: str
    valid_from: date
    daily_limit: int
    hour_overrides: dict[str, int]
    reason: str


class DirectionOut(BaseModel):
    kind: DirectionKind
    from_country: str
    to_country: str
    weekly_hours: list[WeeklyHoursOut]
    exceptions: list[ExceptionOut]
    capacity_rules: list[CapacityRuleOut]


class CrossingSummary(BaseModel):
    code: str
    names: Names
    neighbour_name: str
    neighbour_name_zh: str
    country: str
    neighbour_country: str
    timezone: str
    booking_horizon_days: int
    booking_lead_minutes: int
    is_active: bool


class CrossingOut(CrossingSummary):
    notes: str
    directions: list[DirectionOut]


class HourAvailability(BaseModel):
    hour: int
    starts_at: datetime
    capacity: int
    booked: int
    free: int
    bookable: bool = Field(description="Open for booking now (inside horizon and lead time)")


class DayAvailability(BaseModel):
    date: date
    open: bool
    capacity: int
    booked: int
    free: int
    hours: list[HourAvailability]


class AvailabilityOut(BaseModel):
    crossing: str
    direction: DirectionKind
    category: str
    timezone: str
    days: list[DayAvailability]


class WeeklyHoursIn(BaseModel):
    weekday: Annotated[int, Field(ge=0, le=6, description="0 = Monday")]
    open_hour: Hour
    close_hour: EndHour

    @model_validator(mode="after")
    def ordered(self) -> Self:
        if self.open_hour >= self.close_hour:
            raise ValueError("open_hour must be before close_hour")
        return self


class WeeklyHoursReplace(BaseModel):
    """The full week; a weekday left out is closed."""

    days: list[WeeklyHoursIn]

    @model_validator(mode="after")
    def distinct(self) -> Self:
        if len({d.weekday for d in self.days}) != len(self.days):
            raise ValueError("each weekday may appear once")
        return self


class ExceptionIn(BaseModel):
    date_from: date
    date_to: date | None = Field(default=None, description="Empty: from date_from on")
    kind: ExceptionKind
    open_hour: Hour | None = None
    close_hour: EndHour | None = None
    extend_hours: Annotated[int, Field(ge=-23, le=23)] | None = None
    reason: Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)] = ""

    @model_validator(mode="after")
    def complete(self) -> Self:
        if self.date_to and self.date_to < self.date_from:
            raise ValueError("date_to is before date_from")
        if self.kind == ExceptionKind.HOURS:
            if self.open_hour is None or self.close_hour is None:
                raise ValueError("other hours need open_hour and close_hour")
            if self.open_hour >= self.close_hour:
                raise ValueError("open_hour must be before close_hour")
        if self.kind == ExceptionKind.EXTEND and not self.extend_hours:
            raise ValueError("an extension needs extend_hours (e.g. 2, or -2 to shorten)")
        return self


class CapacityRuleIn(BaseModel):
    category: CategoryName = "truck"
    valid_from: date
    daily_limit: Annotated[int, Field(ge=0, le=100_000)]
    hour_overrides: dict[
        Annotated[str, Field(pattern=r"^([0-9]|1[0-9]|2[0-3])$")],
        Annotated[int, Field(ge=0, le=10_000)],
    ] = Field(default_factory=dict)
    reason: Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)] = ""

    @model_validator(mode="after")
    def overrides_within_limit(self) -> Self:
        # Explicit hours are a share of the day, not extra places on top of it.
        if sum(self.hour_overrides.values()) > self.daily_limit:
            raise ValueError("the explicit hours add up to more than the daily limit")
        return self


class CrossingSettingsIn(BaseModel):
    booking_horizon_days: Annotated[int, Field(ge=1, le=120)] | None = None
    booking_lead_minutes: Annotated[int, Field(ge=0, le=7 * 24 * 60)] | None = None
    notes: Annotated[str, Field(max_length=500)] | None = None
    is_active: bool | None = None
