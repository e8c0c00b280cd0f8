"""A signed-in user's language choice is kept on their account and comes back at their login."""

import json

from fastapi.testclient import TestClient
from support import footprints, last_seq

from kezek.db import new_session
from kezek.models.party import User
from kezek.web.i18n import COOKIE
from web.conftest import csrf_of, log_in

TAGLINE_KK = "Шекарадағы өткізу пункттеріндегі электрондық кезек"
TAGLINE_ZH = "边境口岸电子排队"


def saved_locale(engine, login: str) -> str | None:
    session = new_session(engine, readonly=True)
    try:
        return session.query(User).filter_by(login=login).one().locale
    finally:
        session.close()


def test_switching_while_signed_in_saves_the_choice_with_a_footprint(web, engine):
    log_in(web, "carrier")
    before = last_seq(engine)
    r = web.get("/me?lang=kk", follow_redirects=False)
    assert r.status_code == 303
    assert saved_locale(engine, "carrier") == "kk"
    [trail] = footprints(engine, after=before, action="user.locale")
    assert json.loads(trail.payload)["to"] == "kk"
    assert trail.actor_login == "carrier"


def test_switching_anonymously_saves_nothing(web, engine):
    web.get("/?lang=zh")
    assert saved_locale(engine, "carrier") is None


def test_the_next_login_on_another_device_brings_the_language_back(web, app, engine):
    log_in(web, "driver")
    web.get("/?lang=zh")
    with TestClient(app) as other_device:
        other_device.headers["Accept"] = "text/html"
        assert TAGLINE_ZH not in other_device.get("/").text
        token = csrf_of(other_device.get("/login").text)
        r = other_device.post(
            "/login",
            data={"login": "driver", "password": "kezek-demo-2026", "csrf_token": token},
        )
        assert r.status_code == 200 and r.url.path == "/me"
        assert other_device.cookies.get(COOKIE) == "zh"
        assert TAGLINE_ZH in other_device.get("/").text


def test_registering_keeps_the_language_of_the_page(web, engine):
    from datetime import date

    from kezek.people.national_id import make_iin

    web.get("/?lang=kk")
    token = csrf_of(web.get("/register").text)
    form = {
        "csrf_token": token,
        "login": "aigerim.kk",
        "password": "a-long-enough-password",
        "full_name": "Aigerim",
        "id_kind": "iin",
        "iin": make_iin(date(1990, 2, 3), 123),
        "role": "driver",
    }
    r = web.post("/register", data=form)
    assert r.status_code == 200 and r.url.path == "/identity", r.text[-1500:]
    assert TAGLINE_KK in r.text
    assert saved_locale(engine, "aigerim.kk") == "kk"
