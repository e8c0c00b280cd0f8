"""The no-show sweep: active bookings whose arrival window ended without a check-in.

The slot's place is not released: the hour has passed, nobody else can use it. Each booking is
marked by a conditional UPDATE (still active, window still ended), so two sweeps running at once,
or a sweep racing a late check-in, mark it once; the footprint is written only by the one that
won. Actor: "system".
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from kezek.audit.context import acting_as_system
from kezek.audit.service import record
from kezek.booking.service import arrival_window
from kezek.compensation.counting import record_unused
from kezek.compensation.deposits import settle_no_show_deposit
from kezek.db import utcnow
from kezek.models.booking import Booking, BookingStatus
from kezek.models.compensation import UnusedKind
from kezek.models.crossing import Crossing


@dataclass(frozen=True)
class SweepResult:
    marked: int


def on_no_show(session: Session, booking: Booking) -> None:
    """Called once per booking marked no-show, in the same transaction: it counts as an unused
    reservation (and may cost a compensation); a deposit it held is returned or forfeited."""
    assert booking.no_show_at is not None
    record_unused(session, booking, kind=UnusedKind.NO_SHOW, at=booking.no_show_at)
    settle_no_show_deposit(session, booking, at=booking.no_show_at)


def sweep_no_shows(session: Session, *, now: datetime | None = None) -> SweepResult:
    """Mark every active booking whose arrival window ended before `now` as a no-show."""
    now = now or utcnow()
    marked = 0
    with acting_as_system():
        for booking in _candidates(session, now):
            if arrival_window(booking)[1] >= now:
                continue  # this crossing's grace has not run out yet
            if _mark(session, booking=booking, now=now):
                marked += 1
        session.flush()
    return SweepResult(marked=marked)


def _candidates(session: Session, now: datetime) -> list[Booking]:
    # Slot ends before now: a cheap indexed bound (ix_bookings_status_slot_end); each
    # crossing's own grace is then checked in Python.
    return list(
        session.scalars(
            select(Booking)
            .join(Crossing, Crossing.id == Booking.crossing_id)
            .where(Booking.status == BookingStatus.ACTIVE, Booking.slot_end < now)
            .order_by(Booking.slot_end, Booking.id)
        )
    )


def _mark(session: Session, *, booking: Booking, now: datetime) -> bool:
    won = session.execute(
        update(Booking)
        .where(Booking.id == booking.id, Booking.status == BookingStatus.ACTIVE)
        .values(status=BookingStatus.NO_SHOW, no_show_at=now)
        .returning(Booking.id)
        .execution_options(synchronize_session=False)
    ).first()
    if won is None:
        return False  # checked in or marked by another sweep meanwhile
    session.refresh(booking)
    record(
        session,
        action="booking.no_show",
        object_type="booking",
        object_id=booking.id,
        on_behalf_of=booking.owner_id,
        payload={
            "reference": booking.reference,
            "vehicle": booking.plate,
            "crossing": booking.crossing.code,
            "slot": f"{booking.day} {booking.hour:02d}:00",
            "window_closed": arrival_window(booking)[1].isoformat(),
        },
    )
    on_no_show(session, booking)
    return True
