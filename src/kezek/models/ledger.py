"""The account ledger: double entry in integer tiyn (1 KZT = 100 tiyn), append-only.

Each entry is one balanced pair: `amount` leaves the debit account and reaches the credit
account, so every entry sums to zero by construction and so does the whole ledger. Balances are
derived from the entries, never stored.
"""

import enum
from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from kezek.db import Base, UTCDateTime, utcnow


class AccountKind(enum.StrEnum):
    OWNER = "owner"  # what the service owes a carrier: top-ups in, fees out
    INCOME = "income"  # the budget's income accounts
    EXTERNAL = "external"  # money arriving from outside (bank transfers, cash desks)
    HELD = "held"  # money held for carriers until an outcome (booking deposits)


class SystemAccount(enum.StrEnum):
    """Codes of the accounts that belong to no party."""

    BOOKING_FEES = "income.booking_fees"
    PRIORITY_FEES = "income.priority_fees"
    RESCHEDULE_FEES = "income.reschedule_fees"
    TOP_UPS = "external.top_ups"
    COMPENSATIONS = "income.compensations"  # for the idle time of the post
    FORFEITED_DEPOSITS = "income.forfeited_deposits"
    DEPOSITS = "held.deposits"


class Account(Base):
    __tablename__ = "accounts"
    __table_args__ = (
        CheckConstraint(
            "(kind = 'owner' AND party_id IS NOT NULL) OR (kind <> 'owner' AND code IS NOT NULL)",
            name="owned_or_coded",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    party_id: Mapped[int | None] = mapped_column(ForeignKey("parties.id"), unique=True)
    code: Mapped[str | None] = mapped_column(String(40), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class EntryKind(enum.StrEnum):
    TOP_UP = "top_up"
    BOOKING_FEE = "booking_fee"
    PRIORITY_FEE = "priority_fee"
    RESCHEDULE_FEE = "reschedule_fee"
    REFUND = "refund"
    COMPENSATION = "compensation"
    DEPOSIT = "deposit"
    DEPOSIT_FORFEIT = "deposit_forfeit"


class LedgerEntry(Base):
    """One movement of money. `event_key` names the business event: one event, one entry."""

    __tablename__ = "ledger_entries"
    __table_args__ = (
        CheckConstraint("amount > 0", name="positive"),
        CheckConstraint("debit_account_id <> credit_account_id", name="two_accounts"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_key: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    debit_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    credit_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    amount: Mapped[int] = mapped_column(BigInteger)  # tiyn
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("bookings.id"), index=True)
    memo: Mapped[str] = mapped_column(String(300), default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)


class MrpRate(Base):
    """The monthly calculation index of a year, set by law, in tiyn."""

    __tablename__ = "mrp_rates"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    amount: Mapped[int] = mapped_column(BigInteger)
