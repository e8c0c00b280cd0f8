"""At the border post: the operator checks a booked truck in on /checkpoint and the carrier sees
"checked in" on "My bookings"; a booking whose window passed is swept by `kezek worker --once
no-shows` and the carrier sees "no-show". In each of the four languages; the page fits a phone."""

import io
import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from booking_support import Fleet
from checkpoint_support import book_slot, plate_of, this_hour
from playwright.sync_api import expect
from support import child_env

from browser.conftest import DESKTOP, MOBILE, Tab
from browser.test_flows import log_in
from kezek.db import make_engine, new_session
from kezek.models.party import User
from kezek.models.vehicle import RegistryStatus, Vehicle
from kezek.vehicles.vin import make_vin
from kezek.web.i18n import LOCALES, translate

pytestmark = pytest.mark.browser

# Kazygurt (open 24/7), so the other browser tests find Nur Zholy's hours untouched.
PAGE = "/checkpoint?crossing=KAZYGURT&direction=exit"


@pytest.fixture(scope="module")
def bookings(live_database_url: str) -> dict[str, tuple[int, int]]:
    """Per language: a booking of the carrier for this hour, and one whose window has passed."""
    engine = make_engine(live_database_url)
    fleet = Fleet(engine, serial=700)
    fleet.top_up(kzt=100_000)
    made = {
        lang: (
            book_slot(engine, fleet.vehicle(), starts_at=this_hour(), crossing="KAZYGURT"),
            book_slot(
                engine,
                fleet.vehicle(),
                starts_at=this_hour() - timedelta(hours=7),
                crossing="KAZYGURT",
            ),
        )
        for lang in LOCALES
    }
    engine.dispose()
    return made


@pytest.fixture
def carrier_tab(browser, live_server: str) -> Iterator[Tab]:  # type: ignore[no-untyped-def]
    t = Tab(browser, live_server, **DESKTOP)
    yield t
    t.context.close()


def _sweep_no_shows(database_url: str) -> str:
    """`kezek worker --once no-shows --now ...` as cron would run it."""
    now = datetime.now(UTC).isoformat(timespec="seconds")
    done = subprocess.run(
        [sys.executable, "-c", "from kezek.cli import main; main()"]
        + ["worker", "--once", "no-shows", "--now", now],
        env=child_env(KEZEK_DATABASE_URL=database_url, KEZEK_LOG_JSON="false"),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return done.stdout


@pytest.mark.parametrize("lang", LOCALES)
def test_operator_checks_in_and_the_carrier_sees_it(
    tab, carrier_tab, bookings, live_database_url, lang
):
    engine = make_engine(live_database_url)
    checked, missed = bookings[lang]
    plate, missed_plate = plate_of(engine, checked), plate_of(engine, missed)
    engine.dispose()

    page = tab.page
    page.goto(f"/?lang={lang}")
    log_in(page, "operator")
    page.get_by_role("link", name=translate(lang, "Check-in"), exact=True).click()
    page.locator("#place-crossing").select_option("KAZYGURT")
    page.locator("form.place-picker button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/checkpoint\?crossing=KAZYGURT&direction=exit$"))
    expect(page.locator("#arrival-queue")).to_contain_text(plate)
    page.locator("#plate").fill(plate.lower())
    page.locator("#checkpoint-live form button[type=submit]").click()
    result = page.locator("#check-in-result")
    expect(result).to_contain_text(translate(lang, "Checked in."))
    expect(result).to_contain_text("Serik Tulegenov")
    expect(page.locator(f"#arrival-{checked} .status")).to_have_text(translate(lang, "Checked in"))
    expect(page.locator("#plate")).to_have_value("")  # ready for the next truck
    tab.shot(f"20-checkpoint-checked-in-{lang}-desktop")

    page.locator("#plate").fill(missed_plate)
    page.locator("#checkpoint-live form button[type=submit]").click()
    expect(result).to_contain_text(
        translate(lang, "Too late: the booking's arrival window has closed.")
    )
    tab.errors.clear()  # the refusal's 409 is logged by the browser

    print(_sweep_no_shows(live_database_url))
    carrier = carrier_tab.page
    carrier.goto(f"/?lang={lang}")
    log_in(carrier, "carrier")
    carrier.goto("/bookings?show=past")
    card = carrier.locator(f"#booking-{checked}")
    expect(card.locator(".status")).to_have_text(translate(lang, "Checked in"))
    expect(card.locator(".outcome-checked_in")).to_be_visible()
    gone = carrier.locator(f"#booking-{missed}")
    expect(gone.locator(".status")).to_have_text(translate(lang, "No-show"))
    expect(gone.locator(".outcome-no_show")).to_be_visible()
    carrier_tab.shot(f"21-my-bookings-checked-in-{lang}-desktop")
    assert tab.errors == [] and carrier_tab.errors == []


def test_the_checkpoint_page_fits_a_phone(browser, live_server):  # type: ignore[no-untyped-def]
    phone = Tab(browser, live_server, **MOBILE)
    try:
        phone.page.goto("/?lang=kk")
        log_in(phone.page, "operator")
        phone.page.goto(PAGE)
        expect(phone.page.locator("#arrival-queue")).to_be_visible()
        assert phone.overflow() == 0
        phone.shot("22-checkpoint-kk-mobile")
        assert phone.errors == []
    finally:
        phone.context.close()


def _certificate_png() -> bytes:
    """A small picture that looks like a registration certificate."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (600, 380), "#e8f0e6")
    draw = ImageDraw.Draw(image)
    draw.rectangle((10, 10, 589, 369), outline="#3a5a40", width=4)
    for row, text in enumerate(
        ["REGISTRATION CERTIFICATE", "PLATE 01B777UZ", "VIN 1FUJGLDR0TA000778"]
    ):
        draw.text((40, 40 + row * 50), text, fill="#1b1f24")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


@pytest.fixture(scope="module")
def pending_vehicle(live_database_url: str) -> int:
    """A foreign truck of the carrier that the insurance registry did not know (the live server
    runs without a registry, so it is made here as registration would have left it)."""
    engine = make_engine(live_database_url)
    session = new_session(engine)
    person_id = session.query(User).filter_by(login="carrier").one().person_id
    vehicle = Vehicle(
        owner_id=person_id,
        plate="01B777UZ",
        vin=make_vin(778),
        category="truck",
        country="UZ",
        make="Kamaz 5490",
        registry_status=RegistryStatus.PENDING,
    )
    session.add(vehicle)
    session.commit()
    vehicle_id = vehicle.id
    session.close()
    engine.dispose()
    return vehicle_id


def test_the_owner_uploads_a_certificate_and_the_operator_confirms_it(  # type: ignore[no-untyped-def]
    browser, live_server, pending_vehicle, tmp_path
):
    owner = Tab(browser, live_server, **MOBILE)
    operator = Tab(browser, live_server, **DESKTOP)
    scan = tmp_path / "certificate.png"
    scan.write_bytes(_certificate_png())
    try:
        page = owner.page
        page.goto("/login?lang=ru")
        log_in(page, "carrier")
        page.goto("/vehicles")
        form = page.locator(f"#certificate-{pending_vehicle}")
        form.locator("input[type=file]").set_input_files(str(scan))
        form.locator("button[type=submit]").click()
        expect(page.locator(".flash")).to_contain_text("Его проверит оператор")
        assert owner.overflow() == 0
        owner.shot("30-my-vehicles-ru-mobile")

        desk = operator.page
        desk.goto("/login?lang=en")
        log_in(desk, "operator")
        desk.get_by_role("link", name="Vehicle certificates").click()
        card = desk.locator(f"#vehicle-{pending_vehicle}")
        image = card.locator("img.id-photo")
        expect(image).to_be_visible()
        assert desk.evaluate("(img) => img.naturalWidth", image.element_handle()) == 600
        operator.shot("31-vehicle-certificates-en-desktop")
        card.get_by_role("button", name="Reject the certificate").click()
        expect(desk.locator(f"#vehicle-{pending_vehicle} .form-error")).to_contain_text(
            "Say why the certificate is rejected"
        )
        operator.errors.clear()  # the refusal's 422 is logged by the browser
        desk.locator(f"#vehicle-{pending_vehicle}").get_by_role(
            "button", name="Confirm the vehicle"
        ).click()
        expect(desk.locator(".flash")).to_contain_text("01B777UZ is confirmed")
        expect(desk.locator(f"#vehicle-{pending_vehicle}")).to_have_count(0)

        page.goto("/vehicles")
        expect(page.locator(f"#vehicle-{pending_vehicle} .status")).to_have_text("Подтверждено")
        assert owner.errors == [] and operator.errors == []
    finally:
        owner.context.close()
        operator.context.close()
