"""300 carriers book the last places of one small slot at once, against a running server.

Exactly the capacity succeeds; every other answer is a clean, retryable 409 (slot_full, or busy
with Retry-After); the counter equals the active bookings and each booking paid one fee.
"""

from collections import Counter

import pytest

from concurrency.crowd import (
    booking_json,
    ledger_sums_to_zero,
    make_crowd,
    running_server,
    rush,
    slot_state,
    small_slot,
)

pytestmark = pytest.mark.concurrency

CROWD = 300
CAPACITY = 7


def test_a_rush_at_a_small_slot_books_exactly_its_capacity(engine, tmp_path):
    crowd = make_crowd(engine, CROWD)
    key = small_slot(engine, capacity=CAPACITY)
    with running_server(engine, tmp_path) as base_url:
        answers = rush(base_url, [(booking_json(c.vehicle_id), c.headers) for c in crowd])

    codes = Counter((a.status, a.body.get("error")) for a in answers)
    assert codes[(201, None)] == CAPACITY, codes
    refused = [a for a in answers if a.status != 201]
    assert {(a.status, a.body["error"]) for a in refused} <= {(409, "slot_full"), (409, "busy")}
    assert all("retry-after" in a.headers for a in refused if a.body["error"] == "busy")

    state = slot_state(engine, key)
    assert state.taken == state.active_bookings == CAPACITY
    assert state.fee_postings == CAPACITY
    assert state.fee_postings_per_booking == {1}
    assert ledger_sums_to_zero(engine)
