"""A 401 from the API says what is wrong with the caller's proof and how to get a good one."""

from sqlalchemy import update
from support import token

from kezek.models.party import User
from kezek.people.tokens import issue_token


def detail_of_me(client, authorization: str | None) -> str:
    headers = {"Authorization": authorization} if authorization else {}
    r = client.get("/api/v1/me", headers=headers)
    assert (r.status_code, r.json()["error"]) == (401, "not_authenticated")
    assert r.headers["www-authenticate"] == "Bearer"
    return r.json()["detail"]


def test_no_token_says_where_to_get_one(client):
    for authorization in (None, "Basic dXNlcjpwYXNz"):
        detail = detail_of_me(client, authorization)
        assert "needs a bearer token" in detail
        assert "POST /api/v1/auth/token" in detail and "Authorization: Bearer" in detail


def test_an_expired_token_is_called_expired(client, settings):
    expired = issue_token(user_id=1, secret=settings.secret_key, minutes=-1)
    assert "has expired" in detail_of_me(client, f"Bearer {expired}")


def test_a_damaged_token_is_called_not_valid(client):
    detail = detail_of_me(client, "Bearer not-a-token")
    assert "not valid" in detail and "expired" not in detail


def test_a_disabled_account_is_named(client, engine):
    old = token(client, "carrier")
    with engine.begin() as conn:
        conn.execute(update(User).where(User.login == "carrier").values(is_active=False))
    assert "disabled" in detail_of_me(client, f"Bearer {old}")
