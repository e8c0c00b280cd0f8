"""Logging in: bearer tokens, what the API accepts as proof of identity, brute-force throttling."""

from datetime import UTC, datetime, timedelta

import jwt
import pytest
from api_contract import contract_client
from fastapi import Request
from sqlalchemy import update
from support import DEMO_PASSWORD, token

from kezek.main import create_app
from kezek.models.party import User
from kezek.people.tokens import issue_token

pytestmark = pytest.mark.usefixtures("fast_demo_passwords")


def login(client, username, password=DEMO_PASSWORD):
    return client.post("/api/v1/auth/token", data={"username": username, "password": password})


def me(client, token_value):
    return client.get("/api/v1/me", headers={"Authorization": f"Bearer {token_value}"})


def user_id(client, auth, name):
    return client.get("/api/v1/me", headers=auth(name)).json()["id"]


def test_the_password_flow_gives_a_bearer_token(client, settings):
    r = login(client, "carrier")
    assert r.status_code == 200
    body = r.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == settings.token_minutes * 60
    assert me(client, body["access_token"]).json()["login"] == "carrier"


def test_me_tells_who_is_calling(client, auth):
    body = client.get("/api/v1/me", headers=auth("carrier")).json()
    assert body["login"] == "carrier" and body["roles"] == ["carrier"]
    assert body["identity_status"] == "verified"
    assert body["national_id"].startswith("IIN ")
    assert [c["full_name"] for c in body["companies"]] == ["Demo Logistics LLP"]


def test_login_name_is_not_case_sensitive(client):
    assert login(client, "Admin").status_code == 200


def test_a_wrong_password_is_401_invalid_credentials(client):
    r = login(client, "carrier", "not-the-password")
    assert r.status_code == 401
    assert r.json()["error"] == "invalid_credentials"


def test_an_unknown_login_gets_the_same_answer_as_a_wrong_password(client):
    wrong_password = login(client, "carrier", "not-the-password")
    unknown = login(client, "nobody-at-all", "not-the-password")
    assert unknown.status_code == wrong_password.status_code == 401
    assert unknown.json() == wrong_password.json()


def test_a_missing_form_field_is_422(client):
    r = client.post("/api/v1/auth/token", data={"username": "carrier"})
    assert (r.status_code, r.json()["error"]) == (422, "validation_error")


def test_five_failures_lock_the_login_even_for_the_right_password(client):
    for _ in range(5):
        assert login(client, "carrier", "guess").status_code == 401
    r = login(client, "carrier")
    assert r.status_code == 429
    assert r.json()["error"] == "too_many_attempts"
    assert 1 <= int(r.headers["retry-after"]) <= 900
    # Other logins from the same address are not locked by it.
    assert login(client, "driver").status_code == 200


def test_the_lock_covers_every_spelling_of_the_login(client):
    for _ in range(5):
        assert login(client, "carrier", "guess").status_code == 401
    for spelling in ("CARRIER", " carrier", "carrier "):
        r = login(client, spelling)
        assert r.status_code == 429, spelling


def test_a_success_clears_the_failures_of_the_login(client):
    for _ in range(4):
        login(client, "carrier", "guess")
    assert login(client, "carrier").status_code == 200
    for _ in range(4):
        assert login(client, "carrier", "guess").status_code == 401
    assert login(client, "carrier").status_code == 200


def test_one_address_failing_on_many_logins_is_locked_out(settings, engine):
    app = create_app(settings.model_copy(update={"login_attempts_per_ip": 3}), engine)
    with (
        contract_client(app, client=("198.51.100.7", 40000)) as sprayer,
        contract_client(app, client=("198.51.100.8", 40000)) as neighbour,
    ):
        for name in ("carrier", "driver", "operator"):
            assert login(sprayer, name, "guess").status_code == 401
        r = login(sprayer, "analyst")
        assert r.status_code == 429
        assert int(r.headers["retry-after"]) >= 1
        # Another address is not affected.
        assert login(neighbour, "analyst").status_code == 200


def test_an_expired_token_is_refused(client, auth, settings):
    uid = user_id(client, auth, "admin")
    expired = issue_token(user_id=uid, secret=settings.secret_key, minutes=-1)
    r = me(client, expired)
    assert r.status_code == 401
    assert r.json()["error"] == "not_authenticated"


def test_a_token_for_another_user_with_the_signature_kept_is_refused(client, auth):
    good = token(client, "carrier")
    header, payload, signature = good.split(".")
    claims = jwt.decode(good, options={"verify_signature": False})
    claims["sub"] = str(user_id(client, auth, "admin"))
    forged_payload = jwt.encode(claims, "k" * 32, algorithm="HS256").split(".")[1]
    assert me(client, f"{header}.{forged_payload}.{signature}").status_code == 401


def test_a_token_not_signed_by_us_or_without_expiry_is_refused(client, auth, settings):
    uid = user_id(client, auth, "admin")
    later = datetime.now(UTC) + timedelta(hours=1)
    good = issue_token(user_id=uid, secret=settings.secret_key, minutes=5)
    header, payload, signature = good.split(".")
    flipped = signature[:5] + ("A" if signature[5] != "A" else "B") + signature[6:]
    forged = {
        "other-secret": jwt.encode(
            {"sub": str(uid), "exp": later}, "some-other-secret-of-enough-length", "HS256"
        ),
        "alg-none": jwt.encode({"sub": str(uid), "exp": later}, None, algorithm="none"),
        "no-expiry": jwt.encode({"sub": str(uid)}, settings.secret_key, algorithm="HS256"),
        "garbage": "not-a-token",
        "bad-signature": f"{header}.{payload}.{flipped}",
    }
    assert me(client, good).status_code == 200
    for case, value in forged.items():
        r = me(client, value)
        assert (r.status_code, r.json()["error"]) == (401, "not_authenticated"), case


def test_a_token_of_a_user_who_does_not_exist_is_refused(client, settings):
    r = me(client, issue_token(user_id=999_999, secret=settings.secret_key, minutes=5))
    assert r.status_code == 401


def test_only_the_bearer_scheme_is_accepted(client):
    value = token(client, "carrier")
    for header in (f"Token {value}", value, f"Basic {value}"):
        assert client.get("/api/v1/me", headers={"Authorization": header}).status_code == 401


def test_a_disabled_user_is_refused_with_an_old_token_and_cannot_log_in(client, engine):
    old_token = token(client, "carrier")
    with engine.begin() as conn:
        conn.execute(update(User).where(User.login == "carrier").values(is_active=False))
    assert me(client, old_token).status_code == 401
    r = login(client, "carrier")
    assert (r.status_code, r.json()["error"]) == (403, "account_disabled")


def test_the_api_does_not_accept_the_page_session_cookie(app, client, auth):
    admin_id = user_id(client, auth, "admin")

    @app.get("/test-only/sign-in-page-session")
    def sign_in(request: Request) -> dict[str, bool]:  # what a page login puts in the session
        request.session.update({"uid": admin_id, "user_id": admin_id, "login": "admin"})
        return {"ok": True}

    with contract_client(app) as browser:
        assert browser.get("/test-only/sign-in-page-session").status_code == 200
        assert browser.cookies.get("kezek_session")
        r = browser.get("/api/v1/me")
        assert (r.status_code, r.json()["error"]) == (401, "not_authenticated")
        r = browser.patch("/api/v1/crossings/DOSTYK", json={"notes": "via cookie"})
        assert r.status_code == 401
