"""Check-in by plate: the booking whose arrival window holds now, or a refusal saying what was
found. Windows: from 3 h before the slot to 2 h after it (the crossing's defaults)."""

from datetime import timedelta

from checkpoint_support import book_slot, booking_row, plate_of, this_hour
from support import footprints, last_seq

ARRIVALS = "/api/v1/checkpoint/arrivals"


def arrive(client, auth, plate, **extra):
    body = {"crossing": "NUR_ZHOLY", "direction": "exit", "plate": plate, **extra}
    return client.post(ARRIVALS, json=body, headers=auth("operator"))


def booked(engine, fleet, *, hours_from_now: int, **kw) -> int:
    fleet.top_up()
    start = this_hour() + timedelta(hours=hours_from_now)
    return book_slot(engine, fleet.vehicle(), starts_at=start, **kw)


def test_operator_checks_in_the_booking_whose_window_holds_now(client, auth, engine, fleet):
    bid = booked(engine, fleet, hours_from_now=1)
    plate = plate_of(engine, bid)
    seq = last_seq(engine)
    spaced = f" {plate[:3].lower()}-{plate[3:]} "  # typed as read: case, spaces, dashes
    r = arrive(client, auth, spaced)
    assert r.status_code == 200, r.text
    assert r.json()["booking_id"] == bid
    assert r.json()["status"] == "checked_in"
    row = booking_row(engine, bid)
    assert row.status == "checked_in" and row.checked_in_at is not None
    [fp] = footprints(engine, after=seq, action="checkpoint.check_in")
    assert fp.actor_login == "operator" and fp.object_id == str(bid)


def test_window_opens_early_hours_before_and_closes_grace_after(client, auth, engine, fleet):
    # Slot started 2 h ago, ended 1 h ago: within the 2 h grace.
    late_but_ok = booked(engine, fleet, hours_from_now=-2)
    assert arrive(client, auth, plate_of(engine, late_but_ok)).status_code == 200
    # Slot starts in 3 h (window opened at the top of this hour, before now).
    early_ok = booked(engine, fleet, hours_from_now=3)
    assert arrive(client, auth, plate_of(engine, early_ok)).status_code == 200


def test_too_early_names_the_booking_and_when_its_window_opens(client, auth, engine, fleet):
    bid = booked(engine, fleet, hours_from_now=5)
    seq = last_seq(engine)
    r = arrive(client, auth, plate_of(engine, bid))
    assert r.status_code == 409
    assert r.json()["error"] == "too_early"
    assert booking_row(engine, bid).reference in r.json()["detail"]
    assert "opens at" in r.json()["detail"]
    assert booking_row(engine, bid).status == "active"
    [fp] = footprints(engine, after=seq, action="checkpoint.check_in")
    assert fp.outcome == "refused"


def test_too_late_after_the_grace(client, auth, engine, fleet):
    bid = booked(engine, fleet, hours_from_now=-4)  # ended 3 h ago, grace 2 h
    r = arrive(client, auth, plate_of(engine, bid))
    assert r.status_code == 409
    assert r.json()["error"] == "too_late"
    assert "closed at" in r.json()["detail"]


def test_already_checked_in(client, auth, engine, fleet):
    bid = booked(engine, fleet, hours_from_now=0)
    plate = plate_of(engine, bid)
    assert arrive(client, auth, plate).status_code == 200
    r = arrive(client, auth, plate)
    assert r.status_code == 409
    assert r.json()["error"] == "already_checked_in"


def test_no_booking_for_the_plate_here(client, auth, engine, fleet):
    bid = booked(engine, fleet, hours_from_now=1)
    r = arrive(client, auth, "999ZZZ01")
    assert r.status_code == 404 and r.json()["error"] == "no_booking_found"
    # The right plate at the other direction is not this booking either.
    r = client.post(
        ARRIVALS,
        json={"crossing": "NUR_ZHOLY", "direction": "entry", "plate": plate_of(engine, bid)},
        headers=auth("operator"),
    )
    assert r.status_code == 404 and r.json()["error"] == "no_booking_found"


def test_cancelled_booking_is_not_found(client, auth, engine, fleet):
    bid = booked(engine, fleet, hours_from_now=1)
    assert client.post(f"/api/v1/bookings/{bid}/cancel", headers=auth("carrier")).status_code == 200
    r = arrive(client, auth, plate_of(engine, bid))
    assert r.json()["error"] == "no_booking_found"


def test_a_different_trailer_is_flagged(client, auth, engine, fleet):
    bid = booked(engine, fleet, hours_from_now=1, trailer_plate="TR1234")
    r = arrive(client, auth, plate_of(engine, bid), trailer_plate="tr 9999")
    assert r.status_code == 200
    assert r.json()["trailer_mismatch"] is True


def test_unknown_crossing_and_bad_plate(client, auth):
    r = client.post(
        ARRIVALS,
        json={"crossing": "NOWHERE", "direction": "exit", "plate": "123ABC02"},
        headers=auth("operator"),
    )
    assert r.status_code == 404 and r.json()["error"] == "crossing_not_found"
    r = arrive(client, auth, "!!")
    assert r.status_code == 422 and r.json()["error"] == "validation_error"


def test_only_operators_check_in(client, auth, engine, fleet):
    bid = booked(engine, fleet, hours_from_now=1)
    body = {"crossing": "NUR_ZHOLY", "direction": "exit", "plate": plate_of(engine, bid)}
    for login in ("carrier", "admin", "analyst"):
        r = client.post(ARRIVALS, json=body, headers=auth(login))
        assert r.status_code == 403, login
    assert client.post(ARRIVALS, json=body).status_code == 401
    assert booking_row(engine, bid).status == "active"


def test_queue_lists_expected_arrivals_with_status(client, auth, engine, fleet):
    now_slot = booked(engine, fleet, hours_from_now=0)
    next_slot = booked(engine, fleet, hours_from_now=1)
    far = booked(engine, fleet, hours_from_now=6)
    assert arrive(client, auth, plate_of(engine, now_slot)).status_code == 200
    r = client.get(
        "/api/v1/checkpoint/queue",
        params={"crossing": "NUR_ZHOLY", "direction": "exit"},
        headers=auth("operator"),
    )
    assert r.status_code == 200, r.text
    statuses = {a["booking_id"]: a["status"] for a in r.json()["arrivals"]}
    assert statuses == {now_slot: "checked_in", next_slot: "active"}
    assert far not in statuses
    assert (
        client.get(
            "/api/v1/checkpoint/queue",
            params={"crossing": "NUR_ZHOLY", "direction": "exit"},
            headers=auth("carrier"),
        ).status_code
        == 403
    )
