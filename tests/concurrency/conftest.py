"""New passwords are hashed cheaply here too (tests/support.py): a crowd is hundreds of logins.
Every test that used a database ends with a balanced ledger and slot counters equal to the
bookings that hold them, unless it is marked as one that shows them break."""

from collections.abc import Iterator

import pytest
from booking.rules_support import check_books
from support import fast_password_hashing  # noqa: F401


@pytest.fixture(autouse=True)
def books_balance_after_each_test(request: pytest.FixtureRequest) -> Iterator[None]:
    uses_database = "engine" in request.fixturenames
    # Asked for here, before the test, so that the database outlives this check.
    engine = request.getfixturevalue("engine") if uses_database else None
    yield
    if engine is not None and not request.node.get_closest_marker("breaks_books"):
        check_books(engine)
