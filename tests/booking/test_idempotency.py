"""Idempotency-Key on booking POSTs: a retry gets the first answer and changes nothing more."""

import zlib

import pytest
from booking_support import booking_body, future_day
from sqlalchemy import text

from booking.rules_support import MRP_2026_TIYN, balance_of, person_id

KEY = {"Idempotency-Key": "retry-me-1"}


def _headers(auth, login="carrier", key=KEY):
    return {**auth(login), **key}


def test_same_key_same_body_books_and_charges_once(client, auth, engine, fleet):
    fleet.top_up()
    body = booking_body(fleet.vehicle())
    first = client.post("/api/v1/bookings", json=body, headers=_headers(auth))
    assert first.status_code == 201, first.text
    again = client.post("/api/v1/bookings", json=body, headers=_headers(auth))
    assert again.status_code == 201, again.text
    assert again.json() == first.json()
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert balance_of(engine, person_id(engine, "carrier")) == 100_000_00 - MRP_2026_TIYN
    assert len(client.get("/api/v1/bookings", headers=auth("carrier")).json()) == 1


def test_same_key_other_body_is_a_client_error(client, auth, fleet):
    fleet.top_up()
    vid = fleet.vehicle()
    assert (
        client.post("/api/v1/bookings", json=booking_body(vid), headers=_headers(auth)).status_code
        == 201
    )
    r = client.post("/api/v1/bookings", json=booking_body(vid, hour=11), headers=_headers(auth))
    assert r.status_code == 422 and r.json()["error"] == "idempotency_key_reused", r.text


def test_a_refused_request_stores_nothing_so_its_retry_runs_again(client, auth, fleet):
    body = booking_body(fleet.vehicle())
    r = client.post("/api/v1/bookings", json=body, headers=_headers(auth))
    assert r.json()["error"] == "insufficient_funds"
    fleet.top_up()
    r = client.post("/api/v1/bookings", json=body, headers=_headers(auth))
    assert r.status_code == 201, r.text


def test_keys_belong_to_their_user(client, auth, engine, fleet):
    from booking.rules_support import new_carrier

    new_carrier(engine, "other", serial=11)
    fleet.top_up()
    fleet.top_up("other")
    mine = client.post(
        "/api/v1/bookings", json=booking_body(fleet.vehicle()), headers=_headers(auth)
    )
    theirs = client.post(
        "/api/v1/bookings",
        json=booking_body(fleet.vehicle("other")),
        headers=_headers(auth, "other"),
    )
    assert (mine.status_code, theirs.status_code) == (201, 201), theirs.text
    assert mine.json()["id"] != theirs.json()["id"]


def test_cancel_retried_gives_the_first_answer(client, auth, fleet):
    fleet.top_up()
    b = client.post("/api/v1/bookings", json=booking_body(fleet.vehicle()), headers=auth("carrier"))
    url = f"/api/v1/bookings/{b.json()['id']}/cancel"
    key = {"Idempotency-Key": "cancel-1"}
    first = client.post(url, headers=_headers(auth, key=key))
    again = client.post(url, headers=_headers(auth, key=key))
    assert first.status_code == again.status_code == 200, again.text
    assert again.json() == first.json()
    # without the key, a second cancel is what it is
    assert client.post(url, headers=auth("carrier")).json()["error"] == "booking_not_active"


def test_reschedule_retried_is_charged_once(client, auth, engine, fleet):
    fleet.top_up(kzt=1_000_000)
    b = client.post("/api/v1/bookings", json=booking_body(fleet.vehicle()), headers=auth("carrier"))
    url = f"/api/v1/bookings/{b.json()['id']}/reschedule"
    body = {"date": future_day(5).isoformat(), "hour": 9}
    for _ in range(3):
        r = client.post(url, json=body, headers=_headers(auth))
        assert r.status_code == 200, r.text
        assert r.json()["reschedule_count"] == 1
    assert balance_of(engine, person_id(engine, "carrier")) == 1_000_000_00 - 101 * MRP_2026_TIYN


def test_a_retry_while_the_first_runs_is_told_to_retry(client, auth, engine, fleet, backend):
    if backend != "postgresql":
        pytest.skip("SQLite runs one writer at a time: the retry waits and finds the answer")
    fleet.top_up()
    body = booking_body(fleet.vehicle())
    from sqlalchemy import select

    from kezek.db import new_session
    from kezek.models.party import User

    session = new_session(engine, readonly=True)
    user_id = session.scalar(select(User.id).where(User.login == "carrier"))
    session.close()
    lock_id = zlib.crc32(f"{user_id}:{KEY['Idempotency-Key']}".encode()) - 2**31
    with engine.connect() as first:  # stands for the first request, still running
        first.execute(text("SELECT pg_advisory_xact_lock(42, :k)"), {"k": lock_id})
        r = client.post("/api/v1/bookings", json=body, headers=_headers(auth))
        assert r.status_code == 409 and r.json()["error"] == "idempotency_in_progress", r.text
        assert r.headers["Retry-After"] == "1"
        first.rollback()
    r = client.post("/api/v1/bookings", json=body, headers=_headers(auth))
    assert r.status_code == 201, r.text
