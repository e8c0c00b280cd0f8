"""Booking requests and answers."""

import enum
import re
from datetime import date, datetime
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from kezek.models.booking import Priority
from kezek.models.crossing import DirectionKind
from kezek.people.national_id import iin_problem
from kezek.vehicles.plates import PLATE_RE, normalize_plate


class CargoCategory(enum.StrEnum):
    GENERAL = "general"
    EMPTY = "empty"
    PERISHABLE = "perishable"
    LIVESTOCK = "livestock"
    MAIL = "mail"
    DANGEROUS = "dangerous"
    EXPORT = "export"
    HUMANITARIAN = "humanitarian"
    MILITARY = "military"


# Cargo that qualifies for out-of-turn passage (with a declaration).
OUT_OF_TURN_CARGO = frozenset(
    {
        CargoCategory.MAIL,
        CargoCategory.LIVESTOCK,
        CargoCategory.PERISHABLE,
        CargoCategory.DANGEROUS,
        CargoCategory.EXPORT,
        CargoCategory.HUMANITARIAN,
        CargoCategory.MILITARY,
    }
)

IIN_RE = re.compile(r"^\d{12}$")


class DriverIn(BaseModel):
    """A driver named by IIN, or by passport number and country for foreigners."""

    model_config = ConfigDict(str_strip_whitespace=True)

    full_name: Annotated[str, Field(min_length=2, max_length=200)]
    iin: Annotated[str | None, Field(pattern=r"^\d{12}$")] = None
    passport_number: Annotated[str | None, Field(pattern=r"^[A-Za-z0-9]{5,20}$")] = None
    passport_country: Annotated[str | None, Field(pattern=r"^[A-Za-z]{2}$")] = None
    phone: Annotated[str | None, Field(pattern=r"^\+?[0-9 ()-]{6,20}$")] = None

    @model_validator(mode="after")
    def _one_identifier(self) -> Self:
        if bool(self.iin) == bool(self.passport_number):
            raise ValueError("give either an IIN or a passport number with its country")
        if self.passport_number and not self.passport_country:
            raise ValueError("a passport number needs its country")
        # A mistyped IIN names nobody (or someone else) at the border: refused here.
        problem = iin_problem(self.iin) if self.iin else None
        if problem:
            raise ValueError(problem)
        return self

    @property
    def national_id(self) -> str:
        if self.iin:
            return self.iin
        return f"{(self.passport_country or '').upper()}:{(self.passport_number or '').upper()}"


class BookingIn(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    vehicle_id: int
    crossing: Annotated[str, Field(min_length=2, max_length=32)]
    direction: DirectionKind
    date: date
    hour: Annotated[int, Field(ge=0, le=23)]
    cargo_category: CargoCategory
    trailer_plate: Annotated[str | None, Field(max_length=16)] = None
    drivers: Annotated[list[DriverIn], Field(max_length=3)] = []
    priority: Priority = Priority.NORMAL
    cargo_declaration: Annotated[str | None, Field(min_length=3, max_length=100)] = None

    @field_validator("drivers")
    @classmethod
    def _distinct_drivers(cls, value: list[DriverIn]) -> list[DriverIn]:
        ids = [d.national_id for d in value]
        if len(set(ids)) != len(ids):
            raise ValueError("a driver is named twice")
        return value

    @field_validator("trailer_plate")
    @classmethod
    def _trailer(cls, value: str | None) -> str | None:
        if not value:
            return None
        plate = normalize_plate(value)
        if not PLATE_RE.match(plate):
            raise ValueError("a plate has 2 to 12 Latin letters and digits")
        return plate


class RescheduleIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    date: date
    hour: Annotated[int, Field(ge=0, le=23)]


class SubstituteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    vehicle_id: int
    reason: Annotated[str, Field(min_length=3, max_length=300)]


class VehicleBrief(BaseModel):
    id: int
    plate: str
    vin: str
    category: str


class DriverOut(BaseModel):
    full_name: str
    national_id: str
    phone: str | None


class BookingOut(BaseModel):
    id: int
    reference: str
    status: str
    owner_id: int
    crossing: str
    direction: DirectionKind
    date: date
    hour: int
    slot_start: datetime
    slot_end: datetime
    arrival_from: datetime
    arrival_until: datetime
    vehicle: VehicleBrief
    trailer_plate: str | None
    category: str
    cargo_category: str
    priority: Priority
    cargo_declaration: str | None
    drivers: list[DriverOut]
    fees_kzt: str = Field(description="Fees charged for this booking so far, in KZT")
    reschedule_count: int
    created_at: datetime
    cancelled_at: datetime | None
    cancel_reason: str | None
    checked_in_at: datetime | None
    no_show_at: datetime | None
