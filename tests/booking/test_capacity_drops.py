"""Capacity drops: bookings an admin change leaves without a place move to the nearest free slot
in the same direction, or are cancelled with their fees refunded; the owner is told, the trail
records it, and the counters keep equal to the bookings (checked after every test by
conftest's check_books)."""

from booking_support import booking_body, future_day
from sqlalchemy import func, select
from support import almaty_today, footprints, last_seq

from booking.rules_support import (
    MRP_2026_TIYN,
    balance_of,
    counters_match_bookings,
    person_id,
    set_capacity,
)
from kezek.audit.service import verify_chain
from kezek.booking.capacity_changes import apply_capacity_drops, refund_fees
from kezek.checkpoint.schemas import ArrivalIn
from kezek.checkpoint.service import check_in
from kezek.crossings.service import get_crossing
from kezek.db import new_session
from kezek.models.booking import Booking, OutboxMessage
from kezek.models.compensation import UnusedReservation
from kezek.models.ledger import LedgerEntry
from kezek.models.party import User

DAY = 3
CROSSING = "/api/v1/crossings/DOSTYK"
PRIORITY = dict(priority="out_of_turn", cargo_category="livestock", cargo_declaration="VET-1")


def _book(client, auth, vid, day=DAY, **overrides):
    body = booking_body(vid, crossing="DOSTYK", date=future_day(day).isoformat(), **overrides)
    r = client.post("/api/v1/bookings", json=body, headers=auth("carrier"))
    assert r.status_code == 201, r.text
    return r.json()["id"]


def _one_per_hour(client, auth):
    """DOSTYK is open 09-21 every day: 12 places a day, one per hour."""
    set_capacity(client, auth("admin"), daily_limit=12, valid_from=almaty_today())


def _close(client, auth, day, **extra):
    body = {"date_from": future_day(day).isoformat(), "kind": "closed", **extra}
    r = client.post(f"{CROSSING}/directions/exit/exceptions", json=body, headers=auth("admin"))
    assert r.status_code == 201, r.text
    return r


def _counts(r):
    return int(r.headers["Kezek-Bookings-Moved"]), int(r.headers["Kezek-Bookings-Cancelled"])


def _unused(engine, booking_id) -> list[UnusedReservation]:
    session = new_session(engine, readonly=True)
    try:
        query = select(UnusedReservation).where(UnusedReservation.booking_id == booking_id)
        return list(session.scalars(query))
    finally:
        session.close()


def _row(engine, booking_id):
    session = new_session(engine, readonly=True)
    try:
        booking = session.get(Booking, booking_id)
        session.expunge(booking)
        return booking
    finally:
        session.close()


def _messages(engine, booking_id):
    reference = _row(engine, booking_id).reference
    session = new_session(engine, readonly=True)
    try:
        rows = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        return [m for m in rows if m.payload.get("reference") == reference]
    finally:
        session.close()


def _refunds(engine, booking_id):
    session = new_session(engine, readonly=True)
    try:
        return session.scalars(
            select(LedgerEntry.amount).where(
                LedgerEntry.booking_id == booking_id, LedgerEntry.kind == "refund"
            )
        ).all()
    finally:
        session.close()


def _chain_ok(engine):
    session = new_session(engine, readonly=True)
    try:
        assert verify_chain(session).ok
        assert counters_match_bookings(session) == []
    finally:
        session.close()


def test_closing_a_day_moves_its_booking_to_the_nearest_free_hour(client, auth, engine, fleet):
    _one_per_hour(client, auth)
    fleet.top_up()
    bid = _book(client, auth, fleet.vehicle(), hour=10)
    seq = last_seq(engine)
    r = _close(client, auth, DAY)
    assert _counts(r) == (1, 0)
    # 20:00 the day before is 14 hours away; 09:00 the day after, 23.
    moved = _row(engine, bid)
    assert (moved.status, moved.day, moved.hour) == ("active", future_day(DAY - 1), 20)
    assert moved.reschedule_count == 0 and _refunds(engine, bid) == []
    [fp] = footprints(engine, after=seq, action="booking.capacity_move")
    assert fp.actor_login == "admin" and fp.object_id == str(bid)
    [note] = _messages(engine, bid)
    assert note.kind == "booking.moved" and note.party_id == person_id(engine, "carrier")
    assert note.payload["before"] == {"date": str(future_day(DAY)), "hour": 10}
    assert note.payload["after"] == {"date": str(future_day(DAY - 1)), "hour": 20}
    _chain_ok(engine)


def test_the_nearest_free_hour_skips_full_ones_and_ties_go_later(client, auth, engine, fleet):
    _one_per_hour(client, auth)
    fleet.top_up()
    bid = _book(client, auth, fleet.vehicle(), hour=15)
    _book(client, auth, fleet.vehicle(), hour=16)
    # Close 15:00-16:00 only: 14:00 and 16:00 are one hour away; 16:00 is full, so 14:00.
    r = _close(client, auth, DAY, kind="hours", open_hour=9, close_hour=21)
    assert _counts(r) == (0, 0)  # other hours that keep every hour open move nothing
    r = client.post(
        f"{CROSSING}/directions/exit/capacity",
        json={
            "category": "truck",
            "valid_from": future_day(DAY).isoformat(),
            "daily_limit": 11,
            "hour_overrides": {"15": 0},
        },
        headers=auth("admin"),
    )
    assert r.status_code == 201, r.text
    assert _counts(r) == (1, 0)
    assert (_row(engine, bid).day, _row(engine, bid).hour) == (future_day(DAY), 14)


def test_nothing_free_in_the_horizon_cancels_and_refunds_once(client, auth, engine, fleet):
    fleet.top_up()
    session = new_session(engine)
    try:
        crossing = get_crossing(session, code="DOSTYK")
        crossing.booking_horizon_days = DAY
        session.commit()
    finally:
        session.close()
    _one_per_hour(client, auth)
    bid = _book(client, auth, fleet.vehicle(), hour=10)
    before = balance_of(engine, person_id(engine, "carrier"))
    # Close every day from tomorrow on: no hour within the horizon is left to move to. Today's
    # hours may still be bookable, so close today too.
    seq = last_seq(engine)
    r = _close(client, auth, 0)
    assert _counts(r) == (0, 1)
    row = _row(engine, bid)
    assert (row.status, row.cancel_reason) == ("cancelled", "capacity_drop")
    assert _refunds(engine, bid) == [MRP_2026_TIYN]
    assert balance_of(engine, person_id(engine, "carrier")) == before + MRP_2026_TIYN
    assert not _unused(engine, bid)  # a system cancellation never counts against the owner
    [fp] = footprints(engine, after=seq, action="booking.capacity_cancel")
    assert fp.actor_login == "admin"
    [note] = _messages(engine, bid)
    assert note.kind == "booking.cancelled" and note.payload["refunded_tiyn"] == MRP_2026_TIYN
    # Run it again, and the refund itself again: still one refund, one message.
    session = new_session(engine)
    try:
        crossing = get_crossing(session, code="DOSTYK")
        assert apply_capacity_drops(session, crossing=crossing).cancelled == 0
        refund_fees(session, booking=session.get(Booking, bid))
        session.commit()
    finally:
        session.close()
    assert _refunds(engine, bid) == [MRP_2026_TIYN]
    assert len(_messages(engine, bid)) == 1
    _chain_ok(engine)


def test_lowering_an_hour_moves_only_the_latest_made(client, auth, engine, fleet):
    set_capacity(client, auth("admin"), daily_limit=36, valid_from=almaty_today())  # 3 an hour
    fleet.top_up()
    first, second, third = (_book(client, auth, fleet.vehicle(), hour=12) for _ in range(3))
    r = client.post(
        f"{CROSSING}/directions/exit/capacity",
        json={
            "category": "truck",
            "valid_from": future_day(DAY).isoformat(),
            "daily_limit": 36,
            "hour_overrides": {"12": 1},
        },
        headers=auth("admin"),
    )
    assert r.status_code == 201, r.text
    assert _counts(r) == (2, 0)
    assert _row(engine, first).hour == 12
    # 11:00 and 13:00 are as near, with 3 places each: the later wins, for both.
    assert (_row(engine, second).hour, _row(engine, third).hour) == (13, 13)
    _chain_ok(engine)


def test_a_raise_or_an_unrelated_change_moves_nothing(client, auth, engine, fleet):
    _one_per_hour(client, auth)
    fleet.top_up()
    bid = _book(client, auth, fleet.vehicle(), hour=10)
    seq = last_seq(engine)
    set_capacity(client, auth("admin"), daily_limit=48, valid_from=almaty_today())
    r = _close(client, auth, DAY + 1)  # another day
    assert _counts(r) == (0, 0)
    r = client.post(
        f"{CROSSING}/directions/entry/exceptions",  # the other direction
        json={"date_from": future_day(DAY).isoformat(), "kind": "closed"},
        headers=auth("admin"),
    )
    assert _counts(r) == (0, 0)
    row = _row(engine, bid)
    assert (row.status, row.day, row.hour) == ("active", future_day(DAY), 10)
    assert footprints(engine, after=seq, object_type="booking") == []
    assert _messages(engine, bid) == []


def test_reduced_weekly_hours_and_a_deleted_extension_move_bookings(client, auth, engine, fleet):
    set_capacity(client, auth("admin"), daily_limit=14, valid_from=almaty_today())
    fleet.top_up()
    r = client.post(
        f"{CROSSING}/directions/exit/exceptions",
        json={"date_from": future_day(DAY).isoformat(), "kind": "extend", "extend_hours": 2},
        headers=auth("admin"),
    )
    extension = r.json()["id"]
    late = _book(client, auth, fleet.vehicle(), hour=22)  # 09-23: one place an hour
    evening = _book(client, auth, fleet.vehicle(), hour=20)
    r = client.delete(f"{CROSSING}/exceptions/{extension}", headers=auth("admin"))
    assert r.status_code == 204 and _counts(r) == (1, 0)
    # 09-21 again: 20:00 is taken, so 19:00.
    assert (_row(engine, late).day, _row(engine, late).hour) == (future_day(DAY), 19)
    week = [{"weekday": d, "open_hour": 9, "close_hour": 20} for d in range(7)]
    r = client.put(f"{CROSSING}/directions/exit/hours", json={"days": week}, headers=auth("admin"))
    assert r.status_code == 200, r.text
    assert _counts(r) == (1, 0)
    # 09-20: 19:00 is taken, so 18:00.
    assert (_row(engine, evening).day, _row(engine, evening).hour) == (future_day(DAY), 18)
    _chain_ok(engine)


def test_a_moved_booking_is_checked_in_in_its_new_window(client, auth, engine, fleet):
    _one_per_hour(client, auth)
    fleet.top_up()
    bid = _book(client, auth, fleet.vehicle(), hour=10)
    _close(client, auth, DAY)
    moved = _row(engine, bid)
    session = new_session(engine)
    try:
        operator = session.scalars(select(User).where(User.login == "operator")).one()
        data = ArrivalIn(crossing="DOSTYK", direction="exit", plate=moved.plate)
        checked = check_in(session, user=operator, data=data, now=moved.slot_start)
        session.commit()
        assert checked.id == bid and checked.status == "checked_in"
    finally:
        session.close()


def test_a_closed_day_moves_priority_bookings_to_the_nearest_open_day(client, auth, engine, fleet):
    set_capacity(client, auth("admin"), daily_limit=40, valid_from=almaty_today())  # quota 2
    fleet.top_up(kzt=2_000_000)
    bid = _book(client, auth, fleet.vehicle(), hour=10, **PRIORITY)
    r = _close(client, auth, DAY)
    assert _counts(r) == (1, 0)
    row = _row(engine, bid)
    assert (row.status, row.day, row.hour) == ("active", future_day(DAY - 1), 20)
    _chain_ok(engine)


def test_priority_quota_over_a_lowered_day_moves_the_latest_made(client, auth, engine, fleet):
    set_capacity(client, auth("admin"), daily_limit=40, valid_from=almaty_today())  # quota 2
    fleet.top_up(kzt=2_000_000)
    first, second = (_book(client, auth, fleet.vehicle(), hour=10, **PRIORITY) for _ in range(2))
    r = client.post(
        f"{CROSSING}/directions/exit/capacity",
        json={"category": "truck", "valid_from": future_day(DAY).isoformat(), "daily_limit": 20},
        headers=auth("admin"),
    )
    assert _counts(r) == (1, 0)  # quota 1 from that day on; the day before keeps 2
    assert (_row(engine, first).day, _row(engine, first).hour) == (future_day(DAY), 10)
    assert (_row(engine, second).day, _row(engine, second).hour) == (future_day(DAY - 1), 20)
    _chain_ok(engine)


def test_priority_with_no_open_day_left_gets_both_fees_back(client, auth, engine, fleet):
    set_capacity(client, auth("admin"), daily_limit=40, valid_from=almaty_today())
    fleet.top_up(kzt=2_000_000)
    bid = _book(client, auth, fleet.vehicle(), hour=10, **PRIORITY)
    r = _close(client, auth, 0)  # from today on
    assert _counts(r) == (0, 1)
    assert sorted(_refunds(engine, bid)) == [MRP_2026_TIYN, 100 * MRP_2026_TIYN]
    [note] = _messages(engine, bid)
    assert note.payload["refunded_tiyn"] == 101 * MRP_2026_TIYN
    _chain_ok(engine)


def test_no_admin_change_leaves_more_active_bookings_than_places(client, auth, engine, fleet):
    """Random bookings, then random lowering: every hour within capacity."""
    import random

    rng = random.Random(7)
    set_capacity(client, auth("admin"), daily_limit=36, valid_from=almaty_today())
    fleet.top_up(kzt=1_000_000)
    for _ in range(12):
        vid = fleet.vehicle()
        body = booking_body(
            vid,
            crossing="DOSTYK",
            date=future_day(rng.randint(1, 4)).isoformat(),
            hour=rng.randint(9, 20),
        )
        client.post("/api/v1/bookings", json=body, headers=auth("carrier"))
    for _ in range(3):
        day = future_day(rng.randint(1, 4))
        overrides = {str(h): rng.randint(0, 1) for h in rng.sample(range(9, 21), 4)}
        r = client.post(
            f"{CROSSING}/directions/exit/capacity",
            json={
                "category": "truck",
                "valid_from": day.isoformat(),
                "daily_limit": rng.randint(6, 24),
                "hour_overrides": overrides,
            },
            headers=auth("admin"),
        )
        assert r.status_code == 201, r.text
        _within_capacity(engine)
    _chain_ok(engine)


def _within_capacity(engine):
    from kezek.booking.slots import pool_of_day
    from kezek.models.crossing import DirectionKind

    session = new_session(engine, readonly=True)
    try:
        crossing = get_crossing(session, code="DOSTYK")
        direction = next(d for d in crossing.directions if d.kind == DirectionKind.EXIT)
        rows = session.execute(
            select(Booking.day, Booking.hour, func.count())
            .where(Booking.direction_id == direction.id, Booking.status == "active")
            .group_by(Booking.day, Booking.hour)
        ).all()
        for day, hour, count in rows:
            _, hours = pool_of_day(direction, day=day, category="truck")
            assert count <= hours.get(hour, 0), (day, hour, count, hours)
        for booking in session.scalars(select(Booking).where(Booking.status == "cancelled")):
            assert booking.cancel_reason == "capacity_drop"
            assert _refunds(engine, booking.id) == [MRP_2026_TIYN]
    finally:
        session.close()


def test_the_admin_page_says_how_many_moved_and_were_cancelled(client, auth, engine, fleet):
    from web.conftest import log_in

    from kezek.web.i18n import COOKIE

    _one_per_hour(client, auth)
    fleet.top_up()
    bid = _book(client, auth, fleet.vehicle(), hour=10)
    token = log_in(client, "admin")
    client.cookies.set(COOKIE, "ru")
    day = str(future_day(DAY))
    form = {"csrf_token": token, "direction": "exit", "kind": "closed", "date_from": day}
    r = client.post("/admin/crossings/DOSTYK/exceptions", data=form, headers={"HX-Request": "true"})
    assert r.status_code == 200, r.text
    assert "Брони, которым больше нет места: 1 перенесено" in r.text
    assert _row(engine, bid).day == future_day(DAY - 1)
    # Without HTMX, the flash after the redirect says it: closing from the day before on sends
    # the booking back once more, to the last open hour before.
    form["date_from"] = str(future_day(DAY - 1))
    r = client.post("/admin/crossings/DOSTYK/exceptions", data=form)
    assert r.url.path == "/admin/crossings/DOSTYK"
    assert "1 перенесено на ближайший свободный час, 0 отменено" in r.text
    assert (_row(engine, bid).day, _row(engine, bid).hour) == (future_day(DAY - 2), 20)
