"""Admin API of crossings: only admins edit hours, exceptions, capacity and settings, and the
availability follows each edit at once."""

from datetime import timedelta

import pytest
from support import NON_ADMIN_LOGINS, almaty_today

DAY = almaty_today() + timedelta(days=5)
NEXT_SUNDAY = almaty_today() + timedelta(days=(6 - almaty_today().weekday()) % 7 or 7)
NEXT_MONDAY = NEXT_SUNDAY + timedelta(days=1)

# One valid call of every admin endpoint (the exception id is checked before it matters).
ADMIN_CALLS = [
    ("PATCH", "/api/v1/crossings/DOSTYK", {"booking_horizon_days": 3}),
    (
        "PUT",
        "/api/v1/crossings/DOSTYK/directions/exit/hours",
        {"days": [{"weekday": 0, "open_hour": 8, "close_hour": 20}]},
    ),
    (
        "POST",
        "/api/v1/crossings/DOSTYK/directions/exit/exceptions",
        {"date_from": DAY.isoformat(), "kind": "closed"},
    ),
    ("DELETE", "/api/v1/crossings/KALZHAT/exceptions/1", None),
    (
        "POST",
        "/api/v1/crossings/DOSTYK/directions/exit/capacity",
        {"valid_from": DAY.isoformat(), "daily_limit": 10},
    ),
]


def call(client, method, path, body=None, headers=None):
    return client.request(method, path, json=body, headers=headers)


def day_of(client, code, direction, day, category="truck"):
    r = client.get(
        f"/api/v1/crossings/{code}/availability",
        params={"direction": direction, "from": day.isoformat(), "days": 1, "category": category},
    )
    assert r.status_code == 200, r.text
    return r.json()["days"][0]


def hours_of(client, code, direction, day, category="truck"):
    return {
        h["hour"]: h["capacity"] for h in day_of(client, code, direction, day, category)["hours"]
    }


@pytest.fixture
def admin(auth):
    return auth("admin")


def test_anonymous_edit_is_401_not_authenticated(client):
    for method, path, body in ADMIN_CALLS:
        r = call(client, method, path, body)
        assert (r.status_code, r.json()["error"]) == (401, "not_authenticated"), path
        assert r.headers["www-authenticate"] == "Bearer"


def test_every_non_admin_role_is_403_forbidden_and_changes_nothing(client, auth):
    before = client.get("/api/v1/crossings/DOSTYK").json()
    for method, path, body in ADMIN_CALLS:
        for login in NON_ADMIN_LOGINS:
            r = call(client, method, path, body, headers=auth(login))
            assert (r.status_code, r.json()["error"]) == (403, "forbidden"), (login, path)
    assert client.get("/api/v1/crossings/DOSTYK").json() == before


def test_admin_changes_the_booking_horizon(client, admin):
    r = client.patch("/api/v1/crossings/DOSTYK", json={"booking_horizon_days": 3}, headers=admin)
    assert r.status_code == 200
    assert r.json()["booking_horizon_days"] == 3
    last = almaty_today() + timedelta(days=3)
    params = {"direction": "exit", "from": (last + timedelta(days=1)).isoformat()}
    assert client.get("/api/v1/crossings/DOSTYK/availability", params=params).status_code == 422
    params["from"] = almaty_today().isoformat()
    days = client.get("/api/v1/crossings/DOSTYK/availability", params=params).json()["days"]
    assert days[-1]["date"] == last.isoformat()


def test_settings_left_out_are_kept(client, admin):
    r = client.patch("/api/v1/crossings/DOSTYK", json={"notes": "lane 3 closed"}, headers=admin)
    assert r.json()["notes"] == "lane 3 closed"
    assert r.json()["booking_horizon_days"] == 30 and r.json()["is_active"] is True


def test_admin_replaces_weekly_hours_and_a_weekday_left_out_is_closed(client, admin):
    weekdays = [{"weekday": d, "open_hour": 8, "close_hour": 20} for d in range(5)]
    r = client.put(
        "/api/v1/crossings/DOSTYK/directions/exit/hours", json={"days": weekdays}, headers=admin
    )
    assert r.status_code == 200
    assert [w["weekday"] for w in r.json()["weekly_hours"]] == [0, 1, 2, 3, 4]
    assert hours_of(client, "DOSTYK", "exit", NEXT_SUNDAY) == {}
    assert day_of(client, "DOSTYK", "exit", NEXT_SUNDAY)["open"] is False
    monday = hours_of(client, "DOSTYK", "exit", NEXT_MONDAY)
    assert list(monday) == list(range(8, 20)) and sum(monday.values()) == 300
    # The other direction keeps its own hours.
    assert list(hours_of(client, "DOSTYK", "entry", NEXT_SUNDAY)) == list(range(9, 21))


def test_a_closure_empties_that_day_only_and_that_direction_only(client, admin):
    r = client.post(
        "/api/v1/crossings/DOSTYK/directions/exit/exceptions",
        json={"date_from": DAY.isoformat(), "kind": "closed", "reason": "holiday"},
        headers=admin,
    )
    assert r.status_code == 201
    assert (r.json()["kind"], r.json()["date_to"], r.json()["reason"]) == (
        "closed",
        None,
        "holiday",
    )
    closed_day = day_of(client, "DOSTYK", "exit", DAY)
    assert closed_day["open"] is False and closed_day["capacity"] == 0 and closed_day["hours"] == []
    assert sum(hours_of(client, "DOSTYK", "entry", DAY).values()) == 300


def test_a_one_day_closure_ends_after_its_day(client, admin):
    client.post(
        "/api/v1/crossings/DOSTYK/directions/exit/exceptions",
        json={"date_from": DAY.isoformat(), "date_to": DAY.isoformat(), "kind": "closed"},
        headers=admin,
    )
    assert hours_of(client, "DOSTYK", "exit", DAY) == {}
    assert sum(hours_of(client, "DOSTYK", "exit", DAY + timedelta(days=1)).values()) == 300
    assert sum(hours_of(client, "DOSTYK", "exit", DAY - timedelta(days=1)).values()) == 300


def test_an_extension_adds_hours_and_keeps_the_daily_limit(client, admin):
    r = client.post(
        "/api/v1/crossings/DOSTYK/directions/exit/exceptions",
        json={"date_from": DAY.isoformat(), "kind": "extend", "extend_hours": 2},
        headers=admin,
    )
    assert r.status_code == 201
    extended = hours_of(client, "DOSTYK", "exit", DAY)
    assert list(extended) == list(range(9, 23)) and sum(extended.values()) == 300
    assert len(hours_of(client, "DOSTYK", "exit", DAY - timedelta(days=1))) == 12
    assert len(hours_of(client, "DOSTYK", "exit", DAY + timedelta(days=10))) == 14


def test_other_hours_for_a_day(client, admin):
    client.post(
        "/api/v1/crossings/DOSTYK/directions/exit/exceptions",
        json={
            "date_from": DAY.isoformat(),
            "date_to": DAY.isoformat(),
            "kind": "hours",
            "open_hour": 6,
            "close_hour": 12,
        },
        headers=admin,
    )
    assert hours_of(client, "DOSTYK", "exit", DAY) == {h: 50 for h in range(6, 12)}


def test_a_holiday_closure_overrides_a_standing_extension(client, admin):
    # KALZHAT has had its +2 h since 2025-09-01; a closure that starts later wins on its day.
    client.post(
        "/api/v1/crossings/KALZHAT/directions/entry/exceptions",
        json={"date_from": DAY.isoformat(), "date_to": DAY.isoformat(), "kind": "closed"},
        headers=admin,
    )
    assert hours_of(client, "KALZHAT", "entry", DAY) == {}
    assert len(hours_of(client, "KALZHAT", "entry", DAY + timedelta(days=1))) == 14


def test_deleting_an_exception_restores_the_hours(client, admin):
    created = client.post(
        "/api/v1/crossings/DOSTYK/directions/exit/exceptions",
        json={"date_from": DAY.isoformat(), "kind": "closed"},
        headers=admin,
    ).json()
    r = client.delete(f"/api/v1/crossings/DOSTYK/exceptions/{created['id']}", headers=admin)
    assert r.status_code == 204 and r.content == b""
    assert sum(hours_of(client, "DOSTYK", "exit", DAY).values()) == 300
    detail = client.get("/api/v1/crossings/DOSTYK").json()
    assert all(d["exceptions"] == [] for d in detail["directions"])


def test_deleting_the_kalzhat_extension_brings_back_12_hours(client, admin):
    detail = client.get("/api/v1/crossings/KALZHAT").json()
    exit_ = next(d for d in detail["directions"] if d["kind"] == "exit")
    extension = exit_["exceptions"][0]["id"]
    client.delete(f"/api/v1/crossings/KALZHAT/exceptions/{extension}", headers=admin)
    assert list(hours_of(client, "KALZHAT", "exit", DAY)) == list(range(9, 21))
    assert len(hours_of(client, "KALZHAT", "entry", DAY)) == 14


def test_deleting_an_unknown_exception_is_404(client, admin):
    r = client.delete("/api/v1/crossings/DOSTYK/exceptions/999999", headers=admin)
    assert r.status_code == 404
    assert r.json()["error"] == "schedule_exception_not_found"


def test_an_exception_cannot_be_deleted_through_another_crossing(client, admin):
    detail = client.get("/api/v1/crossings/KALZHAT").json()
    extension = detail["directions"][0]["exceptions"][0]["id"]
    r = client.delete(f"/api/v1/crossings/DOSTYK/exceptions/{extension}", headers=admin)
    assert r.status_code == 404
    assert client.get("/api/v1/crossings/KALZHAT").json() == detail


def test_a_capacity_change_applies_from_its_date_only(client, admin):
    r = client.post(
        "/api/v1/crossings/NUR_ZHOLY/directions/exit/capacity",
        json={"valid_from": DAY.isoformat(), "daily_limit": 1000, "reason": "scenario"},
        headers=admin,
    )
    assert r.status_code == 201
    assert r.json()["daily_limit"] == 1000
    assert sum(hours_of(client, "NUR_ZHOLY", "exit", DAY - timedelta(days=1)).values()) == 650
    assert sum(hours_of(client, "NUR_ZHOLY", "exit", DAY).values()) == 1000
    assert sum(hours_of(client, "NUR_ZHOLY", "exit", DAY + timedelta(days=9)).values()) == 1000
    assert sum(hours_of(client, "NUR_ZHOLY", "entry", DAY).values()) == 650


def test_a_second_rule_for_the_same_date_replaces_the_first(client, admin):
    for limit in (500, 480):
        r = client.post(
            "/api/v1/crossings/DOSTYK/directions/exit/capacity",
            json={"valid_from": DAY.isoformat(), "daily_limit": limit},
            headers=admin,
        )
        assert r.status_code == 201
    assert sum(hours_of(client, "DOSTYK", "exit", DAY).values()) == 480
    rules = next(
        d["capacity_rules"]
        for d in client.get("/api/v1/crossings/DOSTYK").json()["directions"]
        if d["kind"] == "exit"
    )
    assert [(r["valid_from"], r["daily_limit"]) for r in rules][-1] == (DAY.isoformat(), 480)
    assert sum(1 for r in rules if r["valid_from"] == DAY.isoformat()) == 1


def test_an_explicit_hour_keeps_its_capacity_and_the_rest_is_spread(client, admin):
    client.post(
        "/api/v1/crossings/DOSTYK/directions/exit/capacity",
        json={"valid_from": DAY.isoformat(), "daily_limit": 300, "hour_overrides": {"9": 80}},
        headers=admin,
    )
    hours = hours_of(client, "DOSTYK", "exit", DAY)
    assert hours[9] == 80
    assert sum(hours.values()) == 300
    assert [hours[h] for h in range(10, 21)] == [20] * 11


def test_an_all_category_rule_serves_other_vehicles(client, admin):
    r = client.get(
        "/api/v1/crossings/DOSTYK/availability", params={"direction": "exit", "category": "bus"}
    )
    assert r.json()["error"] == "category_not_served"
    client.post(
        "/api/v1/crossings/DOSTYK/directions/exit/capacity",
        json={"category": "any", "valid_from": almaty_today().isoformat(), "daily_limit": 24},
        headers=admin,
    )
    assert hours_of(client, "DOSTYK", "exit", DAY, category="bus") == {h: 2 for h in range(9, 21)}
    assert sum(hours_of(client, "DOSTYK", "exit", DAY, category="truck").values()) == 300


INVALID_BODIES = [
    ("PATCH", "/api/v1/crossings/DOSTYK", {"booking_horizon_days": 0}),
    ("PATCH", "/api/v1/crossings/DOSTYK", {"booking_lead_minutes": -5}),
    ("PATCH", "/api/v1/crossings/DOSTYK", {"notes": "x" * 501}),
    (
        "PUT",
        "/api/v1/crossings/DOSTYK/directions/exit/hours",
        {"days": [{"weekday": 0, "open_hour": 20, "close_hour": 8}]},
    ),
    (
        "PUT",
        "/api/v1/crossings/DOSTYK/directions/exit/hours",
        {"days": [{"weekday": 7, "open_hour": 8, "close_hour": 20}]},
    ),
    (
        "PUT",
        "/api/v1/crossings/DOSTYK/directions/exit/hours",
        {"days": [{"weekday": 1, "open_hour": 8, "close_hour": 25}]},
    ),
    (
        "PUT",
        "/api/v1/crossings/DOSTYK/directions/exit/hours",
        {
            "days": [
                {"weekday": 1, "open_hour": 8, "close_hour": 20},
                {"weekday": 1, "open_hour": 9, "close_hour": 10},
            ]
        },
    ),
    ("PUT", "/api/v1/crossings/DOSTYK/directions/exit/hours", {}),
    (
        "POST",
        "/api/v1/crossings/DOSTYK/directions/exit/exceptions",
        {"date_from": DAY.isoformat(), "kind": "hours", "open_hour": 9},
    ),
    (
        "POST",
        "/api/v1/crossings/DOSTYK/directions/exit/exceptions",
        {"date_from": DAY.isoformat(), "kind": "hours", "open_hour": 12, "close_hour": 12},
    ),
    (
        "POST",
        "/api/v1/crossings/DOSTYK/directions/exit/exceptions",
        {"date_from": DAY.isoformat(), "kind": "extend"},
    ),
    (
        "POST",
        "/api/v1/crossings/DOSTYK/directions/exit/exceptions",
        {"date_from": DAY.isoformat(), "kind": "extend", "extend_hours": 0},
    ),
    (
        "POST",
        "/api/v1/crossings/DOSTYK/directions/exit/exceptions",
        {
            "date_from": DAY.isoformat(),
            "date_to": (DAY - timedelta(days=1)).isoformat(),
            "kind": "closed",
        },
    ),
    (
        "POST",
        "/api/v1/crossings/DOSTYK/directions/exit/exceptions",
        {"date_from": DAY.isoformat(), "kind": "flooded"},
    ),
    (
        "POST",
        "/api/v1/crossings/DOSTYK/directions/exit/capacity",
        {"valid_from": DAY.isoformat(), "daily_limit": -1},
    ),
    (
        "POST",
        "/api/v1/crossings/DOSTYK/directions/exit/capacity",
        {"valid_from": DAY.isoformat(), "daily_limit": 300, "hour_overrides": {"24": 5}},
    ),
    (
        "POST",
        "/api/v1/crossings/DOSTYK/directions/exit/capacity",
        {"valid_from": DAY.isoformat(), "daily_limit": 300, "category": "plane"},
    ),
    (
        "POST",
        "/api/v1/crossings/DOSTYK/directions/exit/capacity",
        {"valid_from": DAY.isoformat(), "daily_limit": 100, "hour_overrides": {"9": 60, "10": 41}},
    ),
    ("POST", "/api/v1/crossings/DOSTYK/directions/exit/capacity", {"daily_limit": 300}),
    ("POST", "/api/v1/crossings/DOSTYK/directions/north/capacity", {"daily_limit": 300}),
]


def test_invalid_edits_are_422_and_change_nothing(client, admin):
    before = client.get("/api/v1/crossings/DOSTYK").json()
    for method, path, body in INVALID_BODIES:
        r = call(client, method, path, body, headers=admin)
        assert r.status_code == 422, (path, body, r.text)
        assert r.json()["error"] == "validation_error" and r.json()["fields"], body
    assert client.get("/api/v1/crossings/DOSTYK").json() == before


def test_edit_of_an_unknown_crossing_is_404(client, admin):
    r = client.patch("/api/v1/crossings/ATLANTIS", json={"notes": "x"}, headers=admin)
    assert r.status_code == 404
    assert r.json()["error"] == "crossing_not_found"


def test_openapi_lists_the_rebooking_headers_of_every_admin_change(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    changes = [
        ("patch", "/api/v1/crossings/{code}", "200"),
        ("put", "/api/v1/crossings/{code}/directions/{direction}/hours", "200"),
        ("post", "/api/v1/crossings/{code}/directions/{direction}/exceptions", "201"),
        ("delete", "/api/v1/crossings/{code}/exceptions/{exception_id}", "204"),
        ("post", "/api/v1/crossings/{code}/directions/{direction}/capacity", "201"),
    ]
    for method, path, status in changes:
        headers = paths[path][method]["responses"][status]["headers"]
        assert {"Kezek-Bookings-Moved", "Kezek-Bookings-Cancelled"} <= set(headers), path
