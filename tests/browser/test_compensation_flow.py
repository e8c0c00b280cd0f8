"""A carrier over the March threshold sees the counter on /account and appeals the charge with a
PDF; an analyst opens /analyst/appeals and accepts it. Desktop and phone screenshots."""

from datetime import date, timedelta

import pytest
from booking.rules_support import new_carrier
from booking_support import Fleet
from compensation.compensation_support import almaty, book, cancel
from playwright.sync_api import expect

from browser.test_flows import log_in
from kezek.db import make_engine

pytestmark = pytest.mark.browser
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(scope="module")
def appealer(live_database_url: str) -> str:
    """A carrier of its own with 11 cancellations in March 2026 (the eleventh charged)."""
    engine = make_engine(live_database_url)
    new_carrier(engine, "appealer", serial=901)
    fleet = Fleet(engine, serial=900)
    fleet.top_up("appealer", kzt=1_000_000)
    truck = fleet.vehicle("appealer")
    for i in range(11):
        at = almaty(2026, 3, 2, 9, 5 * i)
        booking_id = book(engine, truck, day=date(2026, 3, 20), hour=10, now=at, login="appealer")
        cancel(engine, booking_id, now=at + timedelta(minutes=1), login="appealer")
    engine.dispose()
    return "appealer"


def test_appeal_a_charge_and_an_analyst_accepts_it(tab, mobile_tab, appealer):
    page = tab.page
    page.goto("/?lang=en")
    log_in(page, appealer)
    page.goto("/account?month=2026-03")
    expect(page.locator(".counter")).to_contain_text("11 of 10 unused reservations")
    tab.shot("compensation-account-desktop")
    assert tab.overflow() == 0

    phone = mobile_tab.page
    phone.goto("/?lang=en")
    log_in(phone, appealer)
    phone.goto("/account?month=2026-03")
    phone.locator(".appeal-row summary", has_text="Appeal this charge").click()
    mobile_tab.shot("compensation-account-phone")
    assert mobile_tab.overflow() == 0

    # Every reservation of a month that cost a compensation may be appealed; this one is the charge.
    charge = page.locator(".appeal-row").filter(has_text="Appeal this charge")
    charge.locator("summary").click()
    charge.locator("textarea").fill("The crossing was closed by the border service")
    charge.locator("input[type=file]").set_input_files(
        files=[{"name": "closure.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    charge.locator("button").click()
    expect(page.locator(".flash")).to_contain_text("Your appeal is sent")
    expect(page.locator(".appeal-open")).to_be_visible()

    analyst = mobile_tab
    analyst.context.clear_cookies()
    analyst.page.goto("/?lang=en")
    log_in(analyst.page, "analyst")
    analyst.page.goto("/analyst/appeals")
    card = analyst.page.locator("article.appeal")
    expect(card).to_contain_text("The crossing was closed")
    analyst.shot("compensation-appeals-phone")
    assert analyst.overflow() == 0
    tab.context.clear_cookies()
    page.goto("/?lang=en")
    log_in(page, "analyst")
    page.goto("/analyst/appeals")
    tab.shot("compensation-appeals-desktop")
    card = page.locator("article.appeal")
    card.locator("textarea").fill("The closure is confirmed")
    card.get_by_role("button", name="Accept: void and refund").click()
    expect(page.locator(".flash")).to_contain_text("accepted: the charge is refunded")
    page.goto("/analyst/unused")
    tab.shot("compensation-reports-desktop")
    assert tab.errors == [] and mobile_tab.errors == []


def test_the_policy_page_fits_a_phone(tab, mobile_tab):
    for t, name in ((tab, "desktop"), (mobile_tab, "phone")):
        t.page.goto("/?lang=en")
        log_in(t.page, "admin")
        t.page.goto("/admin/compensation-policy")
        expect(t.page.locator("h1")).to_contain_text("Compensation policy")
        t.shot(f"compensation-policy-{name}")
        assert t.overflow() == 0
        assert t.errors == []
