"""The admin's crossing editor: who may open it, and each form's change seen through the API."""

from datetime import timedelta

import pytest
from support import almaty_today, footprints, last_seq

from kezek.web.i18n import COOKIE
from web.conftest import csrf_of, log_in

EDITOR = "/admin/crossings/DOSTYK"
HTMX = {"HX-Request": "true"}


def api_crossing(web, code="DOSTYK"):
    return web.get(f"/api/v1/crossings/{code}").json()


def direction(crossing, kind):
    return next(d for d in crossing["directions"] if d["kind"] == kind)


@pytest.mark.parametrize("path", ["/admin/crossings", EDITOR])
def test_anonymous_visitors_are_sent_to_login(web, path):
    r = web.get(path, follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == f"/login?next={path.replace('/', '%2F')}"


def test_anonymous_htmx_post_is_redirected_by_header(web):
    token = csrf_of(web.get("/login").text)
    r = web.post(
        f"{EDITOR}/settings",
        data={"csrf_token": token},
        headers={**HTMX, "Referer": f"http://testserver{EDITOR}"},
    )
    assert r.status_code == 401
    assert r.headers["hx-redirect"] == "/login?next=%2Fadmin%2Fcrossings%2FDOSTYK"


@pytest.mark.parametrize("login", ["carrier", "operator"])
def test_other_roles_get_a_403_page_and_a_footprint(web, engine, login):
    log_in(web, login)
    web.cookies.set(COOKIE, "kk")
    before = last_seq(engine)
    r = web.get(EDITOR)
    assert r.status_code == 403
    assert "Сіздің рөліңіз бұл бетке кіруге рұқсат бермейді." in r.text
    assert login in r.text  # still shown as logged in
    [refusal] = footprints(engine, after=before, outcome="refused")
    assert refusal.actor_login == login and "forbidden" in refusal.payload


def test_admin_sees_the_list_and_the_editor_nav_link(web):
    log_in(web, "admin")
    html = web.get("/admin/crossings").text
    assert 'href="/admin/crossings/KAZYGURT"' in html
    assert 'href="/admin/crossings"' in web.get("/").text


def test_settings_change_shows_in_the_api(web, engine):
    token = log_in(web, "admin")
    data = {
        "booking_horizon_days": "3",
        "booking_lead_minutes": "90",
        "notes": "Lane 2 shut",
        "csrf_token": token,
    }  # is_active left unticked: suspended
    r = web.post(f"{EDITOR}/settings", data=data)
    assert r.url.path == EDITOR
    assert "Сохранено." in r.text  # the flash, in the default language
    crossing = api_crossing(web)
    assert (crossing["booking_horizon_days"], crossing["booking_lead_minutes"]) == (3, 90)
    assert crossing["notes"] == "Lane 2 shut" and crossing["is_active"] is False
    assert footprints(engine, action="crossing.settings")[-1].actor_login == "admin"
    assert "DOSTYK" not in web.get("/").text.split("<main")[1]  # suspended: not on the list


def test_settings_errors_are_shown_and_nothing_changes(web):
    token = log_in(web, "admin")
    web.cookies.set(COOKIE, "en")
    data = {"booking_horizon_days": "500", "booking_lead_minutes": "soon", "csrf_token": token}
    r = web.post(f"{EDITOR}/settings", data=data)
    assert r.status_code == 422
    assert "The largest allowed value is 120." in r.text
    assert "Enter a whole number." in r.text
    assert 'value="500"' in r.text
    assert api_crossing(web)["booking_horizon_days"] == 30


def test_weekly_hours_replace_the_week(web):
    token = log_in(web, "admin")
    data = {"csrf_token": token}
    for day in range(5):  # Monday to Friday 08-20; the weekend closed
        data |= {f"open_{day}": "on", f"from_{day}": "8", f"to_{day}": "20"}
    r = web.post(f"{EDITOR}/hours/entry", data=data, headers=HTMX)
    assert r.status_code == 200 and 'id="hours-entry"' in r.text
    entry = direction(api_crossing(web), "entry")
    assert [(w["weekday"], w["open_hour"], w["close_hour"]) for w in entry["weekly_hours"]] == [
        (day, 8, 20) for day in range(5)
    ]
    assert len(direction(api_crossing(web), "exit")["weekly_hours"]) == 7


def test_weekly_hours_errors_are_shown_by_day(web):
    token = log_in(web, "admin")
    web.cookies.set(COOKIE, "en")
    data = {"csrf_token": token, "open_2": "on", "from_2": "18", "to_2": "9"}
    r = web.post(f"{EDITOR}/hours/exit", data=data, headers=HTMX)
    assert r.status_code == 422
    assert 'id="day_2-error"' in r.text
    assert "The opening hour must be before the closing hour." in r.text
    assert len(direction(api_crossing(web), "exit")["weekly_hours"]) == 7


def test_add_and_delete_a_closure(web):
    token = log_in(web, "admin")
    day = almaty_today() + timedelta(days=2)
    data = {
        "csrf_token": token,
        "direction": "both",
        "kind": "closed",
        "date_from": str(day),
        "date_to": str(day),
        "reason": "Holiday",
    }
    r = web.post(f"{EDITOR}/exceptions", data=data)
    assert r.url.path == EDITOR
    crossing = api_crossing(web)
    for kind in ("exit", "entry"):
        [exc] = direction(crossing, kind)["exceptions"]
        assert (exc["kind"], exc["date_from"], exc["reason"]) == ("closed", str(day), "Holiday")
    days = web.get(f"/api/v1/crossings/DOSTYK/availability?direction=exit&from={day}&days=1")
    assert days.json()["days"][0]["capacity"] == 0
    exc_id = direction(crossing, "exit")["exceptions"][0]["id"]
    r = web.post(f"{EDITOR}/exceptions/{exc_id}/delete", data={"csrf_token": token}, headers=HTMX)
    assert r.status_code == 200 and 'id="exceptions"' in r.text
    assert direction(api_crossing(web), "exit")["exceptions"] == []
    r = web.post(f"{EDITOR}/exceptions/{exc_id}/delete", data={"csrf_token": token}, headers=HTMX)
    assert r.status_code == 404 and 'id="exceptions"' in r.text
    assert "schedule_exception_not_found" not in r.text  # the words, not the code
    assert r.text.count('class="form-error"') == 1


def test_extension_and_other_hours(web):
    token = log_in(web, "admin")
    day = str(almaty_today() + timedelta(days=1))
    base = {"csrf_token": token, "direction": "exit", "date_from": day}
    web.post(f"{EDITOR}/exceptions", data={**base, "kind": "extend", "extend_hours": "2"})
    web.post(
        f"{EDITOR}/exceptions",
        data={**base, "kind": "hours", "open_hour": "10", "close_hour": "14", "date_to": day},
    )
    kinds = [e["kind"] for e in direction(api_crossing(web), "exit")["exceptions"]]
    assert sorted(kinds) == ["extend", "hours"]


def test_exception_errors_keep_the_input(web):
    token = log_in(web, "admin")
    web.cookies.set(COOKIE, "en")
    day = almaty_today()
    data = {
        "csrf_token": token,
        "direction": "entry",
        "kind": "extend",
        "date_from": str(day),
        "date_to": str(day - timedelta(days=1)),
        "reason": "Typo",
    }
    r = web.post(f"{EDITOR}/exceptions", data=data)
    assert r.status_code == 422
    assert "The end date is before the start date." in r.text
    assert 'value="Typo"' in r.text and '<option value="extend" selected>' in r.text
    assert direction(api_crossing(web), "entry")["exceptions"] == []


def test_capacity_change_with_hour_overrides(web):
    token = log_in(web, "admin")
    day = almaty_today() + timedelta(days=5)
    data = {
        "csrf_token": token,
        "direction": "exit",
        "category": "truck",
        "valid_from": str(day),
        "daily_limit": "360",
        "hour_overrides": "9=60; 10 = 50",
        "reason": "New scanner",
    }
    r = web.post(f"{EDITOR}/capacity", data=data, headers=HTMX)
    assert r.status_code == 200 and "New scanner" in r.text
    rule = direction(api_crossing(web), "exit")["capacity_rules"][-1]
    assert (rule["valid_from"], rule["daily_limit"]) == (str(day), 360)
    assert rule["hour_overrides"] == {"9": 60, "10": 50}
    hours = web.get(
        f"/api/v1/crossings/DOSTYK/availability?direction=exit&from={day}&days=1"
    ).json()["days"][0]["hours"]
    assert {h["hour"]: h["capacity"] for h in hours}[9] == 60
    assert sum(h["capacity"] for h in hours) == 360


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ("9-40", "Write hour=places, separated by commas"),
        ("25=4", "The format is not valid."),
    ],
)
def test_capacity_errors(web, overrides, message):
    token = log_in(web, "admin")
    web.cookies.set(COOKIE, "en")
    data = {
        "csrf_token": token,
        "direction": "both",
        "category": "truck",
        "valid_from": str(almaty_today()),
        "daily_limit": "100",
        "hour_overrides": overrides,
    }
    r = web.post(f"{EDITOR}/capacity", data=data, headers=HTMX)
    assert r.status_code == 422
    assert message in r.text


def test_editor_renders_in_every_language(web):
    log_in(web, "admin")
    for locale, text in [("kk", "Апталық кесте"), ("zh", "每周开放时间"), ("en", "Weekly hours")]:
        web.cookies.set(COOKIE, locale)
        assert text in web.get(EDITOR).text


def test_unknown_crossing_in_the_editor(web):
    log_in(web, "admin")
    assert web.get("/admin/crossings/ATLANTIS").status_code == 404
