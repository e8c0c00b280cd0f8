"""What owners and analysts read about unused reservations: an owner's month, and the analysts'
four reports. Counting and summing are done by the database (GROUP BY), never by loading every
row."""

import csv
import enum
import io
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, aliased

from kezek.booking.authorization import acting_party_ids
from kezek.clock import ALMATY, add_months, almaty_month
from kezek.compensation.counting import MonthCounter, month_counter, owner_threshold
from kezek.compensation.policy import policy_in_force
from kezek.db import utcnow
from kezek.models.booking import Booking
from kezek.models.compensation import Appeal, UnusedReservation
from kezek.models.ledger import LedgerEntry
from kezek.models.party import Party, User
from kezek.models.vehicle import Vehicle

FREQUENT_MIN = 3  # the authorities' first list: 3 or more in 30 days
FREQUENT_DAYS = 30
REPEAT_MONTHS = 3

# --- an owner's own view ------------------------------------------------------------------


@dataclass(frozen=True)
class UnusedLine:
    """One unused reservation as its owner sees it."""

    id: int
    owner_id: int
    kind: str
    occurred_at: datetime
    month: date
    reference: str
    plate: str
    ordinal: int
    threshold: int
    charged_tiyn: int  # 0 when nothing was charged
    refunded: bool
    voided: bool
    appeal_id: int | None
    appeal_status: str | None
    appeal_decision_reason: str | None = None
    month_charged: bool = False  # the owner pays a compensation this month

    @property
    def local_time(self) -> datetime:
        """When it happened, in Almaty time (as the month is counted)."""
        return self.occurred_at.astimezone(ALMATY)

    @property
    def appealable(self) -> bool:
        """Counted in a month that cost a compensation, and no appeal waiting (see
        appeals.file_appeal)."""
        return self.month_charged and not self.voided and self.appeal_status != "open"


@dataclass(frozen=True)
class PartyMonth:
    party: Party
    counter: MonthCounter
    unused: list[UnusedLine]


def parties_of(session: Session, user: User) -> list[Party]:
    """The parties the user acts for, their own person first."""
    ids = acting_party_ids(session, user=user)
    found = {p.id: p for p in session.scalars(select(Party).where(Party.id.in_(ids)))}
    return [found[i] for i in ids if i in found]


def party_months(session: Session, parties: list[Party], *, month: date) -> list[PartyMonth]:
    """For each party: the month's counter and its unused reservations of the month."""
    lines = unused_lines(session, owner_ids=[p.id for p in parties], month=month)
    return [
        PartyMonth(
            party=party,
            counter=month_counter(session, owner_id=party.id, month=month),
            unused=[line for line in lines if line.owner_id == party.id],
        )
        for party in parties
    ]


def unused_lines(session: Session, *, owner_ids: list[int], month: date) -> list[UnusedLine]:
    """The owners' unused reservations of `month`, newest first, with the charge and the latest
    appeal of each: one query for the rows, one for the appeals."""
    charge = aliased(LedgerEntry)
    rows = session.execute(
        select(UnusedReservation, Booking.reference, Vehicle.plate, charge.amount)
        .join(Booking, Booking.id == UnusedReservation.booking_id)
        .join(Vehicle, Vehicle.id == UnusedReservation.vehicle_id)
        .outerjoin(charge, charge.id == UnusedReservation.charge_entry_id)
        .where(UnusedReservation.owner_id.in_(owner_ids), UnusedReservation.month == month)
        .order_by(UnusedReservation.occurred_at.desc(), UnusedReservation.id.desc())
    ).all()
    latest = _latest_appeals(session, [row[0].id for row in rows])
    paying = {u.owner_id for u, _, _, amount in rows if amount and u.refund_entry_id is None}
    return [
        UnusedLine(
            id=u.id,
            owner_id=u.owner_id,
            kind=u.kind,
            occurred_at=u.occurred_at,
            month=u.month,
            reference=reference,
            plate=plate,
            ordinal=u.ordinal,
            threshold=u.threshold,
            charged_tiyn=amount or 0,
            refunded=u.refund_entry_id is not None,
            voided=u.voided_at is not None,
            appeal_id=latest[u.id].id if u.id in latest else None,
            appeal_status=latest[u.id].status if u.id in latest else None,
            appeal_decision_reason=latest[u.id].decision_reason if u.id in latest else None,
            month_charged=u.owner_id in paying,
        )
        for u, reference, plate, amount in rows
    ]


def charge_of(session: Session, unused: UnusedReservation) -> int:
    """The tiyn charged for `unused` (refunded or not); 0 if nothing was."""
    if unused.charge_entry_id is None:
        return 0
    entry = session.get(LedgerEntry, unused.charge_entry_id)
    return entry.amount if entry is not None else 0


def _latest_appeals(session: Session, unused_ids: list[int]) -> dict[int, Appeal]:
    if not unused_ids:
        return {}
    appeals = session.scalars(
        select(Appeal).where(Appeal.unused_id.in_(unused_ids)).order_by(Appeal.id)
    )
    return {a.unused_id: a for a in appeals}  # the last one wins


# --- the analysts' reports ------------------------------------------------------------------


@dataclass(frozen=True)
class FrequentOwner:
    owner_id: int
    owner: str
    unused: int


@dataclass(frozen=True)
class FrequentVehicle:
    vehicle_id: int
    plate: str
    owner: str
    unused: int


@dataclass(frozen=True)
class OverThreshold:
    owner_id: int
    owner: str
    unused: int
    threshold: int
    over: int


@dataclass(frozen=True)
class RepeatOffender:
    owner_id: int
    owner: str
    months_over: int
    last_month_over: date
    current_threshold: int


@dataclass(frozen=True)
class MonthTotal:
    month: date
    charges: int
    refunds: int
    net_tiyn: int


def frequent_owners(session: Session, *, now: datetime | None = None) -> list[FrequentOwner]:
    """Owners with FREQUENT_MIN or more unused reservations (not voided) in the last 30 days."""
    count = func.count(UnusedReservation.id)
    rows = session.execute(
        select(UnusedReservation.owner_id, Party.full_name, count)
        .join(Party, Party.id == UnusedReservation.owner_id)
        .where(*_last_days(now))
        .group_by(UnusedReservation.owner_id, Party.full_name)
        .having(count >= FREQUENT_MIN)
        .order_by(count.desc(), Party.full_name)
    ).all()
    return [FrequentOwner(*row) for row in rows]


def frequent_vehicles(session: Session, *, now: datetime | None = None) -> list[FrequentVehicle]:
    """Vehicles with FREQUENT_MIN or more unused reservations (not voided) in the last 30 days."""
    count = func.count(UnusedReservation.id)
    rows = session.execute(
        select(UnusedReservation.vehicle_id, Vehicle.plate, Party.full_name, count)
        .join(Vehicle, Vehicle.id == UnusedReservation.vehicle_id)
        .join(Party, Party.id == UnusedReservation.owner_id)
        .where(*_last_days(now))
        .group_by(UnusedReservation.vehicle_id, Vehicle.plate, Party.full_name)
        .having(count >= FREQUENT_MIN)
        .order_by(count.desc(), Vehicle.plate)
    ).all()
    return [FrequentVehicle(*row) for row in rows]


def over_threshold(session: Session, *, month: date | None = None) -> list[OverThreshold]:
    """Owners with unused reservations beyond their threshold in `month` (this one by default)."""
    month = month or almaty_month()
    over = func.sum(case((UnusedReservation.over_threshold.is_(True), 1), else_=0))
    count = func.count(UnusedReservation.id)
    rows = session.execute(
        select(
            UnusedReservation.owner_id,
            Party.full_name,
            count,
            func.min(UnusedReservation.threshold),
            over,
        )
        .join(Party, Party.id == UnusedReservation.owner_id)
        .where(UnusedReservation.month == month, UnusedReservation.voided_at.is_(None))
        .group_by(UnusedReservation.owner_id, Party.full_name)
        .having(over > 0)
        .order_by(over.desc(), Party.full_name)
    ).all()
    return [OverThreshold(o, name, int(n), int(t), int(x)) for o, name, n, t, x in rows]


def repeat_offenders(session: Session, *, month: date | None = None) -> list[RepeatOffender]:
    """Owners over the threshold in any of the REPEAT_MONTHS months before `month`, with the
    threshold the global policy in force gives them now."""
    month = month or almaty_month()
    months = func.count(func.distinct(UnusedReservation.month))
    rows = session.execute(
        select(
            UnusedReservation.owner_id, Party.full_name, months, func.max(UnusedReservation.month)
        )
        .join(Party, Party.id == UnusedReservation.owner_id)
        .where(
            UnusedReservation.month >= add_months(month, -REPEAT_MONTHS),
            UnusedReservation.month < month,
            UnusedReservation.over_threshold.is_(True),
            UnusedReservation.voided_at.is_(None),
        )
        .group_by(UnusedReservation.owner_id, Party.full_name)
        .order_by(Party.full_name)
    ).all()
    policy = policy_in_force(session, crossing_id=None, at=utcnow())
    return [
        RepeatOffender(
            owner_id=owner_id,
            owner=name,
            months_over=int(n),
            last_month_over=last,
            current_threshold=owner_threshold(
                session, owner_id=owner_id, month=month, policy=policy
            ),
        )
        for owner_id, name, n, last in rows
    ]


def monthly_totals(session: Session) -> list[MonthTotal]:
    """Per Almaty month, newest first: compensations charged, refunded, and their net sum."""
    charge, refund = aliased(LedgerEntry), aliased(LedgerEntry)
    rows = session.execute(
        select(
            UnusedReservation.month,
            func.count(charge.id),
            func.count(refund.id),
            func.coalesce(func.sum(charge.amount), 0) - func.coalesce(func.sum(refund.amount), 0),
        )
        .join(charge, charge.id == UnusedReservation.charge_entry_id)
        .outerjoin(refund, refund.id == UnusedReservation.refund_entry_id)
        .group_by(UnusedReservation.month)
        .order_by(UnusedReservation.month.desc())
    ).all()
    return [MonthTotal(m, int(c), int(r), int(net)) for m, c, r, net in rows]


def _last_days(now: datetime | None) -> tuple:
    now = now or utcnow()
    if now.tzinfo is None:  # a moment given without a zone is read as UTC
        now = now.replace(tzinfo=UTC)
    since = now - timedelta(days=FREQUENT_DAYS)
    return (UnusedReservation.occurred_at >= since, UnusedReservation.voided_at.is_(None))


# --- CSV ------------------------------------------------------------------------------------


class ReportName(enum.StrEnum):
    FREQUENT_OWNERS = "frequent-owners"
    FREQUENT_VEHICLES = "frequent-vehicles"
    OVER_THRESHOLD = "over-threshold"
    REPEAT_OFFENDERS = "repeat-offenders"
    MONTHLY = "monthly"


REPORTS = {
    "frequent-owners": frequent_owners,
    "frequent-vehicles": frequent_vehicles,
    "over-threshold": over_threshold,
    "repeat-offenders": repeat_offenders,
    "monthly": monthly_totals,
}


def report_rows(
    session: Session, name: str, *, month: date | None = None, until: datetime | None = None
) -> list:
    """A report's rows: `month` for the monthly ones, `until` ends the 30 days of the lists."""
    if name in (ReportName.FREQUENT_OWNERS, ReportName.FREQUENT_VEHICLES):
        return REPORTS[name](session, now=until)
    if name in (ReportName.OVER_THRESHOLD, ReportName.REPEAT_OFFENDERS):
        return REPORTS[name](session, month=month)
    return REPORTS[name](session)


def as_csv(rows: list, row_type: type) -> str:
    """The rows as CSV with a header of the dataclass's field names; money in tenge."""
    out = io.StringIO()
    writer = csv.writer(out)
    names = [f.name for f in fields(row_type)]
    writer.writerow([n.replace("_tiyn", "_kzt") for n in names])
    for row in rows:
        writer.writerow([_cell(n, getattr(row, n)) for n in names])
    return out.getvalue()


ROW_TYPES = {
    "frequent-owners": FrequentOwner,
    "frequent-vehicles": FrequentVehicle,
    "over-threshold": OverThreshold,
    "repeat-offenders": RepeatOffender,
    "monthly": MonthTotal,
}


def _cell(name: str, value: object) -> object:
    if name.endswith("_tiyn") and isinstance(value, int):
        return f"{value / 100:.2f}"
    if isinstance(value, date):
        return value.isoformat()
    return value
