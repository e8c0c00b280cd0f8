"""Every response in these tests is checked against the API contract (tests/api_contract.py);
the service's signing key is made in the test's tmp dir (the shared `settings` fixture)."""

import pytest
from api_contract import client  # noqa: F401
from booking_support import fleet  # noqa: F401
from support import auth, fast_demo_passwords, fast_password_hashing  # noqa: F401

from attorneys.helpers import Grants


@pytest.fixture
def grants(client, auth, fleet, engine) -> Grants:  # type: ignore[no-untyped-def]  # noqa: F811
    return Grants(client, auth, fleet, engine)
