"""The operator's check-in page: the queue of expected arrivals, check-in by plate with HTMX and
without, refusals shown in the page's language with the booking found, and the outcome on the
carrier's "my bookings"."""

import json
import re
from datetime import timedelta

import pytest
from checkpoint_support import book_slot, booking_row, plate_of, this_hour
from support import fast_demo_passwords, fast_password_hashing, footprints, last_seq  # noqa: F401

from kezek.checkpoint.no_shows import sweep_no_shows
from kezek.db import new_session, utcnow
from kezek.web.i18n import COOKIE, LOCALES, translate
from kezek.web.messages import ERROR_TEXT

pytestmark = pytest.mark.usefixtures("fast_demo_passwords")

PAGE = "/checkpoint?crossing=NUR_ZHOLY&direction=exit"


def booked(engine, fleet, *, hours_from_now: int, **kw) -> int:
    fleet.top_up()
    start = this_hour() + timedelta(hours=hours_from_now)
    return book_slot(engine, fleet.vehicle(), starts_at=start, **kw)


def _form(token: str, plate: str, **extra: str) -> dict[str, str]:
    return {"csrf_token": token, "crossing": "NUR_ZHOLY", "direction": "exit", "plate": plate}


def _htmx(token: str) -> dict[str, str]:
    return {"HX-Request": "true", "X-CSRF-Token": token}


def test_carriers_get_the_403_page_and_no_link(web, login_as):
    web.cookies.set(COOKIE, "en")
    login_as("carrier")
    assert 'href="/checkpoint"' not in web.get("/").text
    r = web.get(PAGE)
    assert r.status_code == 403 and "Access denied" in r.text


def test_anonymous_is_sent_to_log_in(web):
    r = web.get(PAGE, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login?next=")


@pytest.mark.parametrize("login", ["operator", "admin"])
def test_staff_see_the_queue_of_expected_arrivals(web, login_as, engine, fleet, login):
    bid = booked(engine, fleet, hours_from_now=1)
    later = booked(engine, fleet, hours_from_now=9)  # outside the queue's hours
    web.cookies.set(COOKIE, "en")
    login_as(login)
    r = web.get(PAGE)
    assert r.status_code == 200
    assert 'href="/checkpoint" aria-current="page"' in r.text  # linked in the navigation
    assert f'id="arrival-{bid}"' in r.text and plate_of(engine, bid) in r.text
    assert f'id="arrival-{later}"' not in r.text
    assert "Expected arrivals" in r.text and "Active" in r.text


def test_the_crossing_and_direction_are_kept_in_the_query_string(web, login_as, engine, fleet):
    bid = booked(engine, fleet, hours_from_now=1, direction="entry")
    login_as("operator")
    exit_page = web.get(PAGE).text
    entry_page = web.get("/checkpoint?crossing=NUR_ZHOLY&direction=entry").text
    assert f'id="arrival-{bid}"' not in exit_page
    assert f'id="arrival-{bid}"' in entry_page
    assert 'name="direction" value="entry"' in entry_page  # the check-in form posts it
    dostyk = web.get("/checkpoint?crossing=DOSTYK&direction=entry").text
    assert '<option value="DOSTYK" selected>' in dostyk
    # The menu's plain link comes back to the crossing and direction chosen last.
    r = web.get("/checkpoint", follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == "/checkpoint?crossing=DOSTYK&direction=entry"


def test_check_in_with_htmx_redraws_the_result_and_the_queue(web, login_as, engine, fleet):
    bid = booked(engine, fleet, hours_from_now=1, trailer_plate="TR1234")
    plate = plate_of(engine, bid)
    web.cookies.set(COOKIE, "en")
    token = login_as("operator")
    seq = last_seq(engine)
    r = web.post("/checkpoint", data=_form(token, plate.lower()), headers=_htmx(token))
    assert r.status_code == 200, r.text[-1500:]
    assert "<html" not in r.text
    row = booking_row(engine, bid)
    assert row.status == "checked_in"
    assert "Checked in." in r.text and row.reference in r.text
    assert "Serik Tulegenov" in r.text  # the owner
    assert re.search(rf'id="arrival-{bid}" class="arrival-checked_in"', r.text)
    [fp] = footprints(engine, after=seq, action="checkpoint.check_in")
    assert fp.outcome != "refused" and fp.actor_login == "operator"


def test_a_different_trailer_is_pointed_out(web, login_as, engine, fleet):
    bid = booked(engine, fleet, hours_from_now=0, trailer_plate="TR1234")
    web.cookies.set(COOKIE, "en")
    token = login_as("operator")
    form = {**_form(token, plate_of(engine, bid)), "trailer_plate": "ZZ9999"}
    r = web.post("/checkpoint", data=form, headers=_htmx(token))
    assert r.status_code == 200
    assert "The trailer differs from the booked one (TR1234)." in r.text


def test_check_in_without_javascript_posts_and_redirects(web, login_as, engine, fleet):
    bid = booked(engine, fleet, hours_from_now=0)
    web.cookies.set(COOKIE, "en")
    token = login_as("operator")
    r = web.post("/checkpoint", data=_form(token, plate_of(engine, bid)), follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == "/checkpoint?crossing=NUR_ZHOLY&direction=exit"
    page = web.get(r.headers["location"]).text
    assert "Checked in." in page and booking_row(engine, bid).reference in page
    assert "Checked in." not in web.get(PAGE).text  # shown once


@pytest.mark.parametrize("locale", LOCALES)
def test_a_refusal_is_shown_in_the_pages_language_with_the_booking_found(
    web, login_as, engine, fleet, locale
):
    bid = booked(engine, fleet, hours_from_now=6)
    web.cookies.set(COOKIE, locale)
    token = login_as("operator")
    seq = last_seq(engine)
    r = web.post("/checkpoint", data=_form(token, plate_of(engine, bid)), headers=_htmx(token))
    assert r.status_code == 409
    assert translate(locale, ERROR_TEXT["too_early"]) in r.text
    assert booking_row(engine, bid).reference in r.text
    assert booking_row(engine, bid).status == "active"
    [fp] = footprints(engine, after=seq, action="checkpoint.check_in")
    assert fp.outcome == "refused"
    assert json.loads(fp.payload)["reason"] == "too_early"


def test_refusals_without_javascript_and_for_unknown_plates(web, login_as, engine, fleet):
    bid = booked(engine, fleet, hours_from_now=0)
    web.cookies.set(COOKIE, "en")
    token = login_as("operator")
    plate = plate_of(engine, bid)
    web.post("/checkpoint", data=_form(token, plate))
    r = web.post("/checkpoint", data=_form(token, plate))  # the second time
    assert r.status_code == 200 and r.url.path == "/checkpoint"
    assert "This booking is already checked in." in r.text
    assert "Checked in at" in r.text
    r = web.post("/checkpoint", data=_form(token, "XX000XX"), headers=_htmx(token))
    assert r.status_code == 404
    assert "No booking for this plate at this crossing and direction." in r.text


def test_a_malformed_plate_is_marked_in_the_form(web, login_as):
    web.cookies.set(COOKIE, "en")
    token = login_as("operator")
    r = web.post("/checkpoint", data=_form(token, "!"), headers=_htmx(token))
    assert r.status_code == 422
    assert 'id="plate-error"' in r.text and "A plate has 2 to 12 Latin letters" in r.text
    r = web.post("/checkpoint", data=_form(token, "!"))
    assert r.status_code == 422 and "<html" in r.text and 'value="!"' in r.text


def test_an_unknown_crossing_is_refused_not_guessed(web, login_as, engine, fleet):
    bid = booked(engine, fleet, hours_from_now=0)
    web.cookies.set(COOKIE, "en")
    token = login_as("operator")
    form = {**_form(token, plate_of(engine, bid)), "crossing": "NOWHERE"}
    r = web.post("/checkpoint", data=form)
    assert r.status_code == 404 and "There is no such border crossing." in r.text
    assert booking_row(engine, bid).status == "active"


def test_the_post_needs_the_csrf_token(web, login_as, engine, fleet):
    bid = booked(engine, fleet, hours_from_now=0)
    login_as("operator")
    r = web.post("/checkpoint", data={"plate": plate_of(engine, bid), "crossing": "NUR_ZHOLY"})
    assert r.status_code == 403
    assert booking_row(engine, bid).status == "active"


def test_the_queue_fragment_for_the_periodic_refresh(web, login_as, engine, fleet):
    bid = booked(engine, fleet, hours_from_now=1)
    login_as("operator")
    r = web.get(
        "/checkpoint/queue?crossing=NUR_ZHOLY&direction=exit", headers={"HX-Request": "true"}
    )
    assert r.status_code == 200 and "<html" not in r.text and f'id="arrival-{bid}"' in r.text


@pytest.mark.parametrize("locale", LOCALES)
def test_the_page_has_no_untranslated_strings(web, login_as, engine, fleet, locale):
    """Every message of the page differs from English in the other languages."""
    bid = booked(engine, fleet, hours_from_now=0)
    web.cookies.set(COOKIE, locale)
    token = login_as("operator")
    html = web.post("/checkpoint", data=_form(token, plate_of(engine, bid))).text  # redirected
    for msgid in ("Check in by plate", "Expected arrivals", "Checked in.", "Owner", "Check-in"):
        assert translate(locale, msgid) in html
        if locale != "en":
            assert msgid not in html.replace(translate(locale, msgid), ""), msgid


def test_my_bookings_show_the_check_in_time_and_no_shows(web, login_as, engine, fleet):
    checked = booked(engine, fleet, hours_from_now=0)
    missed = booked(engine, fleet, hours_from_now=-6)
    web.cookies.set(COOKIE, "en")
    token = login_as("operator")
    web.post("/checkpoint", data=_form(token, plate_of(engine, checked)))
    session = new_session(engine)
    sweep_no_shows(session, now=utcnow())
    session.commit()
    session.close()
    web.post("/logout", data={"csrf_token": token})
    web.cookies.set(COOKIE, "en")
    login_as("carrier")
    html = web.get("/bookings?show=past").text
    assert re.search(r'class="status status-checked_in">Checked in<', html)
    assert "Checked in at the border post at" in html
    assert re.search(r'class="status status-no_show">No-show<', html)
    assert "No-show: the vehicle was not checked in before its arrival window closed" in html
    assert {checked, missed} <= {int(x) for x in re.findall(r'id="booking-(\d+)"', html)}
