"""Property: whatever bookings exist and however an admin lowers hours or capacity, afterwards
every active booking sits in an open hour within its capacity (or in its day's priority quota),
every counter equals the bookings holding it, and every booking that gave way and found no
place is cancelled with exactly its fees refunded.

Each example runs in one session that is rolled back (the services only flush), so one database
serves all examples."""

from datetime import date, timedelta

from booking_support import vin_for
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from support import almaty_today

from booking.rules_support import counters_match_bookings
from kezek.booking.capacity_changes import apply_capacity_drops
from kezek.booking.schemas import BookingIn
from kezek.booking.service import create_booking, fees_charged
from kezek.booking.slots import PRIORITY_QUOTA_SHARE, pool_of_day
from kezek.crossings.schemas import CapacityRuleIn, ExceptionIn
from kezek.crossings.service import add_capacity_rule, add_exception, get_crossing
from kezek.db import new_session, utcnow
from kezek.errors import AppError
from kezek.ledger.service import owner_account, post, system_account
from kezek.models.booking import Booking, BookingStatus, Priority
from kezek.models.crossing import DirectionKind
from kezek.models.ledger import EntryKind, LedgerEntry, SystemAccount
from kezek.models.party import User
from kezek.models.vehicle import Vehicle

DAYS = st.integers(min_value=1, max_value=4)
HOURS = st.integers(min_value=9, max_value=20)
BOOKINGS = st.lists(
    st.tuples(DAYS, HOURS, st.sampled_from([Priority.NORMAL] * 5 + [Priority.OUT_OF_TURN])),
    max_size=14,
)
LOWER_CAPACITY = st.builds(
    lambda day, limit, overrides: ("capacity", day, limit, overrides),
    DAYS,
    st.integers(min_value=0, max_value=30),
    st.dictionaries(HOURS.map(str), st.integers(min_value=0, max_value=2), max_size=4),
)
CLOSE = st.builds(lambda day, one_day: ("closed", day, one_day), DAYS, st.booleans())
OTHER_HOURS = st.builds(
    lambda day, open_hour, length: ("hours", day, open_hour, open_hour + length),
    DAYS,
    HOURS,
    st.integers(min_value=1, max_value=4),
)
CHANGES = st.lists(st.one_of(LOWER_CAPACITY, CLOSE, OTHER_HOURS), min_size=1, max_size=3)


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(bookings=BOOKINGS, changes=CHANGES)
def test_after_any_lowering_every_booking_fits_or_was_refunded(engine, bookings, changes):
    session = new_session(engine)
    try:
        today = almaty_today()
        crossing = get_crossing(session, code="DOSTYK")
        add_capacity_rule(
            session,
            crossing=crossing,
            kind=DirectionKind.EXIT,
            data=CapacityRuleIn(category="truck", valid_from=today, daily_limit=40),
        )
        _book_all(session, today, bookings)
        for change in changes:
            _change(session, crossing, today, change)
            apply_capacity_drops(session, crossing=crossing)
            _check(session, crossing)
    finally:
        session.rollback()
        session.close()


def _book_all(session, today: date, bookings) -> None:
    carrier = session.scalars(select(User).where(User.login == "carrier")).one()
    post(
        session,
        event_key="property-top-up",
        kind=EntryKind.TOP_UP,
        debit_account_id=system_account(session, SystemAccount.TOP_UPS).id,
        credit_account_id=owner_account(session, party_id=carrier.person_id).id,
        amount=100_000_000_00,
    )
    for serial, (day, hour, priority) in enumerate(bookings, start=9000):
        vehicle = Vehicle(
            owner_id=carrier.person_id,
            plate=f"{serial:04d}PRP",
            vin=vin_for(serial),
            category="truck",
            country="KZ",
        )
        session.add(vehicle)
        session.flush()
        data = BookingIn(
            vehicle_id=vehicle.id,
            crossing="DOSTYK",
            direction="exit",
            date=today + timedelta(days=day),
            hour=hour,
            cargo_category="livestock" if priority != Priority.NORMAL else "general",
            cargo_declaration="VET-1" if priority != Priority.NORMAL else None,
            priority=priority,
        )
        try:
            with session.begin_nested():
                create_booking(session, user=carrier, data=data)
        except AppError:
            pass  # full: the example just has fewer bookings


def _change(session, crossing, today: date, change) -> None:
    kind, day = change[0], today + timedelta(days=change[1])
    if kind == "capacity":
        limit = max(change[2], sum(change[3].values()))  # explicit hours fit in the day
        data = CapacityRuleIn(
            category="truck", valid_from=day, daily_limit=limit, hour_overrides=change[3]
        )
        add_capacity_rule(session, crossing=crossing, kind=DirectionKind.EXIT, data=data)
        return
    if kind == "closed":
        exc = ExceptionIn(date_from=day, date_to=day if change[2] else None, kind="closed")
    else:
        exc = ExceptionIn(
            date_from=day, date_to=day, kind="hours", open_hour=change[2], close_hour=change[3]
        )
    add_exception(session, crossing=crossing, kind=DirectionKind.EXIT, data=exc)


def _check(session, crossing) -> None:
    session.flush()
    assert counters_match_bookings(session) == []
    direction = next(d for d in crossing.directions if d.kind == DirectionKind.EXIT)
    active = session.scalars(
        select(Booking).where(
            Booking.direction_id == direction.id,
            Booking.status == BookingStatus.ACTIVE,
            Booking.slot_start > utcnow(),
        )
    ).all()
    per_counter: dict[tuple, int] = {}
    for booking in active:
        _, hours = pool_of_day(direction, day=booking.day, category="truck")
        assert booking.hour in hours, f"{booking.reference} in a closed hour"
        if booking.priority == Priority.NORMAL:
            key, room = (booking.day, booking.hour), hours[booking.hour]
        else:
            quota = sum(hours.values()) * PRIORITY_QUOTA_SHARE[Priority(booking.priority)]
            key, room = (booking.day, booking.priority), int(quota)
        per_counter[key] = per_counter.get(key, 0) + 1
        assert per_counter[key] <= room, f"{key}: more bookings than {room} places"
    for booking in session.scalars(
        select(Booking).where(Booking.status == BookingStatus.CANCELLED)
    ):
        assert booking.cancel_reason == "capacity_drop"
        assert fees_charged(session, booking_id=booking.id) == 0  # fees and refunds net out
        refunds = session.scalar(
            select(func.count()).where(
                LedgerEntry.booking_id == booking.id, LedgerEntry.kind == "refund"
            )
        )
        assert refunds == (1 if booking.priority == Priority.NORMAL else 2)
