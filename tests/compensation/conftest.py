"""Compensation tests: the booking rules' fixtures; every test that used a database ends with a
balanced ledger and slot counters equal to the bookings holding them."""

from api_contract import client  # noqa: F401
from booking.rules_support import books_balance_after_each_test  # noqa: F401
from booking_support import fleet  # noqa: F401
from support import auth, fast_demo_passwords, fast_password_hashing  # noqa: F401
