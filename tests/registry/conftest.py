"""The registry tests run against the stand-in registry as a real subprocess (its own port);
API responses are checked against the API contract (tests/api_contract.py)."""

from api_contract import client  # noqa: F401
from registry_support import own_stub, shared_stub, stub  # noqa: F401
from support import auth, fast_password_hashing  # noqa: F401
