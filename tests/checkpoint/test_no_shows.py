"""The no-show sweep: active bookings whose window ended without a check-in; idempotent; the
place is not released; the footprint's actor is the system."""

import contextlib
import threading
from datetime import timedelta

from checkpoint_support import book_slot, booking_row, this_hour
from sqlalchemy import select
from support import footprints, last_seq

from kezek.checkpoint import no_shows
from kezek.checkpoint.no_shows import sweep_no_shows
from kezek.db import new_session
from kezek.models.booking import SlotCounter
from kezek.worker import run_no_shows


def booked(engine, fleet, *, hours_from_now: int) -> int:
    fleet.top_up()
    start = this_hour() + timedelta(hours=hours_from_now)
    return book_slot(engine, fleet.vehicle(), starts_at=start)


def sweep(engine, now=None) -> int:
    session = new_session(engine)
    try:
        marked = sweep_no_shows(session, now=now).marked
        session.commit()
        return marked
    finally:
        session.close()


def taken(engine, booking_id: int) -> int:
    b = booking_row(engine, booking_id)
    session = new_session(engine)
    try:
        return session.scalar(
            select(SlotCounter.taken).where(
                SlotCounter.direction_id == b.direction_id,
                SlotCounter.day == b.day,
                SlotCounter.hour == b.hour,
            )
        )
    finally:
        session.close()


def test_marks_bookings_whose_window_ended_and_keeps_the_place(engine, fleet):
    missed = booked(engine, fleet, hours_from_now=-4)  # window closed an hour ago
    in_grace = booked(engine, fleet, hours_from_now=-2)  # slot over, grace running
    coming = booked(engine, fleet, hours_from_now=2)
    seq = last_seq(engine)
    assert sweep(engine) == 1
    row = booking_row(engine, missed)
    assert row.status == "no_show" and row.no_show_at is not None
    assert booking_row(engine, in_grace).status == "active"
    assert booking_row(engine, coming).status == "active"
    assert taken(engine, missed) == 1  # the hour is gone: its place is not given back
    [fp] = footprints(engine, after=seq, action="booking.no_show")
    assert fp.actor_login == "system" and fp.actor_user_id is None
    assert fp.object_id == str(missed)


def test_the_clock_decides_not_the_wall(engine, fleet):
    later = booked(engine, fleet, hours_from_now=1)
    assert sweep(engine) == 0
    # Window: slot end (now-ish + 2 h) + 2 h grace; a clock 5 h ahead is past it.
    assert sweep(engine, now=this_hour() + timedelta(hours=5, minutes=1)) == 1
    assert booking_row(engine, later).status == "no_show"


def test_twice_marks_once(engine, fleet):
    bid = booked(engine, fleet, hours_from_now=-5)
    seq = last_seq(engine)
    assert sweep(engine) == 1
    assert sweep(engine) == 0
    assert len(footprints(engine, after=seq, action="booking.no_show")) == 1
    assert booking_row(engine, bid).status == "no_show"


def test_concurrent_sweeps_mark_once(engine, fleet, monkeypatch):
    ids = [booked(engine, fleet, hours_from_now=-5) for _ in range(3)]
    seq = last_seq(engine)
    # SQLite serialises writers (the second sweep waits for the first's write lock), so there
    # the barrier only gives way early, well inside the busy timeout.
    barrier = threading.Barrier(2, timeout=2 if engine.dialect.name == "sqlite" else 10)
    real_mark = no_shows._mark

    waited = threading.local()

    def mark_after_both_read(session, **kw):
        # Both sweeps have read the same candidates before either writes: the race exists.
        # Only before the first write: later, one sweep waits on the other's row locks.
        if not getattr(waited, "done", False):
            waited.done = True
            with contextlib.suppress(threading.BrokenBarrierError):
                barrier.wait()
        return real_mark(session, **kw)

    monkeypatch.setattr(no_shows, "_mark", mark_after_both_read)
    results: list[int] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            results.append(run_no_shows(engine))
        except BaseException as err:  # noqa: BLE001
            errors.append(err)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors, errors
    assert sum(results) == 3
    assert len(footprints(engine, after=seq, action="booking.no_show")) == 3
    assert {booking_row(engine, i).status for i in ids} == {"no_show"}


def test_a_checked_in_booking_is_never_a_no_show(client, auth, engine, fleet):
    bid = booked(engine, fleet, hours_from_now=-1)
    plate = booking_row(engine, bid).plate
    r = client.post(
        "/api/v1/checkpoint/arrivals",
        json={"crossing": "NUR_ZHOLY", "direction": "exit", "plate": plate},
        headers=auth("operator"),
    )
    assert r.status_code == 200
    assert sweep(engine, now=this_hour() + timedelta(hours=6)) == 0
    assert booking_row(engine, bid).status == "checked_in"


def test_the_hook_is_called_once_per_no_show(engine, fleet, monkeypatch):
    seen: list[int] = []
    monkeypatch.setattr(no_shows, "on_no_show", lambda session, booking: seen.append(booking.id))
    bid = booked(engine, fleet, hours_from_now=-5)
    sweep(engine)
    sweep(engine)
    assert seen == [bid]


def test_a_booking_cannot_be_cancelled_once_its_window_has_closed(client, auth, engine, fleet):
    """Cancelling then would only rename a no-show that the sweep has not reached yet."""
    missed = booked(engine, fleet, hours_from_now=-4)
    in_grace = booked(engine, fleet, hours_from_now=-2)
    r = client.post(f"/api/v1/bookings/{missed}/cancel", headers=auth("carrier"))
    assert r.status_code == 409, r.text
    assert r.json()["error"] == "arrival_window_closed"
    assert booking_row(engine, missed).status == "active"
    assert sweep(engine) == 1
    assert booking_row(engine, missed).status == "no_show"

    r = client.post(f"/api/v1/bookings/{in_grace}/cancel", headers=auth("carrier"))
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "cancelled"
