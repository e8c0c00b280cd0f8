"""What the booking and statement pages show, read through the booking and ledger services."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from kezek.booking.authorization import acting_party_ids
from kezek.booking.bookable import BookableVehicle, bookable_vehicles
from kezek.booking.fees import BOOKING_FEE_MRP, PRIORITY_FEE_MRP, RESCHEDULE_FEE_MRP
from kezek.booking.service import arrival_window, fees_charged
from kezek.clock import ALMATY
from kezek.crossings.service import local_today
from kezek.ledger.money import format_kzt
from kezek.ledger.service import balance, entries_of, mrp
from kezek.models.booking import Booking, BookingStatus
from kezek.models.crossing import Crossing
from kezek.models.ledger import Account, LedgerEntry
from kezek.models.party import Party, User


def my_vehicles(session: Session, *, user: User) -> list[BookableVehicle]:
    """The vehicles the booking form offers, each with why the user may book it (the same
    rule the API's GET /api/v1/vehicles/bookable lists by)."""
    return bookable_vehicles(session, user=user)


def my_parties(session: Session, *, user: User) -> list[Party]:
    ids = acting_party_ids(session, user=user)
    parties = {p.id: p for p in session.scalars(select(Party).where(Party.id.in_(ids)))}
    return [parties[i] for i in ids if i in parties]


def account_of(session: Session, party_id: int) -> Account | None:
    """The party's account, read only: pages opened with GET must not create one."""
    return session.scalar(select(Account).where(Account.party_id == party_id))


def balance_of(session: Session, party_id: int) -> int:
    account = account_of(session, party_id)
    return balance(session, account_id=account.id) if account else 0


@dataclass(frozen=True)
class FeeTable:
    """The fees of the day in tiyn: booking, priority passage and reschedule."""

    mrp: int
    booking: int
    priority: int
    reschedule: int


def fees_on(session: Session, crossing: Crossing) -> FeeTable:
    rate = mrp(session, on=local_today(crossing))
    return FeeTable(
        mrp=rate,
        booking=BOOKING_FEE_MRP * rate,
        priority=PRIORITY_FEE_MRP * rate,
        reschedule=RESCHEDULE_FEE_MRP * rate,
    )


@dataclass(frozen=True)
class BookingRow:
    booking: Booking
    fees: str
    arrival_from: datetime
    arrival_until: datetime
    reschedule_fee: str
    checked_in_at: datetime | None = None  # local to the crossing, as the other times
    no_show_at: datetime | None = None

    @property
    def is_active(self) -> bool:
        return self.booking.status == BookingStatus.ACTIVE


def booking_row(session: Session, booking: Booking) -> BookingRow:
    zone = ZoneInfo(booking.crossing.timezone)  # times are shown local to the crossing
    arrival_from, arrival_until = arrival_window(booking)
    return BookingRow(
        booking=booking,
        fees=format_kzt(fees_charged(session, booking_id=booking.id)),
        arrival_from=arrival_from.astimezone(zone),
        arrival_until=arrival_until.astimezone(zone),
        reschedule_fee=format_kzt(fees_on(session, booking.crossing).reschedule),
        checked_in_at=booking.checked_in_at.astimezone(zone) if booking.checked_in_at else None,
        no_show_at=booking.no_show_at.astimezone(zone) if booking.no_show_at else None,
    )


def split_by_time(bookings: Sequence[Booking], *, past: bool) -> list[Booking]:
    """Active bookings are "current"; the rest (checked in, cancelled, no-show) are "past"."""
    return [b for b in bookings if (b.status != BookingStatus.ACTIVE) == past]


# Kazakhstan keeps one time zone; an account belongs to no crossing, so its dates are shown here.
STATEMENT_ZONE = ALMATY


@dataclass(frozen=True)
class StatementLine:
    entry: LedgerEntry
    amount: int  # signed: positive in, negative out
    balance_after: int
    reference: str | None

    @property
    def day(self) -> date:
        return self.entry.created_at.astimezone(STATEMENT_ZONE).date()


@dataclass
class Statement:
    party: Party
    balance: int
    lines: list[StatementLine] = field(default_factory=list)


def statement_of(session: Session, party: Party, *, limit: int = 200) -> Statement:
    """The party's entries, newest first, each with the balance right after it.

    Worked back from today's balance, so a statement cut at `limit` entries stays right.
    """
    account = account_of(session, party.id)
    if account is None:
        return Statement(party, 0)
    running = balance(session, account_id=account.id)
    entries = entries_of(session, account_id=account.id, limit=limit)
    references = _references(session, [e.booking_id for e in entries if e.booking_id])
    statement = Statement(party, running)
    for entry in entries:
        signed = entry.amount if entry.credit_account_id == account.id else -entry.amount
        reference = references.get(entry.booking_id) if entry.booking_id else None
        statement.lines.append(StatementLine(entry, signed, running, reference))
        running -= signed
    return statement


def _references(session: Session, booking_ids: list[int]) -> dict[int, str]:
    if not booking_ids:
        return {}
    rows = session.execute(
        select(Booking.id, Booking.reference).where(Booking.id.in_(set(booking_ids)))
    )
    return {booking_id: reference for booking_id, reference in rows}


def parse_day(raw: str | None) -> date | None:
    try:
        return date.fromisoformat(raw or "")
    except ValueError:
        return None
