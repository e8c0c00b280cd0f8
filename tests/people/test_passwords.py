"""Passwords: Argon2id with the RFC 9106 parameters, never stored or compared in the clear."""

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select, update
from support import DEMO_PASSWORD

from kezek.db import new_session
from kezek.models.party import User
from kezek.people.passwords import hash_password, needs_rehash, verify_password


@pytest.fixture
def fast_password_hashing():
    """Off in this module: these tests are about the real parameters."""


def test_hashes_are_argon2id_with_the_rfc_9106_parameters():
    hashed = hash_password("correct horse battery")
    assert hashed.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert "correct horse" not in hashed
    assert hash_password("correct horse battery") != hashed  # salted


def test_verification_accepts_only_the_password():
    hashed = hash_password("correct horse battery")
    assert verify_password(hashed, "correct horse battery")
    assert not verify_password(hashed, "correct horse battery ")
    assert not verify_password(hashed, "")


def test_verification_of_no_hash_or_a_broken_one_fails_without_error():
    # No hash: the login is unknown; a dummy hash is verified so that costs the same time.
    assert not verify_password(None, "kezek-dummy-password")
    assert not verify_password("not-a-hash", "whatever")


def test_weaker_hashes_are_marked_for_rehashing():
    weak = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash("pw-123456789")
    assert needs_rehash(weak)
    assert not needs_rehash(hash_password("pw-123456789"))


def test_logging_in_upgrades_a_weaker_hash(client, engine):
    weak = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash(DEMO_PASSWORD)
    with engine.begin() as conn:
        conn.execute(update(User).where(User.login == "driver").values(password_hash=weak))
    r = client.post("/api/v1/auth/token", data={"username": "driver", "password": DEMO_PASSWORD})
    assert r.status_code == 200
    session = new_session(engine, readonly=True)
    try:
        stored = session.scalar(select(User.password_hash).where(User.login == "driver"))
    finally:
        session.close()
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
