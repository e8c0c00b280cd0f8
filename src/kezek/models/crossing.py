"""Border crossing points, their two directions, hours and capacity rules."""

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kezek.db import Base, UTCDateTime, utcnow


class DirectionKind(enum.StrEnum):
    EXIT = "exit"
    ENTRY = "entry"


class VehicleCategory(enum.StrEnum):
    TRUCK = "truck"
    CAR = "car"
    BUS = "bus"


# A capacity rule for ANY covers every category the crossing does not count separately.
ANY_CATEGORY = "any"


class ExceptionKind(enum.StrEnum):
    CLOSED = "closed"
    HOURS = "hours"  # open_hour..close_hour replace the weekly hours
    EXTEND = "extend"  # the weekly closing hour moves by extend_hours


class Crossing(Base):
    __tablename__ = "crossings"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name_en: Mapped[str] = mapped_column(String(100))
    name_ru: Mapped[str] = mapped_column(String(100))
    name_kk: Mapped[str] = mapped_column(String(100))
    name_zh: Mapped[str] = mapped_column(String(100))
    neighbour_name: Mapped[str] = mapped_column(String(100), default="")
    neighbour_name_zh: Mapped[str] = mapped_column(String(100), default="")
    country: Mapped[str] = mapped_column(String(2))
    neighbour_country: Mapped[str] = mapped_column(String(2))
    timezone: Mapped[str] = mapped_column(String(40), default="Asia/Almaty")
    booking_horizon_days: Mapped[int] = mapped_column(default=30)
    booking_lead_minutes: Mapped[int] = mapped_column(default=60)
    # The arrival window: from this long before the slot starts to this long after it ends.
    arrival_early_hours: Mapped[int] = mapped_column(default=3)
    arrival_grace_hours: Mapped[int] = mapped_column(default=2)
    notes: Mapped[str] = mapped_column(String(500), default="")
    is_active: Mapped[bool] = mapped_column(default=True)

    directions: Mapped[list["Direction"]] = relationship(
        back_populates="crossing", lazy="selectin", order_by="Direction.kind.desc()"
    )

    def name(self, locale: str) -> str:
        return getattr(self, f"name_{locale}", None) or self.name_en


class Direction(Base):
    __tablename__ = "directions"
    __table_args__ = (UniqueConstraint("crossing_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    crossing_id: Mapped[int] = mapped_column(ForeignKey("crossings.id"))
    kind: Mapped[str] = mapped_column(String(5))
    from_country: Mapped[str] = mapped_column(String(2))
    to_country: Mapped[str] = mapped_column(String(2))

    crossing: Mapped[Crossing] = relationship(back_populates="directions")
    weekly_hours: Mapped[list["WeeklyHours"]] = relationship(
        lazy="selectin", order_by="WeeklyHours.weekday", cascade="all, delete-orphan"
    )
    exceptions: Mapped[list["ScheduleException"]] = relationship(
        lazy="selectin", order_by="ScheduleException.date_from", cascade="all, delete-orphan"
    )
    capacity_rules: Mapped[list["CapacityRule"]] = relationship(
        lazy="selectin", order_by="CapacityRule.valid_from", cascade="all, delete-orphan"
    )

    @property
    def label(self) -> str:
        return f"{self.from_country}→{self.to_country}"


class WeeklyHours(Base):
    """Opening hours of one weekday (0 = Monday); no row means closed that day."""

    __tablename__ = "weekly_hours"
    __table_args__ = (
        UniqueConstraint("direction_id", "weekday"),
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday"),
        CheckConstraint(
            "open_hour >= 0 AND close_hour <= 24 AND open_hour < close_hour", name="span"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    direction_id: Mapped[int] = mapped_column(ForeignKey("directions.id"))
    weekday: Mapped[int]
    open_hour: Mapped[int]
    close_hour: Mapped[int]


class ScheduleException(Base):
    """A dated change of hours: a closure, other hours, or an extension, for a day or a period.

    date_to NULL means open-ended ("+2 hours from date X"). When several cover a date, the one
    that starts latest wins, so a one-day holiday closure overrides a standing extension.
    """

    __tablename__ = "schedule_exceptions"
    __table_args__ = (
        CheckConstraint("date_to IS NULL OR date_to >= date_from", name="period"),
        CheckConstraint(
            "kind <> 'hours' OR (open_hour >= 0 AND close_hour <= 24 AND open_hour < close_hour)",
            name="hours",
        ),
        CheckConstraint("kind <> 'extend' OR extend_hours IS NOT NULL", name="extend"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    direction_id: Mapped[int] = mapped_column(ForeignKey("directions.id"))
    date_from: Mapped[date]
    date_to: Mapped[date | None]
    kind: Mapped[str] = mapped_column(String(10))
    open_hour: Mapped[int | None]
    close_hour: Mapped[int | None]
    extend_hours: Mapped[int | None]
    reason: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CapacityRule(Base):
    """Daily capacity of a category from a date on; hours may be set explicitly.

    hour_overrides maps an hour ("9") to its capacity; the remaining daily limit is spread over
    the other open hours.
    """

    __tablename__ = "capacity_rules"
    __table_args__ = (
        UniqueConstraint("direction_id", "category", "valid_from"),
        CheckConstraint("daily_limit >= 0", name="daily_limit"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    direction_id: Mapped[int] = mapped_column(ForeignKey("directions.id"))
    category: Mapped[str] = mapped_column(String(10))
    valid_from: Mapped[date]
    daily_limit: Mapped[int]
    hour_overrides: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    reason: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
