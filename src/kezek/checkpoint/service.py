"""Check-in at the checkpoint and the queue of expected arrivals. Services flush, never commit.

A vehicle is checked in against the one booking whose arrival window (from
crossings.arrival_early_hours before the slot to crossings.arrival_grace_hours after it) holds
the moment it shows up. When none does, the refusal says what was found instead.
"""

from collections.abc import Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from kezek.audit.service import record
from kezek.booking.service import arrival_window
from kezek.checkpoint.errors import AlreadyCheckedIn, NoBookingFound, TooEarly, TooLate
from kezek.checkpoint.schemas import ArrivalIn
from kezek.compensation.deposits import return_deposit
from kezek.crossings.service import direction_of, get_crossing
from kezek.db import utcnow
from kezek.models.booking import Booking, BookingStatus
from kezek.models.crossing import Crossing, Direction, DirectionKind
from kezek.models.party import User

# Statuses a vehicle at the gate can hold; cancelled bookings are as good as none.
SEEN_STATUSES = (BookingStatus.ACTIVE, BookingStatus.CHECKED_IN, BookingStatus.NO_SHOW)
# How far around now the plate's bookings are looked at to explain a refusal.
LOOK_BACK = timedelta(days=2)


def check_in(
    session: Session, *, user: User, data: ArrivalIn, now: datetime | None = None
) -> Booking:
    """Check in the booking of `data.plate` whose arrival window holds now, or refuse with what
    was found: a booking whose window opens later, one whose window has closed, or none."""
    now = now or utcnow()
    crossing = get_crossing(session, code=data.crossing)
    direction = direction_of(crossing, data.direction)
    bookings = _bookings_of_plate(session, direction=direction, plate=data.plate, now=now)
    booking = _in_window(bookings, now, BookingStatus.ACTIVE)
    if booking is None:
        _refuse(bookings, now=now, plate=data.plate, crossing=crossing, kind=data.direction)
    assert booking is not None
    _mark_checked_in(session, booking=booking, user=user, now=now)
    return_deposit(session, booking, why="arrived")
    record(
        session,
        action="checkpoint.check_in",
        object_type="booking",
        object_id=booking.id,
        on_behalf_of=booking.owner_id,
        payload={
            "reference": booking.reference,
            "plate": data.plate,
            "trailer_plate": data.trailer_plate,
            "crossing": crossing.code,
            "direction": data.direction,
            "slot": f"{booking.day} {booking.hour:02d}:00",
        },
    )
    return booking


def trailer_mismatch(booking: Booking, trailer_plate: str | None) -> bool:
    """A trailer other than the booked one: allowed, but the operator should see it."""
    return bool(trailer_plate and booking.trailer_plate and trailer_plate != booking.trailer_plate)


def queue_span(crossing: Crossing, now: datetime) -> tuple[datetime, datetime]:
    """Slots shown in the queue: the current and next hour, and the hours before whose arrival
    window closed recently (so a fresh no-show is still on the operator's screen)."""
    hour_start = now.replace(minute=0, second=0, microsecond=0)
    return (
        hour_start - timedelta(hours=crossing.arrival_grace_hours + 2),
        hour_start + timedelta(hours=2),
    )


def expected_arrivals(
    session: Session, *, crossing: Crossing, kind: DirectionKind, now: datetime | None = None
) -> tuple[datetime, datetime, Sequence[Booking]]:
    """Bookings of the queue span at one crossing and direction, in slot order, with status."""
    now = now or utcnow()
    first, until = queue_span(crossing, now)
    direction = direction_of(crossing, kind)
    rows = session.scalars(
        select(Booking)
        .where(
            Booking.direction_id == direction.id,
            Booking.status.in_(SEEN_STATUSES),
            Booking.slot_start >= first,
            Booking.slot_start < until,
        )
        .order_by(Booking.slot_start, Booking.priority.desc(), Booking.id)
    ).all()
    return first, until, rows


# --- steps --------------------------------------------------------------------------------


def _bookings_of_plate(
    session: Session, *, direction: Direction, plate: str, now: datetime
) -> Sequence[Booking]:
    return session.scalars(
        select(Booking)
        .where(
            Booking.direction_id == direction.id,
            Booking.plate == plate,
            Booking.status.in_(SEEN_STATUSES),
            Booking.slot_end >= now - LOOK_BACK,
        )
        .order_by(Booking.slot_start)
    ).all()


def _in_window(bookings: Sequence[Booking], now: datetime, status: str) -> Booking | None:
    for booking in bookings:
        opens, closes = arrival_window(booking)
        if booking.status == status and opens <= now <= closes:
            return booking
    return None


def _refuse(
    bookings: Sequence[Booking], *, now: datetime, plate: str, crossing: Crossing, kind: str
) -> None:
    """Raise the refusal that best explains why no active booking's window holds now."""
    where = f"{crossing.code} ({kind})"
    done = _in_window(bookings, now, BookingStatus.CHECKED_IN)
    if done is not None:
        raise AlreadyCheckedIn(
            f"{plate}: booking {done.reference} was checked in at "
            f"{_local(done.checked_in_at, crossing)}.",
            found_id=done.id,
        )
    later = [b for b in bookings if b.status == BookingStatus.ACTIVE and arrival_window(b)[0] > now]
    if later:
        b = later[0]
        raise TooEarly(
            f"{plate}: booking {b.reference} for {b.day} {b.hour:02d}:00 at {where}; "
            f"its arrival window opens at {_local(arrival_window(b)[0], crossing)}.",
            found_id=b.id,
        )
    earlier = [b for b in bookings if arrival_window(b)[1] < now and b.status != "checked_in"]
    if earlier:
        b = earlier[-1]
        raise TooLate(
            f"{plate}: booking {b.reference} for {b.day} {b.hour:02d}:00 at {where} is "
            f"{b.status.replace('_', '-')}; its arrival window closed at "
            f"{_local(arrival_window(b)[1], crossing)}.",
            found_id=b.id,
        )
    raise NoBookingFound(f"{plate} has no booking at {where}.")


def _mark_checked_in(session: Session, *, booking: Booking, user: User, now: datetime) -> None:
    # One conditional UPDATE: of two operators checking the same truck in at once, or a check-in
    # racing the no-show sweep, exactly one wins; the other sees the row no longer active.
    won = session.execute(
        update(Booking)
        .where(Booking.id == booking.id, Booking.status == BookingStatus.ACTIVE)
        .values(status=BookingStatus.CHECKED_IN, checked_in_at=now, checked_in_by=user.id)
        .returning(Booking.id)
        .execution_options(synchronize_session=False)
    ).first()
    session.refresh(booking)
    if won is None:
        if booking.status == BookingStatus.CHECKED_IN:
            raise AlreadyCheckedIn(
                f"Booking {booking.reference} was just checked in.", found_id=booking.id
            )
        raise TooLate(
            f"Booking {booking.reference} is {booking.status.replace('_', '-')}.",
            found_id=booking.id,
        )


def _local(moment: datetime | None, crossing: Crossing) -> str:
    if moment is None:
        return "?"
    return moment.astimezone(ZoneInfo(crossing.timezone)).strftime("%Y-%m-%d %H:%M")
