"""The booker's pages: the form from the heat map, refusals in the user's language, my bookings
with cancel / reschedule / add a driver (HTMX and plain), and the account statement."""

import json
import re
from datetime import date

import pytest
from booking_support import future_day
from support import fast_demo_passwords, fast_password_hashing, footprints  # noqa: F401

from kezek.people.national_id import make_iin
from kezek.web.i18n import COOKIE

pytestmark = pytest.mark.usefixtures("fast_demo_passwords")


def _form(vehicle_id: int, token: str, **overrides: str) -> dict[str, str]:
    data = {
        "csrf_token": token,
        "vehicle_id": str(vehicle_id),
        "crossing": "NUR_ZHOLY",
        "direction": "exit",
        "date": future_day().isoformat(),
        "hour": "10",
        "cargo_category": "general",
        "priority": "normal",
    }
    data.update(overrides)
    return data


def _book(web, token: str, vehicle_id: int, **overrides: str):
    return web.post("/bookings/new", data=_form(vehicle_id, token, **overrides))


def _booking_ids(html: str) -> list[int]:
    return [int(x) for x in re.findall(r'<article class="card booking" id="booking-(\d+)"', html)]


def test_free_cells_link_to_the_prefilled_form_for_bookers_only(web, login_as):
    web.cookies.set(COOKIE, "en")
    assert "/bookings/new?" not in web.get("/crossings/NUR_ZHOLY").text  # anonymous: no links
    login_as("carrier")
    html = web.get("/crossings/NUR_ZHOLY").text
    day = future_day()
    link = f"/bookings/new?crossing=NUR_ZHOLY&amp;direction=exit&amp;date={day}&amp;hour=10"
    assert link in html
    assert 'href="/bookings"' in html and 'href="/account"' in html  # navigation


def test_the_form_is_prefilled_and_shows_fee_and_balance(web, login_as, fleet):
    fleet.vehicle()
    fleet.top_up(kzt=50_000)
    web.cookies.set(COOKIE, "en")
    login_as("carrier")
    day = future_day()
    r = web.get(f"/bookings/new?crossing=NUR_ZHOLY&direction=entry&date={day}&hour=14")
    assert r.status_code == 200
    html = r.text
    assert f'name="date" required value="{day}"' in html
    assert '<option value="14" selected>' in html
    assert 'value="entry" checked' in html
    assert '<option value="NUR_ZHOLY" selected>' in html
    assert "001TST02" in html
    assert "Booking fee: 1 MRP =" in html
    assert "50,000.00 ₸" in html  # the person's balance


def test_book_then_list_then_statement(web, login_as, fleet, engine):
    vehicle = fleet.vehicle()
    fleet.top_up(kzt=50_000)
    web.cookies.set(COOKIE, "en")
    token = login_as("carrier")
    driver = {"driver0_full_name": "Ivan Petrov", "driver0_iin": make_iin(date(1980, 1, 2), 7)}
    r = _book(web, token, vehicle, trailer_plate="ab 123 cd", **driver)
    assert r.status_code == 200 and r.url.path == "/bookings", r.text[-1500:]
    html = r.text
    assert "Booked. The fee has been debited" in html
    assert len(_booking_ids(html)) == 1
    assert "001TST02 + AB123CD" in html and "Ivan Petrov" in html
    assert "Active" in html
    statement = web.get("/account").text
    assert "Booking fee" in statement and "Top-up" in statement
    assert "+50,000.00 ₸" in statement
    assert [f.action for f in footprints(engine, action="booking.create")]


def test_refusal_shows_the_rule_in_the_users_language_and_keeps_values(
    web, login_as, fleet, engine
):
    vehicle = fleet.vehicle()  # no money on the account
    web.cookies.set(COOKIE, "ru")
    token = login_as("carrier")
    r = _book(web, token, vehicle, trailer_plate="KZ777", hour="9")
    assert r.status_code == 402
    assert "Баланс счёта не покрывает сбор" in r.text
    assert 'value="KZ777"' in r.text and '<option value="9" selected>' in r.text
    refusal = footprints(engine, action="booking.create")[-1]
    assert refusal.outcome == "refused"
    assert json.loads(refusal.payload)["reason"] == "insufficient_funds"


def test_invalid_fields_are_marked_in_the_form(web, login_as, fleet):
    vehicle = fleet.vehicle()
    fleet.top_up()
    web.cookies.set(COOKIE, "en")
    token = login_as("carrier")
    r = _book(web, token, vehicle, trailer_plate="!!", driver0_full_name="Ivan Petrov")
    assert r.status_code == 422
    assert "A plate has 2 to 12 Latin letters and digits." in r.text
    assert "Give each driver either an IIN or a passport number" in r.text
    r = _book(web, token, vehicle, priority="out_of_turn", cargo_category="perishable")
    assert r.status_code == 422
    assert "Out-of-turn passage needs a cargo declaration number." in r.text


def test_staff_cannot_open_the_booking_pages(web, login_as):
    login_as("operator")
    for path in ("/bookings", "/bookings/new", "/account"):
        assert web.get(path).status_code == 403


def test_anonymous_is_sent_to_the_login_form(web):
    for path in ("/bookings", "/bookings/new?crossing=NUR_ZHOLY", "/account"):
        r = web.get(path, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/login?next=")


def _one_booking(web, login_as, fleet) -> tuple[str, int]:
    vehicle = fleet.vehicle()
    fleet.top_up(kzt=1_000_000)
    web.cookies.set(COOKIE, "en")
    token = login_as("carrier")
    r = _book(web, token, vehicle)
    return token, _booking_ids(r.text)[0]


def test_cancel_with_htmx_redraws_the_card(web, login_as, fleet, engine):
    token, booking = _one_booking(web, login_as, fleet)
    headers = {"HX-Request": "true", "X-CSRF-Token": token}
    r = web.post(f"/bookings/{booking}/cancel", headers=headers)
    assert r.status_code == 200
    assert f'id="booking-{booking}"' in r.text
    assert "Cancelled" in r.text and "the place is free again" in r.text
    assert "<html" not in r.text
    # A second cancel is refused on the card, in the trail too.
    r = web.post(f"/bookings/{booking}/cancel", headers=headers)
    assert r.status_code == 409 and "This booking is no longer active." in r.text
    refusal = footprints(engine, action="booking.cancel")[-1]
    assert json.loads(refusal.payload)["reason"] == "booking_not_active"
    assert _booking_ids(web.get("/bookings").text) == []
    assert _booking_ids(web.get("/bookings?show=past").text) == [booking]


def test_cancel_without_javascript_redirects_to_the_list(web, login_as, fleet):
    token, booking = _one_booking(web, login_as, fleet)
    r = web.post(f"/bookings/{booking}/cancel", data={"csrf_token": token})
    assert r.status_code == 200 and r.url.path == "/bookings"
    assert "the place is free again" in r.text


def test_reschedule_charges_100_mrp_and_refusals_stay_on_the_card(web, login_as, fleet):
    token, booking = _one_booking(web, login_as, fleet)
    headers = {"HX-Request": "true", "X-CSRF-Token": token}
    assert "Fee: 100 MRP =" in web.get("/bookings").text
    same = {"date": future_day().isoformat(), "hour": "10"}
    r = web.post(f"/bookings/{booking}/reschedule", data=same, headers=headers)
    assert r.status_code == 422 and "already in this slot" in r.text
    moved = {"date": future_day(3).isoformat(), "hour": "12"}
    r = web.post(f"/bookings/{booking}/reschedule", data=moved, headers=headers)
    assert r.status_code == 200 and "The booking is moved" in r.text
    assert "12:00–13:00" in r.text
    assert "Reschedule fee" in web.get("/account").text


def test_add_driver(web, login_as, fleet):
    token, booking = _one_booking(web, login_as, fleet)
    headers = {"HX-Request": "true", "X-CSRF-Token": token}
    driver = {"full_name": "Li Wei", "passport_number": "E1234567", "passport_country": "CN"}
    r = web.post(f"/bookings/{booking}/drivers", data=driver, headers=headers)
    assert r.status_code == 200 and "Li Wei" in r.text and "The driver is added." in r.text
    r = web.post(f"/bookings/{booking}/drivers", data=driver, headers=headers)
    assert r.status_code == 409 and "already on the booking" in r.text
    r = web.post(f"/bookings/{booking}/drivers", data={"full_name": "No Id"}, headers=headers)
    assert r.status_code == 422 and "either an IIN or a passport" in r.text


def test_someone_elses_booking_is_not_found(web, login_as, fleet):
    token, booking = _one_booking(web, login_as, fleet)
    web.post("/logout", data={"csrf_token": token})
    other = login_as("driver")
    r = web.post(f"/bookings/{booking}/cancel", data={"csrf_token": other})
    assert r.status_code == 404


def test_statement_has_running_balance_per_company(web, login_as, fleet):
    fleet.top_up(kzt=100)
    fleet.top_up(kzt=250, company=True)
    web.cookies.set(COOKIE, "en")
    login_as("carrier")
    html = web.get("/account").text
    assert "Serik Tulegenov" in html and "Demo Logistics LLP" in html
    assert "100.00 ₸" in html and "250.00 ₸" in html


def test_drivers_two_and_three_fold_away_until_used(web, login_as, fleet):
    vehicle = fleet.vehicle()
    web.cookies.set(COOKIE, "en")
    token = login_as("carrier")
    assert '<details class="action more-drivers">' in web.get("/bookings/new").text
    r = _book(web, token, vehicle, driver1_full_name="X")
    assert r.status_code == 422
    assert '<details class="action more-drivers" open>' in r.text
    assert 'value="X"' in r.text


def test_refused_reschedule_without_javascript_shows_the_list_with_the_message(
    web, login_as, fleet
):
    token, booking = _one_booking(web, login_as, fleet)
    data = {"csrf_token": token, "date": future_day().isoformat(), "hour": "10"}
    r = web.post(f"/bookings/{booking}/reschedule", data=data)
    assert r.status_code == 422
    card = r.text.split(f'id="booking-{booking}"')[1].split("</article>")[0]
    assert "The booking is already in this slot." in card
    assert "<html" in r.text
