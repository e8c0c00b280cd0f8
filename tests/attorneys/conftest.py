"""Every response in these tests is checked against the API contract (tests/api_contract.py);
the service's signing key is made in the test's tmp dir, never under var/."""

from pathlib import Path

import pytest
from api_contract import client  # noqa: F401
from booking_support import fleet  # noqa: F401
from sqlalchemy.engine import Engine
from support import auth, fast_demo_passwords, fast_password_hashing  # noqa: F401

from attorneys.helpers import Grants
from kezek.config import Settings


@pytest.fixture
def settings(engine: Engine, tmp_path: Path) -> Settings:
    return Settings(
        database_url=engine.url.render_as_string(hide_password=False),
        media_dir=tmp_path / "media",
        signing_key_file=tmp_path / "keys" / "signing.pem",
        secret_key="test-secret-key-not-for-production",
        log_json=False,
    )


@pytest.fixture
def grants(client, auth, fleet, engine) -> Grants:  # type: ignore[no-untyped-def]  # noqa: F811
    return Grants(client, auth, fleet, engine)
