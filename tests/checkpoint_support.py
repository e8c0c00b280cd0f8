"""Helpers for the checkpoint tests: bookings at any hour, past ones included."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.engine import Engine

from kezek.booking.schemas import BookingIn
from kezek.booking.service import create_booking
from kezek.db import new_session
from kezek.models.booking import Booking
from kezek.models.party import User


def book_slot(
    engine: Engine,
    vehicle_id: int,
    *,
    starts_at: datetime,
    login: str = "carrier",
    crossing: str = "NUR_ZHOLY",
    direction: str = "exit",
    trailer_plate: str | None = None,
) -> int:
    """Book the hour starting at `starts_at` through the booking service, as if booked two days
    before (so past hours can be booked too); the booking's id."""
    local = starts_at.astimezone(ZoneInfo("Asia/Almaty"))
    session = new_session(engine)
    try:
        user = session.scalars(select(User).where(User.login == login)).one()
        data = BookingIn(
            vehicle_id=vehicle_id,
            crossing=crossing,
            direction=direction,
            date=local.date(),
            hour=local.hour,
            cargo_category="general",
            trailer_plate=trailer_plate,
        )
        booking = create_booking(session, user=user, data=data, now=starts_at - timedelta(days=2))
        session.commit()
        return booking.id
    finally:
        session.close()


def this_hour() -> datetime:
    """The start of the current hour (Almaty hours start at the same instants as UTC ones)."""
    return datetime.now(UTC).replace(minute=0, second=0, microsecond=0)


def booking_row(engine: Engine, booking_id: int) -> Booking:
    session = new_session(engine)
    try:
        booking = session.get(Booking, booking_id)
        assert booking is not None
        session.expunge(booking)
        return booking
    finally:
        session.close()


def plate_of(engine: Engine, booking_id: int) -> str:
    return booking_row(engine, booking_id).plate
