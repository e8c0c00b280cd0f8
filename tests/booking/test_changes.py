"""Changes to a booking: reschedule (same crossing, direction and vehicle), drivers, the
substitute vehicle of the same owner; reading and listing only one's own bookings."""

import json
from datetime import timedelta

import pytest
from booking_support import booking_body, future_day
from sqlalchemy import select
from support import footprints, last_seq

from booking.rules_support import new_carrier, refusal_codes, set_capacity
from kezek.booking import service
from kezek.booking.errors import BookingClosed
from kezek.booking.schemas import RescheduleIn
from kezek.db import new_session
from kezek.models.party import User
from kezek.people.national_id import iin_problem

IIN_OK = "790530300113"  # a valid IIN (born 1979-05-30, check digit 3)


def _book(client, auth, vid, login="carrier", **overrides):
    r = client.post("/api/v1/bookings", json=booking_body(vid, **overrides), headers=auth(login))
    assert r.status_code == 201, r.text
    return r.json()


def _post(client, auth, booking_id, what, body=None, login="carrier"):
    return client.post(f"/api/v1/bookings/{booking_id}/{what}", json=body, headers=auth(login))


def _driver(iin, name="Test Driver"):
    return {"full_name": name, "iin": iin}


def valid_iins(n):
    from datetime import date

    from kezek.people.national_id import make_iin

    return [make_iin(date(1985, 2, 3), 900 + i) for i in range(n)]


# --- reschedule --------------------------------------------------------------------------


def test_reschedule_keeps_crossing_direction_and_vehicle(client, auth, engine, fleet):
    fleet.top_up(kzt=1_000_000)
    vid = fleet.vehicle()
    b = _book(client, auth, vid)
    seq = last_seq(engine)
    r = _post(client, auth, b["id"], "reschedule", {"date": future_day(5).isoformat(), "hour": 7})
    assert r.status_code == 200, r.text
    moved = r.json()
    assert (moved["crossing"], moved["direction"], moved["vehicle"]["id"]) == (
        "NUR_ZHOLY",
        "exit",
        vid,
    )
    assert (moved["date"], moved["hour"]) == (future_day(5).isoformat(), 7)
    [fp] = footprints(engine, after=seq, action="booking.reschedule")
    assert json.loads(fp.payload)["before"] == {"date": b["date"], "hour": 10}


def test_reschedule_cannot_change_the_crossing(client, auth, fleet):
    fleet.top_up(kzt=1_000_000)
    b = _book(client, auth, fleet.vehicle())
    body = {"date": future_day(5).isoformat(), "hour": 7, "crossing": "DOSTYK"}
    r = _post(client, auth, b["id"], "reschedule", body)
    assert r.status_code == 422 and r.json()["error"] == "validation_error", r.text


def test_reschedule_to_the_same_slot_is_refused(client, auth, engine, fleet):
    fleet.top_up(kzt=1_000_000)
    b = _book(client, auth, fleet.vehicle())
    seq = last_seq(engine)
    r = _post(client, auth, b["id"], "reschedule", {"date": b["date"], "hour": 10})
    assert r.status_code == 422 and r.json()["error"] == "same_slot", r.text
    assert refusal_codes(engine, after=seq, action="booking.reschedule") == ["same_slot"]


def test_reschedule_follows_the_slot_rules(client, auth, engine, fleet):
    fleet.top_up(kzt=1_000_000)
    set_capacity(client, auth("admin"), daily_limit=12, valid_from=future_day(0))  # 1 an hour
    b = _book(client, auth, fleet.vehicle(), crossing="DOSTYK", hour=10)
    _book(client, auth, fleet.vehicle(), crossing="DOSTYK", hour=12)
    cases = [
        ({"date": b["date"], "hour": 12}, 409, "slot_full"),
        ({"date": b["date"], "hour": 22}, 422, "slot_closed"),
        ({"date": future_day(40).isoformat(), "hour": 12}, 422, "outside_horizon"),
    ]
    for body, status, code in cases:
        seq = last_seq(engine)
        r = _post(client, auth, b["id"], "reschedule", body)
        assert r.status_code == status and r.json()["error"] == code, r.text
        assert refusal_codes(engine, after=seq) == [code]
    # the place left behind is freed, the new one taken
    r = _post(client, auth, b["id"], "reschedule", {"date": b["date"], "hour": 11})
    assert r.status_code == 200, r.text
    _book(client, auth, fleet.vehicle(), crossing="DOSTYK", hour=10)
    r = client.post(
        "/api/v1/bookings",
        json=booking_body(fleet.vehicle(), crossing="DOSTYK", hour=11),
        headers=auth("carrier"),
    )
    assert r.json()["error"] == "slot_full"


def test_reschedule_of_a_cancelled_booking_is_refused(client, auth, fleet):
    fleet.top_up(kzt=1_000_000)
    b = _book(client, auth, fleet.vehicle())
    assert _post(client, auth, b["id"], "cancel").status_code == 200
    r = _post(client, auth, b["id"], "reschedule", {"date": future_day(5).isoformat(), "hour": 7})
    assert r.status_code == 409 and r.json()["error"] == "booking_not_active"


def test_no_reschedule_once_the_slot_has_started(engine, client, auth, fleet):
    """Moving a booking whose hour has come would turn a no-show into a postponement."""
    fleet.top_up(kzt=1_000_000)
    b = _book(client, auth, fleet.vehicle())
    session = new_session(engine)
    try:
        user = session.scalars(select(User).where(User.login == "carrier")).one()
        booking = service.get_booking(session, user=user, booking_id=b["id"])
        started = booking.slot_start + timedelta(minutes=5)
        later = RescheduleIn(date=future_day(6), hour=10)
        with pytest.raises(BookingClosed):
            service.reschedule_booking(
                session, user=user, booking_id=b["id"], data=later, now=started
            )
        session.rollback()
        before = booking.slot_start - timedelta(hours=2)
        moved = service.reschedule_booking(
            session, user=user, booking_id=b["id"], data=later, now=before
        )
        assert moved.day == future_day(6)
        session.rollback()
    finally:
        session.close()


# --- drivers ------------------------------------------------------------------------------


def test_drivers_added_up_to_three_each_once(client, auth, engine, fleet):
    fleet.top_up()
    a, b, c, d = valid_iins(4)
    booking = _book(client, auth, fleet.vehicle(), drivers=[_driver(a)])
    r = _post(client, auth, booking["id"], "drivers", _driver(a))
    assert r.status_code == 409 and r.json()["error"] == "driver_already_added", r.text
    seq = last_seq(engine)
    for iin in (b, c):
        assert _post(client, auth, booking["id"], "drivers", _driver(iin)).status_code == 200
    assert [fp.action for fp in footprints(engine, after=seq)] == ["booking.add_driver"] * 2
    r = _post(client, auth, booking["id"], "drivers", _driver(d))
    assert r.status_code == 422 and r.json()["error"] == "too_many_drivers", r.text
    got = client.get(f"/api/v1/bookings/{booking['id']}", headers=auth("carrier")).json()
    assert [x["national_id"] for x in got["drivers"]] == [a, b, c]


def test_a_foreign_driver_by_passport(client, auth, fleet):
    fleet.top_up()
    booking = _book(client, auth, fleet.vehicle())
    body = {"full_name": "Li Wei", "passport_number": "E12345678", "passport_country": "cn"}
    r = _post(client, auth, booking["id"], "drivers", body)
    assert r.status_code == 200, r.text
    assert r.json()["drivers"][0]["national_id"] == "CN:E12345678"


def test_driver_iin_must_have_its_check_digit(client, auth, fleet):
    fleet.top_up()
    vid = fleet.vehicle()
    wrong = IIN_OK[:11] + str((int(IIN_OK[11]) + 1) % 10)
    assert iin_problem(IIN_OK) is None and iin_problem(wrong) is not None
    body = booking_body(vid, drivers=[_driver(wrong)])
    r = client.post("/api/v1/bookings", json=body, headers=auth("carrier"))
    assert r.status_code == 422 and r.json()["error"] == "validation_error", r.text
    booking = _book(client, auth, vid)
    r = _post(client, auth, booking["id"], "drivers", _driver(wrong))
    assert r.status_code == 422 and r.json()["error"] == "validation_error", r.text


def test_the_same_driver_twice_in_a_booking_is_refused(client, auth, fleet):
    fleet.top_up()
    [iin] = valid_iins(1)
    body = booking_body(fleet.vehicle(), drivers=[_driver(iin), _driver(iin, "Again")])
    r = client.post("/api/v1/bookings", json=body, headers=auth("carrier"))
    assert r.status_code == 422 and r.json()["error"] == "validation_error", r.text
    body = booking_body(fleet.vehicle(), drivers=[_driver(i) for i in valid_iins(4)])
    r = client.post("/api/v1/bookings", json=body, headers=auth("carrier"))
    assert r.status_code == 422, r.text


# --- substitute ---------------------------------------------------------------------------


def test_substitute_by_a_vehicle_of_the_same_owner_is_logged(client, auth, engine, fleet):
    fleet.top_up()
    broken, spare = fleet.vehicle(), fleet.vehicle()
    b = _book(client, auth, broken)
    seq = last_seq(engine)
    r = _post(client, auth, b["id"], "substitute", {"vehicle_id": spare, "reason": "gearbox"})
    assert r.status_code == 200, r.text
    assert r.json()["vehicle"]["id"] == spare
    [fp] = footprints(engine, after=seq, action="booking.substitute")
    payload = json.loads(fp.payload)
    assert payload["before"]["vehicle_id"] == broken
    assert payload["after"]["vehicle_id"] == spare
    assert payload["reason"] == "gearbox"
    # the broken-down vehicle is free to book again; the spare is not
    assert _book(client, auth, broken, date=future_day(5).isoformat())["vehicle"]["id"] == broken
    r = client.post("/api/v1/bookings", json=booking_body(spare, hour=12), headers=auth("carrier"))
    assert r.json()["error"] == "vehicle_already_booked"


def test_substitute_refusals(client, auth, engine, fleet):
    fleet.top_up()
    new_carrier(engine, "rival", serial=7)
    b = _book(client, auth, fleet.vehicle())
    strangers = fleet.vehicle("rival")
    company_truck = fleet.vehicle("carrier", company=True)
    car = fleet.vehicle(category="car")
    busy = fleet.vehicle()
    _book(client, auth, busy, date=future_day(4).isoformat())
    cases = [
        (strangers, 403, "not_same_owner"),
        (company_truck, 403, "not_same_owner"),  # the member's company is another owner
        (car, 422, "category_mismatch"),
        (busy, 409, "vehicle_already_booked"),
        (b["vehicle"]["id"], 422, "same_slot"),
        (999_999, 404, "vehicle_not_found"),
    ]
    for vid, status, code in cases:
        seq = last_seq(engine)
        r = _post(client, auth, b["id"], "substitute", {"vehicle_id": vid, "reason": "broken"})
        assert (r.status_code, r.json()["error"]) == (status, code), r.text
        assert refusal_codes(engine, after=seq, action="booking.substitute") == [code]


# --- reading ------------------------------------------------------------------------------


def test_another_carriers_booking_is_not_found(client, auth, engine, fleet):
    new_carrier(engine, "rival", serial=8)
    fleet.top_up("rival")
    theirs = _book(client, auth, fleet.vehicle("rival"), login="rival")
    for r in (
        client.get(f"/api/v1/bookings/{theirs['id']}", headers=auth("carrier")),
        _post(client, auth, theirs["id"], "cancel"),
        _post(client, auth, theirs["id"], "reschedule", {"date": theirs["date"], "hour": 11}),
        _post(client, auth, theirs["id"], "drivers", _driver(valid_iins(1)[0])),
    ):
        assert r.status_code == 404 and r.json()["error"] == "booking_not_found", r.text
    assert client.get("/api/v1/bookings/999999", headers=auth("carrier")).status_code == 404
    assert client.get("/api/v1/bookings", headers=auth("carrier")).json() == []


def test_list_filters(client, auth, fleet):
    fleet.top_up()
    company_vid = fleet.vehicle(company=True)
    fleet.top_up(company=True)
    a = _book(client, auth, fleet.vehicle(), date=future_day(2).isoformat())
    b = _book(client, auth, fleet.vehicle(), crossing="DOSTYK", date=future_day(3).isoformat())
    c = _book(client, auth, company_vid, date=future_day(4).isoformat())
    assert _post(client, auth, a["id"], "cancel").status_code == 200

    def ids(**params):
        r = client.get("/api/v1/bookings", params=params, headers=auth("carrier"))
        assert r.status_code == 200, r.text
        return [x["id"] for x in r.json()]

    assert ids() == [c["id"], b["id"], a["id"]]  # the latest slot first, the company's included
    assert ids(status="cancelled") == [a["id"]]
    assert ids(status="active") == [c["id"], b["id"]]
    assert ids(crossing="dostyk") == [b["id"]]
    assert ids(**{"from": future_day(3).isoformat()}) == [c["id"], b["id"]]
    assert ids(to=future_day(3).isoformat()) == [b["id"], a["id"]]
    assert ids(limit=1, offset=1) == [b["id"]]
    r = client.get("/api/v1/bookings", params={"crossing": "NOWHERE"}, headers=auth("carrier"))
    assert r.status_code == 404 and r.json()["error"] == "crossing_not_found"
