"""Unused reservations, the compensation policy that judges them, and appeals.

A policy is versioned: a change adds a row, never edits one, and each unused reservation keeps
the version that judged it. An unused reservation is one row per booking (the booking's id is
unique), and its compensation is one ledger entry whose event key names the row: so a
cancellation or a no-show sweep retried or raced is counted and charged once.
"""

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kezek.db import Base, UTCDateTime, utcnow
from kezek.models.booking import Booking


class ChargeMode(enum.StrEnum):
    EACH = "each"  # every unused reservation beyond the threshold in a month
    FIRST = "first"  # only the first one beyond it in a month


class CompensationPolicy(Base):
    """One version of the rules for a crossing (crossing_id set) or for all (NULL: the default).
    The version in force at a moment is the latest with effective_from at or before it."""

    __tablename__ = "compensation_policies"
    __table_args__ = (
        CheckConstraint("monthly_threshold >= 1", name="threshold_positive"),
        CheckConstraint("amount_mrp >= 0", name="amount_not_negative"),
        CheckConstraint("adaptive_floor >= 1", name="floor_positive"),
        CheckConstraint("adaptive_divisor >= 1", name="divisor_positive"),
        CheckConstraint("deposit_mrp >= 0", name="deposit_not_negative"),
        Index("ix_compensation_policies_scope", "crossing_id", "effective_from"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    crossing_id: Mapped[int | None] = mapped_column(ForeignKey("crossings.id"))
    effective_from: Mapped[datetime] = mapped_column(UTCDateTime())
    monthly_threshold: Mapped[int] = mapped_column(default=10)
    amount_mrp: Mapped[int] = mapped_column(default=100)
    charge_mode: Mapped[str] = mapped_column(String(8), default=ChargeMode.EACH)
    charge_no_show_at_once: Mapped[bool] = mapped_column(default=False)
    adaptive: Mapped[bool] = mapped_column(default=True)
    adaptive_lookback_months: Mapped[int] = mapped_column(default=3)
    adaptive_divisor: Mapped[int] = mapped_column(default=2)
    adaptive_floor: Mapped[int] = mapped_column(default=1)
    deposit_enabled: Mapped[bool] = mapped_column(default=False)
    deposit_mrp: Mapped[int] = mapped_column(default=20)
    deposit_forfeit_no_shows: Mapped[int] = mapped_column(default=2)
    deposit_window_days: Mapped[int] = mapped_column(default=90)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class UnusedKind(enum.StrEnum):
    CANCELLATION = "cancellation"  # by the user; system cancellations never count
    NO_SHOW = "no_show"


class ChargeReason(enum.StrEnum):
    OVER_THRESHOLD = "over_threshold"
    NO_SHOW = "no_show"  # the policy charges a no-show at once, whatever the count


class UnusedReservation(Base):
    """A booking its owner did not use: counted in its owner's month (Asia/Almaty)."""

    __tablename__ = "unused_reservations"
    __table_args__ = (Index("ix_unused_reservations_owner_month", "owner_id", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id"), unique=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("parties.id"))
    vehicle_id: Mapped[int] = mapped_column(ForeignKey("vehicles.id"), index=True)
    crossing_id: Mapped[int] = mapped_column(ForeignKey("crossings.id"))
    kind: Mapped[str] = mapped_column(String(14))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    month: Mapped[date] = mapped_column(Date)  # the first day of its Almaty month
    policy_id: Mapped[int] = mapped_column(ForeignKey("compensation_policies.id"))
    ordinal: Mapped[int]  # its place among the owner's counted ones that month, when it happened
    threshold: Mapped[int]  # the owner's threshold that applied to it
    over_threshold: Mapped[bool] = mapped_column(default=False)
    charge_reason: Mapped[str | None] = mapped_column(String(16))
    charge_entry_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entries.id"))
    refund_entry_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entries.id"))
    voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    voided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    void_reason: Mapped[str | None] = mapped_column(String(500))

    booking: Mapped[Booking] = relationship(lazy="joined")
    policy: Mapped[CompensationPolicy] = relationship(lazy="joined")

    @property
    def charged(self) -> bool:
        """Charged and not refunded."""
        return self.charge_entry_id is not None and self.refund_entry_id is None


class AppealStatus(enum.StrEnum):
    OPEN = "open"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class Appeal(Base):
    """An owner's appeal against the compensation for one unused reservation."""

    __tablename__ = "compensation_appeals"
    __table_args__ = (
        Index("ix_compensation_appeals_status", "status", "created_at"),
        # At most one open appeal per unused reservation, whatever the concurrency.
        Index(
            "uq_compensation_appeals_open",
            "unused_id",
            unique=True,
            sqlite_where=text("status = 'open'"),
            postgresql_where=text("status = 'open'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unused_id: Mapped[int] = mapped_column(ForeignKey("unused_reservations.id"), index=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("parties.id"), index=True)
    reason: Mapped[str] = mapped_column(String(2000))
    attachment_file: Mapped[str | None] = mapped_column(String(80))
    attachment_media_type: Mapped[str | None] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(10), default=AppealStatus.OPEN)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decision_reason: Mapped[str | None] = mapped_column(String(2000))

    unused: Mapped[UnusedReservation] = relationship(lazy="joined")
