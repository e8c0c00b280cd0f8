"""Booking, cancelling and sweeping at chosen instants through the services, and reading the
unused reservations and compensations that result."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.engine import Engine

from kezek.booking.schemas import BookingIn
from kezek.booking.service import cancel_booking, create_booking
from kezek.db import new_session
from kezek.ledger.service import balance, owner_account
from kezek.models.compensation import UnusedReservation
from kezek.models.ledger import EntryKind, LedgerEntry
from kezek.models.party import User

ALMATY = ZoneInfo("Asia/Almaty")
MRP_2026_TIYN = 4325 * 100


def almaty(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=ALMATY)


def book(
    engine: Engine, vehicle_id: int, *, day: date, hour: int, now: datetime, login: str = "carrier"
) -> int:
    session = new_session(engine)
    try:
        user = session.scalars(select(User).where(User.login == login)).one()
        data = BookingIn(
            vehicle_id=vehicle_id,
            crossing="NUR_ZHOLY",
            direction="exit",
            date=day,
            hour=hour,
            cargo_category="general",
        )
        booking = create_booking(session, user=user, data=data, now=now)
        session.commit()
        return booking.id
    finally:
        session.close()


def cancel(engine: Engine, booking_id: int, *, now: datetime, login: str = "carrier") -> None:
    session = new_session(engine)
    try:
        user = session.scalars(select(User).where(User.login == login)).one()
        cancel_booking(session, user=user, booking_id=booking_id, now=now)
        session.commit()
    finally:
        session.close()


def book_and_cancel(
    engine: Engine, vehicle_id: int, *, at: datetime, slot_day: date, hour: int = 10
) -> int:
    """A booking made at `at` and cancelled a minute later; its id."""
    booking_id = book(engine, vehicle_id, day=slot_day, hour=hour, now=at)
    cancel(engine, booking_id, now=at + timedelta(minutes=1))
    return booking_id


def unused_of(engine: Engine, owner_login: str = "carrier") -> list[UnusedReservation]:
    session = new_session(engine)
    try:
        person = session.scalars(select(User).where(User.login == owner_login)).one().person_id
        return list(
            session.scalars(
                select(UnusedReservation)
                .where(UnusedReservation.owner_id == person)
                .order_by(UnusedReservation.id)
            )
        )
    finally:
        session.close()


def compensations(engine: Engine) -> list[LedgerEntry]:
    session = new_session(engine)
    try:
        return list(
            session.scalars(
                select(LedgerEntry)
                .where(LedgerEntry.kind == EntryKind.COMPENSATION)
                .order_by(LedgerEntry.id)
            )
        )
    finally:
        session.close()


def balance_of(engine: Engine, login: str = "carrier") -> int:
    session = new_session(engine)
    try:
        person = session.scalars(select(User).where(User.login == login)).one().person_id
        return balance(session, account_id=owner_account(session, party_id=person).id)
    finally:
        session.close()
