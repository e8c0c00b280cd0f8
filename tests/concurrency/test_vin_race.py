"""One truck, booked at every crossing and several hours at once, in the same direction.

A vehicle holds one active booking per direction across all crossings. The service checks
first; two requests that both pass the check meet the partial unique index on (vin, direction)
for active bookings, whose violation becomes the same clean refusal.
"""

from collections import Counter

import pytest

from concurrency.crowd import booking_json, make_crowd, running_server, rush
from kezek.db import new_session
from kezek.models.booking import Booking, BookingStatus

pytestmark = pytest.mark.concurrency

CROSSINGS = ["NUR_ZHOLY", "DOSTYK", "KALZHAT", "BAKHTY", "MAIKAPSHAGAI", "SYRYM", "KARASU"]
HOURS = [10, 11, 12, 13, 14]  # open at every one of these crossings


def test_one_vin_booked_everywhere_at_once_gets_exactly_one_booking(engine, tmp_path):
    (carrier,) = make_crowd(engine, 1)
    calls = [
        (booking_json(carrier.vehicle_id, crossing=code, hour=hour), carrier.headers)
        for code in CROSSINGS
        for hour in HOURS
    ]
    with running_server(engine, tmp_path) as base_url:
        answers = rush(base_url, calls)

    codes = Counter((a.status, a.body.get("error")) for a in answers)
    assert codes[(201, None)] == 1, codes
    assert set(codes) <= {(201, None), (409, "vehicle_already_booked"), (409, "busy")}, codes
    session = new_session(engine, readonly=True)
    try:
        active = session.query(Booking).filter(Booking.status == BookingStatus.ACTIVE).count()
    finally:
        session.close()
    assert active == 1
