"""Bookings, the per-slot capacity counters they claim, and what surrounds them."""

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kezek.db import Base, UTCDateTime, utcnow
from kezek.models.crossing import Crossing, Direction
from kezek.models.vehicle import Vehicle

# The hour of a counter that holds a whole day's quota (out-of-turn, accelerated).
WHOLE_DAY = -1


class Priority(enum.StrEnum):
    NORMAL = "normal"
    OUT_OF_TURN = "out_of_turn"
    ACCELERATED = "accelerated"


class BookingStatus(enum.StrEnum):
    ACTIVE = "active"
    CHECKED_IN = "checked_in"
    CANCELLED = "cancelled"
    NO_SHOW = "no_show"


class CancelReason(enum.StrEnum):
    USER = "user"  # counts as an unused reservation
    CAPACITY_DROP = "capacity_drop"  # force majeure: never counts against the owner


class SlotCounter(Base):
    """Places taken in one pool of a slot: claimed and released in single conditional UPDATEs.

    The check constraint is the last line of the capacity invariant: whatever the code does, the
    database refuses a counter above its capacity.
    """

    __tablename__ = "slot_counters"
    __table_args__ = (
        UniqueConstraint("direction_id", "day", "hour", "pool"),
        CheckConstraint("taken >= 0 AND taken <= capacity", name="within_capacity"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    direction_id: Mapped[int] = mapped_column(ForeignKey("directions.id"))
    day: Mapped[date]
    hour: Mapped[int]  # 0-23, or WHOLE_DAY for a daily quota
    pool: Mapped[str] = mapped_column(String(16))  # a capacity category, or a priority quota
    capacity: Mapped[int]
    taken: Mapped[int] = mapped_column(default=0)


class Booking(Base):
    __tablename__ = "bookings"
    __table_args__ = (
        # One vehicle, one active booking per direction, across all crossings: no hoarding.
        Index(
            "uq_bookings_active_vin_direction",
            "vin",
            "direction_kind",
            unique=True,
            sqlite_where=text("status = 'active'"),
            postgresql_where=text("status = 'active'"),
        ),
        Index("ix_bookings_slot", "direction_id", "day", "hour"),
        Index("ix_bookings_status_slot_end", "status", "slot_end"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(12), unique=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("parties.id"), index=True)
    vehicle_id: Mapped[int] = mapped_column(ForeignKey("vehicles.id"), index=True)
    vin: Mapped[str] = mapped_column(String(17))
    plate: Mapped[str] = mapped_column(String(16), index=True)
    trailer_plate: Mapped[str | None] = mapped_column(String(16))
    crossing_id: Mapped[int] = mapped_column(ForeignKey("crossings.id"))
    direction_id: Mapped[int] = mapped_column(ForeignKey("directions.id"))
    direction_kind: Mapped[str] = mapped_column(String(5))
    day: Mapped[date]
    hour: Mapped[int]
    slot_start: Mapped[datetime] = mapped_column(UTCDateTime())
    slot_end: Mapped[datetime] = mapped_column(UTCDateTime())
    pool: Mapped[str] = mapped_column(String(16))
    category: Mapped[str] = mapped_column(String(10))
    cargo_category: Mapped[str] = mapped_column(String(30))
    priority: Mapped[str] = mapped_column(String(12), default=Priority.NORMAL)
    cargo_declaration: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(12), default=BookingStatus.ACTIVE)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    reschedule_count: Mapped[int] = mapped_column(default=0)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancel_reason: Mapped[str | None] = mapped_column(String(20))
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    checked_in_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    no_show_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    crossing: Mapped[Crossing] = relationship(lazy="joined")
    direction: Mapped[Direction] = relationship(lazy="joined")
    vehicle: Mapped[Vehicle] = relationship(lazy="joined")
    drivers: Mapped[list["BookingDriver"]] = relationship(
        lazy="selectin", cascade="all, delete-orphan", order_by="BookingDriver.id"
    )


class BookingDriver(Base):
    __tablename__ = "booking_drivers"
    __table_args__ = (UniqueConstraint("booking_id", "national_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id"), index=True)
    full_name: Mapped[str] = mapped_column(String(200))
    national_id: Mapped[str] = mapped_column(String(24))  # an IIN, or COUNTRY:PASSPORT
    phone: Mapped[str | None] = mapped_column(String(20))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class IdempotencyRecord(Base):
    """The first answer to a POST sent with an Idempotency-Key, replayed for its retries."""

    __tablename__ = "idempotency_keys"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column(Integer)
    response_body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)


class OutboxMessage(Base):
    """A notification to deliver after commit; later issues add the e-mail/SMS senders."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_key: Mapped[str] = mapped_column(String(120), unique=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("parties.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
