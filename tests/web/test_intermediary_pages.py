"""An intermediary books through the pages for an owner who granted a power of attorney."""

import pytest
from booking.test_intermediary import grant
from booking_support import future_day
from support import fast_demo_passwords, fast_password_hashing  # noqa: F401

from kezek.web.i18n import COOKIE
from web.test_booking_pages import _book, _booking_ids

pytestmark = pytest.mark.usefixtures("fast_demo_passwords")


def test_the_owners_vehicle_is_offered_and_booked_under_the_attorney(web, login_as, fleet, auth):
    vehicle = fleet.vehicle("carrier")
    plate = f"{fleet.serial:03d}TST02"  # booking_support.Fleet's plates
    fleet.top_up("carrier", kzt=50_000)
    web.cookies.set(COOKIE, "en")
    token = login_as("intermediary")
    form = web.get(f"/bookings/new?crossing=NUR_ZHOLY&direction=exit&date={future_day()}&hour=10")
    assert plate not in form.text  # no attorney yet

    grant(web, auth, vehicle, scopes=["book", "view"])
    form = web.get(f"/bookings/new?crossing=NUR_ZHOLY&direction=exit&date={future_day()}&hour=10")
    assert plate in form.text
    r = _book(web, token, vehicle)
    assert r.status_code == 200 and r.url.path == "/bookings", r.text[-1500:]
    assert len(_booking_ids(r.text)) == 1
