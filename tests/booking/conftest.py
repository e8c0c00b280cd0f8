"""Every response in these tests is checked against the API contract (tests/api_contract.py);
`auth` mints tokens and new passwords are hashed cheaply (tests/support.py). Every test ends
with a balanced ledger and slot counters equal to the bookings that hold them."""

from api_contract import client  # noqa: F401
from booking_support import fleet  # noqa: F401
from support import auth, fast_demo_passwords, fast_password_hashing  # noqa: F401

from booking.rules_support import books_balance_after_each_test  # noqa: F401
