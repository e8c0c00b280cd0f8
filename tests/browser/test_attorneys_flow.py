"""An owner grants a power of attorney in the browser (confirmed by a camera check, recorded
straight into the live server's database: filming is the identity flow's own test), prints it,
the intermediary sees the vehicle, a border officer opens the verification page on a phone, and
the owner revokes it; screenshots in test-artifacts/screenshots."""

import re
from datetime import timedelta

import pytest
from booking_support import Fleet
from camera_support import camera_check
from playwright.sync_api import expect
from support import almaty_today

from browser.test_flows import log_in
from kezek.db import make_engine, new_session
from kezek.models.party import User

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def vehicle_and_iin(live_database_url: str) -> tuple[int, str]:
    engine = make_engine(live_database_url)
    vehicle = Fleet(engine, serial=800).vehicle()  # serials: each browser module its own
    session = new_session(engine, readonly=True)
    iin = session.query(User).filter_by(login="intermediary").one().person.iin or ""
    session.close()
    engine.dispose()
    return vehicle, iin


def passed_camera_check(live_database_url: str, login: str) -> None:
    engine = make_engine(live_database_url)
    try:
        camera_check(engine, login)
    finally:
        engine.dispose()


def test_grant_verify_and_revoke(  # type: ignore[no-untyped-def]
    tab, mobile_tab, vehicle_and_iin, browser, live_server, live_database_url
):
    vehicle, iin = vehicle_and_iin
    page = tab.page
    page.goto("/?lang=ru")
    log_in(page, "carrier")
    page.goto("/attorneys")
    page.locator("#iin").fill(iin)
    page.locator(f'input[name="vehicle_{vehicle}"]').check()
    page.locator("#valid_to").fill((almaty_today() + timedelta(days=30)).isoformat())
    # Without a fresh check, the form's button keeps the values and opens the camera check.
    page.locator("#confirm-with-camera").click()
    expect(page).to_have_url(re.compile(r"/identity\?next=/attorneys$"))
    tab.shot("attorneys-camera-check-ru")
    passed_camera_check(live_database_url, "carrier")
    page.goto("/attorneys")
    expect(page.locator("#iin")).to_have_value(iin)
    expect(page.locator("#grant-confirmation")).to_be_visible()
    tab.shot("attorneys-grant-form-ru")
    page.locator("#grant-form button[type=submit]").click()
    expect(page.locator(".flash")).to_contain_text("Доверенность выдана и подписана")
    card = page.locator("li.attorney").first
    expect(card.locator(".status-valid")).to_be_visible()
    public_id = (card.get_attribute("id") or "").removeprefix("attorney-")
    tab.shot("attorneys-list-ru")
    with page.expect_download() as download:
        card.get_by_role("link", name="Скачать PDF").click()
    assert download.value.suggested_filename == f"attorney-{public_id}.pdf"

    officer = mobile_tab.page
    officer.goto(f"/attorneys/{public_id}/verify?lang=kk")
    expect(officer.locator("#verdict")).to_have_attribute("data-status", "valid")
    expect(officer.locator(".qr-figure svg")).to_be_visible()
    assert iin not in officer.content() and iin[-4:] in officer.content()
    assert mobile_tab.overflow() == 0
    mobile_tab.shot("attorneys-verify-kk-mobile")

    card.get_by_role("button", name="Отозвать сейчас").click()
    expect(page.locator(".flash")).to_contain_text("Доверенность отозвана")
    officer.reload()
    expect(officer.locator("#verdict")).to_have_attribute("data-status", "revoked")
    mobile_tab.shot("attorneys-verify-revoked-kk-mobile")
    assert not tab.errors and not mobile_tab.errors, tab.errors + mobile_tab.errors


def test_the_intermediary_sees_the_vehicles(tab, vehicle_and_iin, live_database_url):  # type: ignore[no-untyped-def]
    vehicle, iin = vehicle_and_iin
    owner = tab.page
    owner.goto("/?lang=en")
    log_in(owner, "carrier")
    passed_camera_check(live_database_url, "carrier")
    owner.goto("/attorneys")
    owner.locator("#iin").fill(iin)
    owner.locator('input[name="whole_fleet"]').check()
    owner.locator("#valid_to").fill((almaty_today() + timedelta(days=10)).isoformat())
    owner.locator("#grant-form button[type=submit]").click()
    expect(owner.locator(".flash")).to_be_visible()
    owner.context.clear_cookies()
    owner.goto("/?lang=zh")
    log_in(owner, "intermediary")
    owner.goto("/attorneys")
    expect(owner.locator("#covered-title")).to_have_text("您可代为操作的车辆")
    tab.shot("attorneys-intermediary-zh")
