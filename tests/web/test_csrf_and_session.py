"""Forms need the session's CSRF token; the API never accepts the page session."""

import pytest
from support import footprints, last_seq

from kezek.web.i18n import COOKIE
from web.conftest import csrf_of, log_in

POSTS = [
    ("/login", {"login": "admin", "password": "kezek-demo-2026"}),
    ("/logout", {}),
    ("/register", {"login": "someone"}),
    ("/admin/crossings/NUR_ZHOLY/settings", {"booking_horizon_days": "3"}),
]


@pytest.mark.parametrize(("path", "data"), POSTS)
def test_post_without_token_is_refused_with_a_page(web, engine, path, data):
    log_in(web, "admin")
    web.cookies.set(COOKIE, "en")
    before = last_seq(engine)
    r = web.post(path, data=data)
    assert r.status_code == 403
    assert "text/html" in r.headers["content-type"]
    assert "The form is out of date or did not come from this site." in r.text
    assert "csrf_failed" in r.text
    [refusal] = footprints(engine, after=before, outcome="refused")
    assert refusal.action == f"POST {path}" and "csrf_failed" in refusal.payload


def test_post_with_a_wrong_token_is_refused(web):
    token = log_in(web, "admin")
    r = web.post("/admin/crossings/NUR_ZHOLY/settings", data={"csrf_token": token[:-2] + "xx"})
    assert r.status_code == 403


def test_a_token_from_before_login_is_void_after_it(web):
    old = csrf_of(web.get("/login").text)
    log_in(web, "admin")
    assert web.post("/logout", data={"csrf_token": old}).status_code == 403


def test_htmx_sends_the_token_in_a_header(web):
    token = log_in(web, "admin")
    data = {"booking_horizon_days": "21", "booking_lead_minutes": "60", "is_active": "on"}
    r = web.post(
        "/admin/crossings/DOSTYK/settings",
        data=data,
        headers={"X-CSRF-Token": token, "HX-Request": "true"},
    )
    assert r.status_code == 200
    assert r.text.lstrip().startswith('<section id="settings"')


def test_htmx_refusal_goes_to_the_message_area(web):
    log_in(web, "admin")
    r = web.post("/admin/crossings/DOSTYK/settings", data={}, headers={"HX-Request": "true"})
    assert r.status_code == 403
    assert r.headers["hx-retarget"] == "#messages"
    assert "<html" not in r.text


def test_the_api_ignores_the_page_session(web):
    log_in(web, "admin")
    assert web.get("/me").status_code == 200
    r = web.get("/api/v1/me")
    assert r.status_code == 401
    assert r.json()["error"] == "not_authenticated"


def test_session_cookie_is_http_only_and_same_site(web):
    r = web.get("/login")
    cookie = r.headers["set-cookie"]
    assert "kezek_session=" in cookie and "httponly" in cookie.lower()
    assert "samesite=lax" in cookie.lower()


def test_pages_forbid_framing_and_inline_script(web):
    headers = web.get("/").headers
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert "script-src 'self'" in headers["content-security-policy"]
    assert headers["cache-control"] == "no-store"
