"""New passwords are hashed cheaply here too (tests/support.py): a crowd is hundreds of logins.
Every test that used a database ends with a balanced ledger and slot counters equal to the
bookings that hold them, unless it is marked as one that shows them break."""

from booking.rules_support import books_balance_after_each_test  # noqa: F401
from support import fast_password_hashing  # noqa: F401
