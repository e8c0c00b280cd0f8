"""What bookings cost (Finance Ministry order No. 707): 1 MRP to book, 100 MRP to reschedule,
100 MRP more for out-of-turn or accelerated passage, all from the vehicle owner's account, in
the MRP of the year the action is taken (not of the slot's year), nothing refunded on a
cancellation by the owner."""

from datetime import date

import pytest
from booking_support import booking_body, future_day
from support import almaty_today

from booking.rules_support import MRP_2026_TIYN, balance_of, person_id

TOP_UP_KZT = 1_000_000


@pytest.fixture
def carrier_id(engine):
    return person_id(engine, "carrier")


def _book(client, auth, body):
    r = client.post("/api/v1/bookings", json=body, headers=auth("carrier"))
    assert r.status_code == 201, r.text
    return r.json()


def _statement_kinds(engine, booking_id):
    from sqlalchemy import select

    from kezek.db import new_session
    from kezek.models.ledger import LedgerEntry

    session = new_session(engine, readonly=True)
    try:
        rows = session.execute(
            select(LedgerEntry.kind, LedgerEntry.amount)
            .where(LedgerEntry.booking_id == booking_id)
            .order_by(LedgerEntry.id)
        ).all()
        return [(k, a) for k, a in rows]
    finally:
        session.close()


def test_booking_costs_one_mrp_once(client, auth, engine, fleet, carrier_id):
    fleet.top_up(kzt=TOP_UP_KZT)
    b = _book(client, auth, booking_body(fleet.vehicle()))
    assert b["fees_kzt"] == "4325.00"
    assert _statement_kinds(engine, b["id"]) == [("booking_fee", MRP_2026_TIYN)]
    assert balance_of(engine, carrier_id) == TOP_UP_KZT * 100 - MRP_2026_TIYN


def test_priority_passage_costs_a_hundred_mrp_more(client, auth, engine, fleet, carrier_id):
    fleet.top_up(kzt=TOP_UP_KZT)
    body = booking_body(fleet.vehicle(), priority="accelerated")
    b = _book(client, auth, body)
    assert _statement_kinds(engine, b["id"]) == [
        ("booking_fee", MRP_2026_TIYN),
        ("priority_fee", 100 * MRP_2026_TIYN),
    ]
    assert b["fees_kzt"] == "436825.00"
    assert balance_of(engine, carrier_id) == TOP_UP_KZT * 100 - 101 * MRP_2026_TIYN


def test_exactly_the_fee_is_enough(client, auth, engine, fleet, carrier_id):
    fleet.top_up(kzt=4325)
    _book(client, auth, booking_body(fleet.vehicle()))
    assert balance_of(engine, carrier_id) == 0
    r = client.post("/api/v1/bookings", json=booking_body(fleet.vehicle()), headers=auth("carrier"))
    assert r.json()["error"] == "insufficient_funds"


def test_cancelling_refunds_nothing(client, auth, engine, fleet, carrier_id):
    fleet.top_up(kzt=TOP_UP_KZT)
    b = _book(client, auth, booking_body(fleet.vehicle()))
    r = client.post(f"/api/v1/bookings/{b['id']}/cancel", headers=auth("carrier"))
    assert r.status_code == 200, r.text
    assert r.json()["cancel_reason"] == "user"
    assert r.json()["fees_kzt"] == "4325.00"
    assert balance_of(engine, carrier_id) == TOP_UP_KZT * 100 - MRP_2026_TIYN


def test_reschedule_costs_a_hundred_mrp_each_time(client, auth, engine, fleet, carrier_id):
    fleet.top_up(kzt=TOP_UP_KZT)
    b = _book(client, auth, booking_body(fleet.vehicle()))
    for n, day in enumerate((future_day(4), future_day(6)), start=1):
        r = client.post(
            f"/api/v1/bookings/{b['id']}/reschedule",
            json={"date": day.isoformat(), "hour": 11},
            headers=auth("carrier"),
        )
        assert r.status_code == 200, r.text
        assert r.json()["reschedule_count"] == n
    assert [k for k, _ in _statement_kinds(engine, b["id"])] == [
        "booking_fee",
        "reschedule_fee",
        "reschedule_fee",
    ]
    assert balance_of(engine, carrier_id) == TOP_UP_KZT * 100 - 201 * MRP_2026_TIYN


def test_reschedule_without_funds_is_refused_and_changes_nothing(client, auth, fleet):
    fleet.top_up(kzt=5000)
    b = _book(client, auth, booking_body(fleet.vehicle()))
    r = client.post(
        f"/api/v1/bookings/{b['id']}/reschedule",
        json={"date": future_day(4).isoformat(), "hour": 11},
        headers=auth("carrier"),
    )
    assert r.status_code == 402 and r.json()["error"] == "insufficient_funds"
    again = client.get(f"/api/v1/bookings/{b['id']}", headers=auth("carrier")).json()
    assert (again["date"], again["hour"], again["reschedule_count"]) == (b["date"], 10, 0)


def test_a_slot_next_year_costs_the_mrp_of_the_booking_day(client, auth, engine, fleet):
    """The fee is for the act of booking, charged when it is made (fees.py): a January slot
    booked in December costs December's MRP, even before next year's MRP is published."""
    today = almaty_today()
    new_year = date(today.year + 1, 1, 5)
    days_ahead = (new_year - today).days
    if days_ahead > 120:
        pytest.skip("the longest horizon a crossing may set does not reach next year")
    r = client.patch(
        "/api/v1/crossings/NUR_ZHOLY",
        json={"booking_horizon_days": days_ahead},
        headers=auth("admin"),
    )
    assert r.status_code == 200, r.text
    fleet.top_up(kzt=TOP_UP_KZT)
    b = _book(client, auth, booking_body(fleet.vehicle(), date=new_year.isoformat()))
    assert _statement_kinds(engine, b["id"]) == [("booking_fee", MRP_2026_TIYN)]
