"""Who may book, and which slots can be booked: every refusal code, on both backends, each
leaving a footprint that names the rule."""

from datetime import timedelta

from booking_support import booking_body, future_day
from support import almaty_today, last_seq

from booking.rules_support import (
    MRP_2026_TIYN,
    balance_of,
    new_carrier,
    person_id,
    put_in_debt,
    refusal_codes,
)


def _book(client, auth, login, body):
    return client.post("/api/v1/bookings", json=body, headers=auth(login))


def _refused(client, auth, engine, login, body, status, code):
    seq = last_seq(engine)
    r = _book(client, auth, login, body)
    assert r.status_code == status, r.text
    assert r.json()["error"] == code
    assert refusal_codes(engine, after=seq, action="booking.create") == [code]
    return r


def test_anonymous_gets_401(client, fleet):
    vid = fleet.vehicle()
    assert client.post("/api/v1/bookings", json=booking_body(vid)).status_code == 401
    assert client.get("/api/v1/bookings").status_code == 401


def test_unverified_person_cannot_book_own_vehicle(client, auth, engine, fleet):
    new_carrier(engine, "newcomer", serial=1, verified=False)
    vid = fleet.vehicle("newcomer")
    fleet.top_up("newcomer")
    _refused(client, auth, engine, "newcomer", booking_body(vid), 403, "identity_not_verified")


def test_another_carriers_vehicle_is_refused(client, auth, engine, fleet):
    new_carrier(engine, "rival", serial=2)
    vid = fleet.vehicle("rival")
    fleet.top_up("rival")
    _refused(client, auth, engine, "carrier", booking_body(vid), 403, "not_authorized_for_vehicle")
    # a driver with no insurance link to the vehicle is refused too
    _refused(client, auth, engine, "driver", booking_body(vid), 403, "not_authorized_for_vehicle")


def test_company_vehicle_by_member_and_by_non_member(client, auth, engine, fleet):
    vid = fleet.vehicle("carrier", company=True)
    fleet.top_up("carrier", company=True)
    new_carrier(engine, "outsider", serial=3, company=True)
    _refused(client, auth, engine, "outsider", booking_body(vid), 403, "not_authorized_for_vehicle")
    r = _book(client, auth, "carrier", booking_body(vid))
    assert r.status_code == 201, r.text
    company_id = r.json()["owner_id"]
    assert company_id != person_id(engine, "carrier")
    # the fee came from the company's account, not the member's own
    assert balance_of(engine, company_id) == 100_000_00 - MRP_2026_TIYN
    assert balance_of(engine, person_id(engine, "carrier")) == 0


def test_unknown_vehicle(client, auth, engine):
    _refused(client, auth, engine, "carrier", booking_body(999_999), 404, "vehicle_not_found")


def test_dates_outside_the_horizon(client, auth, engine, fleet):
    vid = fleet.vehicle()
    fleet.top_up()
    yesterday = (almaty_today() - timedelta(days=1)).isoformat()
    too_far = (almaty_today() + timedelta(days=31)).isoformat()
    last = (almaty_today() + timedelta(days=30)).isoformat()
    _refused(
        client, auth, engine, "carrier", booking_body(vid, date=yesterday), 422, "outside_horizon"
    )
    _refused(
        client, auth, engine, "carrier", booking_body(vid, date=too_far), 422, "outside_horizon"
    )
    assert _book(client, auth, "carrier", booking_body(vid, date=last)).status_code == 201


def test_horizon_follows_the_crossing_setting(client, auth, engine, fleet):
    vid = fleet.vehicle()
    fleet.top_up()
    r = client.patch(
        "/api/v1/crossings/NUR_ZHOLY", json={"booking_horizon_days": 3}, headers=auth("admin")
    )
    assert r.status_code == 200, r.text
    body = booking_body(vid, date=future_day(4).isoformat())
    _refused(client, auth, engine, "carrier", body, 422, "outside_horizon")
    assert (
        _book(
            client, auth, "carrier", booking_body(vid, date=future_day(3).isoformat())
        ).status_code
        == 201
    )


def test_inside_the_lead_time_booking_is_closed(client, auth, engine, fleet):
    vid = fleet.vehicle()
    fleet.top_up()
    # an hour that has started, and with a lead time of a week, every hour of tomorrow
    body = booking_body(vid, date=almaty_today().isoformat(), hour=0)
    _refused(client, auth, engine, "carrier", body, 422, "booking_closed")
    r = client.patch(
        "/api/v1/crossings/NUR_ZHOLY",
        json={"booking_lead_minutes": 7 * 24 * 60},
        headers=auth("admin"),
    )
    assert r.status_code == 200, r.text
    body = booking_body(vid, date=future_day(1).isoformat(), hour=23)
    _refused(client, auth, engine, "carrier", body, 422, "booking_closed")


def test_closed_hours_and_closed_dates(client, auth, engine, fleet):
    vid = fleet.vehicle()
    fleet.top_up()
    # DOSTYK opens 09:00-21:00
    body = booking_body(vid, crossing="DOSTYK", hour=8)
    _refused(client, auth, engine, "carrier", body, 422, "slot_closed")
    body = booking_body(vid, crossing="DOSTYK", hour=21)
    _refused(client, auth, engine, "carrier", body, 422, "slot_closed")
    holiday = future_day(3)
    r = client.post(
        "/api/v1/crossings/DOSTYK/directions/exit/exceptions",
        json={"date_from": holiday.isoformat(), "date_to": holiday.isoformat(), "kind": "closed"},
        headers=auth("admin"),
    )
    assert r.status_code == 201, r.text
    body = booking_body(vid, crossing="DOSTYK", date=holiday.isoformat(), hour=12)
    _refused(client, auth, engine, "carrier", body, 422, "slot_closed")
    # the other direction is not closed by it
    body = booking_body(
        vid, crossing="DOSTYK", direction="entry", date=holiday.isoformat(), hour=12
    )
    assert _book(client, auth, "carrier", body).status_code == 201


def test_extension_opens_more_hours(client, auth, engine, fleet):
    vid = fleet.vehicle()
    fleet.top_up()
    day = future_day(3)
    r = client.post(
        "/api/v1/crossings/DOSTYK/directions/exit/exceptions",
        json={"date_from": day.isoformat(), "kind": "extend", "extend_hours": 2},
        headers=auth("admin"),
    )
    assert r.status_code == 201, r.text
    body = booking_body(vid, crossing="DOSTYK", date=day.isoformat(), hour=22)
    assert _book(client, auth, "carrier", body).status_code == 201


def test_unknown_and_inactive_crossings(client, auth, engine, fleet):
    vid = fleet.vehicle()
    fleet.top_up()
    _refused(
        client,
        auth,
        engine,
        "carrier",
        booking_body(vid, crossing="NOWHERE"),
        404,
        "crossing_not_found",
    )
    r = client.patch("/api/v1/crossings/DOSTYK", json={"is_active": False}, headers=auth("admin"))
    assert r.status_code == 200, r.text
    body = booking_body(vid, crossing="DOSTYK", hour=12)
    _refused(client, auth, engine, "carrier", body, 422, "crossing_inactive")


def test_category_not_served(client, auth, engine, fleet):
    vid = fleet.vehicle(category="bus")
    fleet.top_up()
    r = client.get("/api/v1/crossings/DOSTYK", headers=auth("carrier"))
    served = {rule["category"] for d in r.json()["directions"] for rule in d["capacity_rules"]}
    assert "bus" not in served and "any" not in served, served
    body = booking_body(vid, crossing="DOSTYK", hour=12)
    _refused(client, auth, engine, "carrier", body, 422, "category_not_served")


def test_no_money_no_booking(client, auth, engine, fleet):
    vid = fleet.vehicle()
    _refused(client, auth, engine, "carrier", booking_body(vid), 402, "insufficient_funds")


def test_debt_blocks_booking_even_after_a_top_up_that_does_not_cover_it(
    client, auth, engine, fleet
):
    vid = fleet.vehicle()
    put_in_debt(engine, "carrier", 432_500_00)  # 100 MRP compensation, unpaid
    _refused(client, auth, engine, "carrier", booking_body(vid), 402, "debt_outstanding")
    fleet.top_up(kzt=400_000)  # still 32,500 KZT short
    _refused(client, auth, engine, "carrier", booking_body(vid), 402, "debt_outstanding")
    fleet.top_up(kzt=40_000)
    assert _book(client, auth, "carrier", booking_body(vid)).status_code == 201


def test_out_of_turn_needs_priority_cargo_and_a_declaration(client, auth, engine, fleet):
    vid = fleet.vehicle()
    fleet.top_up(kzt=500_000)
    body = booking_body(
        vid, priority="out_of_turn", cargo_category="general", cargo_declaration="CD-1"
    )
    _refused(client, auth, engine, "carrier", body, 422, "not_priority_cargo")
    body = booking_body(vid, priority="out_of_turn", cargo_category="perishable")
    _refused(client, auth, engine, "carrier", body, 422, "cargo_declaration_required")
    body = booking_body(
        vid, priority="out_of_turn", cargo_category="perishable", cargo_declaration="CD-1"
    )
    assert _book(client, auth, "carrier", body).status_code == 201


def test_staff_roles_cannot_book(client, auth, fleet):
    vid = fleet.vehicle()
    for login in ("operator", "analyst", "admin"):
        r = _book(client, auth, login, booking_body(vid))
        assert r.status_code == 403, (login, r.text)
