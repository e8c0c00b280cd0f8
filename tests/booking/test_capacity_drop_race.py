"""An admin lowering an hour's capacity while a booking of that hour is in flight: the hour must
not end above its new capacity. On PostgreSQL (READ COMMITTED) the booking reads the old rules;
without the direction lock (kezek.booking.rules_lock) the admin's count misses the uncommitted
claim, and the claim then passes against the old capacity. SQLite runs one writer at a time."""

import threading

import pytest
from booking_support import booking_body, future_day
from sqlalchemy import func, select
from support import almaty_today

from booking.rules_support import counters_match_bookings, set_capacity
from kezek.booking import capacity
from kezek.booking.capacity_changes import apply_capacity_drops
from kezek.booking.schemas import BookingIn
from kezek.booking.service import create_booking
from kezek.crossings.schemas import CapacityRuleIn
from kezek.crossings.service import add_capacity_rule, get_crossing
from kezek.db import new_session
from kezek.models.booking import Booking, BookingStatus
from kezek.models.party import User

DAY, HOUR = 3, 10
WAIT = 20  # seconds: generous, the steps take milliseconds


def _book_in_thread(engine, vehicle_id, outcome, paused, go):
    """A booking that stops just before its claim writes, until `go`."""
    session = new_session(engine)
    try:
        user = session.scalars(select(User).where(User.login == "carrier")).one()
        body = booking_body(vehicle_id, crossing="DOSTYK", date=future_day(DAY).isoformat())
        create_booking(session, user=user, data=BookingIn.model_validate({**body, "hour": HOUR}))
        session.commit()
        outcome.append("booked")
    except Exception as err:  # reported by the test, not lost in the thread
        outcome.append(repr(err))
    finally:
        session.close()


def _lower_in_thread(engine, outcome):
    """The admin: one place a day-hour from the booking's day on, and the drops applied."""
    session = new_session(engine)
    try:
        crossing = get_crossing(session, code="DOSTYK")
        rule = CapacityRuleIn(category="truck", valid_from=future_day(DAY), daily_limit=12)
        add_capacity_rule(session, crossing=crossing, kind="exit", data=rule)
        tally = apply_capacity_drops(session, crossing=crossing)
        session.commit()
        outcome.append((tally.moved, tally.cancelled))
    except Exception as err:
        outcome.append(repr(err))
    finally:
        session.close()


def test_a_capacity_drop_waits_for_the_claim_in_flight_and_moves_it(
    client, auth, engine, fleet, monkeypatch
):
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite runs one writer at a time: the admin change cannot interleave")
    # DOSTYK is open 09-21: 24 places a day, two an hour; one of 10:00's is taken.
    set_capacity(client, auth("admin"), daily_limit=24, valid_from=almaty_today())
    fleet.top_up()
    body = booking_body(fleet.vehicle(), crossing="DOSTYK", date=future_day(DAY).isoformat())
    assert client.post("/api/v1/bookings", json=body, headers=auth("carrier")).status_code == 201

    paused, go = threading.Event(), threading.Event()
    in_flight = fleet.vehicle()

    def pause_in_the_booking_thread() -> None:
        if threading.current_thread().name == "booking":
            paused.set()
            go.wait(WAIT)

    monkeypatch.setattr(capacity, "pause_before_write", pause_in_the_booking_thread)
    booked, lowered = [], []
    booking = threading.Thread(
        target=_book_in_thread, args=(engine, in_flight, booked, paused, go), name="booking"
    )
    booking.start()
    assert paused.wait(WAIT), booked  # the booking has read the old rules: two places
    admin = threading.Thread(target=_lower_in_thread, args=(engine, lowered), name="admin")
    admin.start()
    admin.join(1.0)
    assert admin.is_alive(), "the admin change did not wait for the claim in flight"
    go.set()
    booking.join(WAIT)
    admin.join(WAIT)

    assert booked == ["booked"]
    assert lowered == [(1, 0)]  # the latest made, the one in flight, moved to a free hour
    session = new_session(engine, readonly=True)
    try:
        in_the_hour = session.scalar(
            select(func.count()).where(
                Booking.day == future_day(DAY),
                Booking.hour == HOUR,
                Booking.status == BookingStatus.ACTIVE,
            )
        )
        assert in_the_hour == 1
        assert counters_match_bookings(session) == []
    finally:
        session.close()
