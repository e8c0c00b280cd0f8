"""Every state change, login and refused attempt leaves a footprint, written with the change."""

import json
from datetime import date, timedelta

import pytest
from api_contract import contract_client
from fastapi.testclient import TestClient
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from support import DEMO_PASSWORD, almaty_today, footprints, last_seq

from kezek.audit import service as audit_service
from kezek.audit.service import record, verify_chain
from kezek.db import new_session
from kezek.models.crossing import Crossing
from kezek.people.national_id import make_bin, make_iin

IP = "203.0.113.9"
AGENT = "FleetSoft/4.2 (kezek tests)"
DEVICE = "device-7f3a"
DAY = almaty_today() + timedelta(days=4)


@pytest.fixture
def api(app):
    """A client calling from a known address, user agent and device."""
    with contract_client(
        app, client=(IP, 50123), headers={"user-agent": AGENT, "x-device-id": DEVICE}
    ) as c:
        yield c


pytestmark = pytest.mark.usefixtures("fast_demo_passwords")


def sign_in(api, login):
    r = api.post("/api/v1/auth/token", data={"username": login, "password": DEMO_PASSWORD})
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def payload(fp):
    return json.loads(fp.payload)


def assert_from_the_caller(fp):
    assert (fp.ip, fp.user_agent, fp.device_id) == (IP, AGENT, DEVICE)


def registration(**changes):
    body = {
        "login": "timur",
        "password": "a-long-password",
        "full_name": "Timur Akhmetov",
        "iin": make_iin(date(1990, 2, 2), 55),
    }
    return body | changes


def test_a_device_id_from_the_cookie_is_recorded(app, engine):
    with contract_client(app, cookies={"kezek_device": "cookie-device-9"}) as c:
        start = last_seq(engine)
        c.post("/api/v1/auth/token", data={"username": "carrier", "password": "guess-1234"})
    [fp] = footprints(engine, after=start)
    assert fp.device_id == "cookie-device-9"


def test_over_long_client_headers_are_cut_not_allowed_to_break_the_trail(app, engine):
    # On PostgreSQL a device id longer than its column made the footprint, and so the login
    # and even the record of a refused attempt, fail: a way to leave no trace.
    headers = {"x-device-id": "d" * 500, "user-agent": "u" * 1000}
    with contract_client(app, headers=headers) as c:
        start = last_seq(engine)
        refused = c.post("/api/v1/auth/token", data={"username": "carrier", "password": "guess"})
        accepted = c.post(
            "/api/v1/auth/token", data={"username": "carrier", "password": DEMO_PASSWORD}
        )
    assert (refused.status_code, accepted.status_code) == (401, 200)
    trail = footprints(engine, after=start)
    assert [fp.outcome for fp in trail] == ["refused", "ok"]
    assert all(fp.device_id == "d" * 100 and fp.user_agent == "u" * 300 for fp in trail)


def test_registration_leaves_a_footprint(api, engine):
    start = last_seq(engine)
    me = api.post("/api/v1/auth/register", json=registration()).json()
    [fp] = footprints(engine, after=start)
    assert (fp.action, fp.outcome) == ("user.register", "ok")
    assert (fp.object_type, fp.object_id, fp.on_behalf_of) == (
        "user",
        str(me["id"]),
        me["person_id"],
    )
    assert payload(fp) == {"login": "timur", "role": "carrier"}
    assert_from_the_caller(fp)


def test_registration_with_a_company_leaves_one_footprint_each(api, engine):
    start = last_seq(engine)
    company = {"bin": make_bin(date(2020, 1, 1), 77), "name": "Timur Trans"}
    api.post("/api/v1/auth/register", json=registration(company=company))
    assert [fp.action for fp in footprints(engine, after=start)] == [
        "user.register",
        "company.register",
    ]


def test_adding_a_company_leaves_a_footprint_naming_the_person(api, engine, auth):
    start = last_seq(engine)
    company = {"bin": make_bin(date(2021, 5, 1), 501), "name": "Aral Freight"}
    created = api.post("/api/v1/me/companies", json=company, headers=auth("driver")).json()
    [fp] = footprints(engine, after=start)
    assert (fp.action, fp.outcome, fp.actor_login) == ("company.register", "ok", "driver")
    assert fp.object_id == str(created["id"]) and payload(fp)["bin"] == company["bin"]
    assert_from_the_caller(fp)


def test_a_user_created_by_an_admin_leaves_a_footprint_naming_the_admin(api, engine, auth):
    start = last_seq(engine)
    body = registration(login="staff-1", role="operator")
    api.post("/api/v1/admin/users", json=body, headers=auth("admin"))
    [fp] = footprints(engine, after=start)
    assert (fp.action, fp.actor_login, payload(fp)) == (
        "user.register",
        "admin",
        {"login": "staff-1", "role": "operator"},
    )


def test_login_leaves_a_footprint_naming_the_user(api, engine):
    start = last_seq(engine)
    sign_in(api, "carrier")
    [fp] = footprints(engine, after=start)
    assert (fp.action, fp.outcome, fp.actor_login) == ("user.login", "ok", "carrier")
    assert fp.actor_user_id is not None and fp.object_id == str(fp.actor_user_id)
    assert_from_the_caller(fp)


def test_role_grant_and_revoke_leave_footprints_naming_the_admin(api, engine, auth):
    admin = auth("admin")
    start = last_seq(engine)
    api.post("/api/v1/admin/users/driver/roles", json={"role": "carrier"}, headers=admin)
    api.delete("/api/v1/admin/users/driver/roles/carrier", headers=admin)
    grant, revoke = footprints(engine, after=start)
    assert (grant.action, revoke.action) == ("user.grant_role", "user.revoke_role")
    assert payload(grant) == payload(revoke) == {"role": "carrier"}
    assert grant.actor_login == revoke.actor_login == "admin"
    assert_from_the_caller(grant)


def test_every_crossing_edit_leaves_a_footprint(api, engine, auth):
    admin = auth("admin")
    start = last_seq(engine)
    base = "/api/v1/crossings/DOSTYK"
    api.patch(base, json={"booking_horizon_days": 14}, headers=admin)
    hours = {"days": [{"weekday": d, "open_hour": 8, "close_hour": 20} for d in range(7)]}
    api.put(f"{base}/directions/exit/hours", json=hours, headers=admin)
    closure = {"date_from": DAY.isoformat(), "kind": "closed"}
    exc = api.post(f"{base}/directions/exit/exceptions", json=closure, headers=admin).json()
    api.delete(f"{base}/exceptions/{exc['id']}", headers=admin)
    capacity = {"valid_from": DAY.isoformat(), "daily_limit": 280}
    api.post(f"{base}/directions/entry/capacity", json=capacity, headers=admin)

    trail = footprints(engine, after=start)
    assert [fp.action for fp in trail] == [
        "crossing.settings",
        "crossing.hours",
        "crossing.exception.add",
        "crossing.exception.delete",
        "crossing.capacity",
    ]
    assert all(fp.outcome == "ok" and fp.actor_login == "admin" for fp in trail)
    assert all(payload(fp)["crossing"] == "DOSTYK" for fp in trail)
    assert payload(trail[0])["before"] == {"booking_horizon_days": 30}
    assert payload(trail[0])["after"] == {"booking_horizon_days": 14}
    assert payload(trail[4])["daily_limit"] == 280 and payload(trail[4])["direction"] == "entry"
    for fp in trail:
        assert_from_the_caller(fp)


@pytest.mark.parametrize("name", ["carrier", "no-such-user"])
def test_a_failed_login_is_recorded_as_refused_with_the_login_tried(api, engine, name):
    start = last_seq(engine)
    api.post("/api/v1/auth/token", data={"username": name, "password": "guess-1234"})
    [fp] = footprints(engine, after=start)
    assert (fp.action, fp.outcome) == ("user.login", "refused")
    assert payload(fp)["login"] == name
    assert payload(fp)["reason"] == "invalid_credentials"
    assert "guess-1234" not in fp.payload  # never the password tried
    assert_from_the_caller(fp)


def test_a_throttled_login_is_recorded_as_refused(api, engine):
    for _ in range(5):
        api.post("/api/v1/auth/token", data={"username": "carrier", "password": "guess"})
    start = last_seq(engine)
    api.post("/api/v1/auth/token", data={"username": "carrier", "password": DEMO_PASSWORD})
    [fp] = footprints(engine, after=start)
    assert (fp.action, fp.outcome, payload(fp)["reason"]) == (
        "user.login",
        "refused",
        "too_many_attempts",
    )


def test_a_forbidden_admin_call_is_recorded_with_who_tried(api, engine, auth):
    carrier = auth("carrier")
    start = last_seq(engine)
    r = api.patch("/api/v1/crossings/DOSTYK", json={"notes": "mine now"}, headers=carrier)
    assert r.status_code == 403
    [fp] = footprints(engine, after=start)
    assert (fp.action, fp.outcome) == ("PATCH /api/v1/crossings/{code}", "refused")
    assert fp.actor_login == "carrier"
    assert payload(fp)["reason"] == "forbidden"
    assert_from_the_caller(fp)


def test_an_anonymous_call_to_a_protected_endpoint_is_recorded(api, engine):
    start = last_seq(engine)
    assert api.get("/api/v1/me").status_code == 401
    [fp] = footprints(engine, after=start)
    assert (fp.action, fp.outcome, fp.actor_login) == ("GET /api/v1/me", "refused", None)
    assert payload(fp)["reason"] == "not_authenticated"
    assert_from_the_caller(fp)


def test_an_invalid_post_is_recorded_as_refused_with_the_fields(api, engine):
    start = last_seq(engine)
    r = api.post("/api/v1/auth/register", json=registration(password="Zx9-pw"))
    assert r.status_code == 422
    [fp] = footprints(engine, after=start)
    assert (fp.action, fp.outcome) == ("POST /api/v1/auth/register", "refused")
    assert payload(fp)["reason"] == "validation_error"
    assert payload(fp)["fields"] == ["body.password"]
    assert "Zx9-pw" not in fp.payload  # never the password given
    assert_from_the_caller(fp)


def test_a_refused_registration_keeps_no_footprint_of_what_it_did_before_failing(api, engine):
    # The person is created and its footprint queued before the BIN is found invalid: the
    # rollback takes both away, and only the refusal stays.
    start = last_seq(engine)
    bad_company = {"bin": "150340000108", "name": "Ghost LLP"}
    assert (
        api.post("/api/v1/auth/register", json=registration(company=bad_company)).status_code == 422
    )
    [fp] = footprints(engine, after=start)
    assert (fp.outcome, payload(fp)["reason"]) == ("refused", "invalid_bin")
    assert footprints(engine, action="user.register", after=start) == []


def test_reading_leaves_no_footprint(api, engine):
    start = last_seq(engine)
    api.get("/api/v1/crossings")
    api.get("/api/v1/crossings/DOSTYK")
    api.get("/api/v1/crossings/ATLANTIS")
    api.get("/api/v1/crossings/DOSTYK/availability", params={"direction": "exit"})
    assert footprints(engine, after=start) == []


def test_a_rolled_back_transaction_leaves_no_footprint(engine):
    start = last_seq(engine)
    session = new_session(engine)
    record(session, action="test.rolled_back_before_any_sql")
    session.rollback()
    session.execute(text("SELECT 1"))
    record(session, action="test.rolled_back_after_sql")
    session.rollback()
    record(session, action="test.closed_without_commit")
    session.close()
    record(session, action="test.committed")
    session.commit()
    session.close()
    assert [fp.action for fp in footprints(engine, after=start)] == ["test.committed"]


def test_a_change_is_not_kept_when_its_footprint_cannot_be_written(app, auth, engine, monkeypatch):
    admin = auth("admin")

    def trail_down(*args, **kwargs):
        raise RuntimeError("the trail cannot be written")

    monkeypatch.setattr(audit_service, "_chained_row", trail_down)
    with TestClient(app, raise_server_exceptions=False) as c:
        r = c.patch("/api/v1/crossings/DOSTYK", json={"notes": "no trail"}, headers=admin)
    assert r.status_code == 500
    assert r.json()["error"] == "internal_error"
    session = new_session(engine, readonly=True)
    try:
        notes = session.scalar(select(Crossing.notes).where(Crossing.code == "DOSTYK"))
    finally:
        session.close()
    assert notes != "no trail"


def test_the_trail_of_the_demo_and_of_api_activity_verifies(api, engine, auth):
    admin = auth("admin")
    api.post("/api/v1/auth/register", json=registration())
    api.patch("/api/v1/crossings/DOSTYK", json={"notes": "checked"}, headers=admin)
    api.post("/api/v1/auth/token", data={"username": "admin", "password": "wrong-one"})
    session = new_session(engine, readonly=True)
    try:
        result = verify_chain(session)
    finally:
        session.close()
    assert result.ok, result
    assert result.checked == last_seq(engine) > 20


def test_the_database_refuses_to_edit_or_delete_footprints(engine, backend):
    statements = [
        "UPDATE audit_log SET action = 'edited' WHERE seq = 1",
        "DELETE FROM audit_log WHERE seq = 1",
    ]
    if backend == "postgresql":
        statements.append("TRUNCATE audit_log")
    for statement in statements:
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(text(statement))
    trail = footprints(engine)
    assert trail[0].seq == 1 and trail[0].action != "edited"
    assert len(trail) == last_seq(engine)
