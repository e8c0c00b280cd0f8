"""A carrier books from the heat map, finds the booking in "My bookings", sees the fee in the
account statement and cancels, in each of the four languages; the pages fit a phone."""

import re
from datetime import timedelta

import pytest
from booking_support import Fleet
from playwright.sync_api import expect
from support import almaty_today

from browser.test_flows import log_in
from kezek.db import make_engine, new_session
from kezek.ledger.money import format_kzt
from kezek.ledger.service import mrp

pytestmark = pytest.mark.browser

# Words the test looks for, in each language (the catalogues' translations).
WORDS = {
    "en": {"booked": "Booked.", "cancelled": "Cancelled", "fee": "Booking fee"},
    "ru": {"booked": "Забронировано.", "cancelled": "Отменено", "fee": "Сбор за бронирование"},
    "kk": {"booked": "Броньдалды.", "cancelled": "Бас тартылды", "fee": "Брондау алымы"},
    "zh": {"booked": "预约成功", "cancelled": "已取消", "fee": "预约费"},
}


@pytest.fixture(scope="module")
def carrier_fleet(live_database_url: str) -> dict[str, int]:
    """A vehicle per language for the demo carrier, and money for the fees."""
    engine = make_engine(live_database_url)
    fleet = Fleet(engine, serial=500)
    vehicles = {lang: fleet.vehicle() for lang in WORDS}
    fleet.top_up(kzt=100_000)
    engine.dispose()
    return vehicles


def _booking_fee(live_database_url: str) -> str:
    engine = make_engine(live_database_url)
    session = new_session(engine, readonly=True)
    try:
        return format_kzt(mrp(session, on=almaty_today()))
    finally:
        session.close()
        engine.dispose()


@pytest.mark.parametrize("lang", list(WORDS))
def test_book_from_the_heat_map_see_the_fee_and_cancel(
    tab, mobile_tab, carrier_fleet, live_database_url, lang
):
    words, vehicle = WORDS[lang], carrier_fleet[lang]
    day = almaty_today() + timedelta(days=2 + list(WORDS).index(lang))
    page = tab.page
    page.goto(f"/?lang={lang}")
    log_in(page, "carrier")
    page.goto(f"/crossings/NUR_ZHOLY?direction=exit&start={day}")
    cell = page.locator(f'td.bookable a[href*="date={day}"][href$="hour=10"]')
    if lang == "en":
        tab.shot("09-heat-map-signed-in-en-desktop")
    cell.click()
    expect(page).to_have_url(re.compile(r"/bookings/new\?"))
    expect(page.locator("#date")).to_have_value(str(day))
    expect(page.locator("#hour")).to_have_value("10")
    page.locator("#vehicle_id").select_option(str(vehicle))
    page.locator("#trailer_plate").fill("TR 12 AB")
    tab.shot(f"10-book-form-{lang}-desktop")
    page.locator("main form.card button[type=submit]").click()

    expect(page).to_have_url(re.compile(r"/bookings#booking-\d+$"))
    expect(page.locator("#messages")).to_contain_text(words["booked"])
    card = page.locator("article.booking").filter(has_text="TR12AB").filter(has_text=f"{day.day}")
    expect(card).to_have_count(1)
    tab.shot(f"11-my-bookings-{lang}-desktop")

    page.goto("/account")
    fee = _booking_fee(live_database_url)
    expect(page.locator("main")).to_contain_text(words["fee"])
    expect(page.locator("main")).to_contain_text(f"-{fee}")
    tab.shot(f"12-statement-{lang}-desktop")

    page.goto("/bookings")
    page.once("dialog", lambda dialog: dialog.accept())
    card = page.locator("article.booking").filter(has_text="TR12AB").first
    card.locator("button.danger").click()
    expect(card.locator(".status")).to_have_text(words["cancelled"])
    tab.shot(f"13-cancelled-{lang}-desktop")
    assert tab.errors == []

    mobile = mobile_tab.page
    mobile.goto(f"/?lang={lang}")
    log_in(mobile, "carrier")
    for path, name in [
        (f"/bookings/new?crossing=NUR_ZHOLY&direction=exit&date={day}&hour=11", "form"),
        ("/bookings?show=past", "bookings"),
        ("/account", "statement"),
    ]:
        mobile.goto(path)
        assert mobile_tab.overflow() == 0, (path, lang)
        mobile_tab.shot(f"14-{name}-{lang}-mobile")
    assert mobile_tab.errors == []
