"""Claims and admin changes of a direction's rules do not interleave.

A claim checks the count against the capacity the rules give the hour when the booking read
them. On PostgreSQL (READ COMMITTED) an admin could lower that capacity between the read and the
claim, and count the bookings to move before the claim commits: the hour would end above its
new capacity. So a booking holds a share lock on its direction's row while it reads the rules
and claims, and an admin change takes the exclusive lock before it counts what no longer fits:
the change waits for claims in flight, and later claims wait for the change and read its rules.
Share locks do not block each other, so bookings still run side by side. SQLite runs one writer
at a time (BEGIN IMMEDIATE), which already gives the same order.
"""

from sqlalchemy import select
from sqlalchemy.orm import Session

from kezek.models.booking import Booking
from kezek.models.crossing import Crossing, Direction


def _serialises_writers(session: Session) -> bool:
    return session.get_bind().dialect.name != "postgresql"


def share_for_booking(session: Session, *, crossing_code: str, kind: str) -> None:
    """Before a new booking reads the rules of its crossing and direction."""
    if _serialises_writers(session):
        return
    session.execute(
        select(Direction.id)
        .join(Crossing, Direction.crossing_id == Crossing.id)
        .where(Crossing.code == crossing_code.upper(), Direction.kind == kind)
        .with_for_update(read=True, of=Direction)
    )


def share_for_existing(session: Session, *, booking_id: int) -> None:
    """Before a booking that will claim another place (a reschedule) is read with its rules."""
    if _serialises_writers(session):
        return
    direction_of_booking = select(Booking.direction_id).where(Booking.id == booking_id)
    session.execute(
        select(Direction.id)
        .where(Direction.id == direction_of_booking.scalar_subquery())
        .with_for_update(read=True)
    )


def exclusive_for_change(session: Session, *, crossing_id: int) -> None:
    """Before an admin change counts the bookings its new rules leave without a place."""
    if _serialises_writers(session):
        return
    session.execute(
        select(Direction.id).where(Direction.crossing_id == crossing_id).with_for_update()
    )
