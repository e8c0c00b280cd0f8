"""Every response in these tests is checked against the API contract (tests/api_contract.py)."""

from api_contract import client  # noqa: F401
