"""In the browser: a refused and an accepted document photo, a duplicate face enrolled by another
person, and the analyst deciding it on the queue page (HTMX), desktop and phone."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from support import DEMO_PASSWORD

pytestmark = pytest.mark.browser
FACES = Path(__file__).resolve().parents[1] / "data" / "faces"


def log_in(page: Page, login: str) -> None:
    page.context.clear_cookies()
    page.goto("/login?lang=en")
    page.locator("#login").fill(login)
    page.locator("#password").fill(DEMO_PASSWORD)
    page.locator("main").get_by_role("button").click()
    expect(page).to_have_url(re.compile(r"/me$"))


def upload(page: Page, photo: str) -> None:
    page.goto("/identity/document")
    page.locator("#photo").set_input_files(str(FACES / photo))
    page.get_by_role("button", name="Upload").click()


def test_enrol_and_decide_a_duplicate_face(tab, mobile_tab):
    page = tab.page
    log_in(page, "carrier")
    upload(page, "two_people.jpg")
    expect(page.get_by_role("alert")).to_contain_text("More than one face is on the photo")
    tab.shot("identity-01-document-refused-desktop")
    tab.errors.clear()  # the 422 of the refused upload

    upload(page, "obama/obama.jpg")
    expect(page.locator("#upload-accepted")).to_contain_text("The photo was accepted.")
    photo = page.locator("img.id-photo")
    expect(photo).to_be_visible()
    assert photo.evaluate("img => img.naturalWidth") > 0
    tab.shot("identity-02-document-accepted-desktop")

    log_in(page, "driver")
    upload(page, "obama/obama2.jpg")
    expect(page.locator("#upload-accepted")).to_contain_text("The photo was accepted.")

    log_in(page, "analyst")
    page.get_by_role("navigation", name="Main menu").get_by_role(
        "link", name="Duplicate faces"
    ).click()
    card = page.locator("article.review").first
    expect(card).to_contain_text("Serik Tulegenov")
    expect(card).to_contain_text("Bolat Zhaksylykov")
    images = card.locator("img.id-photo")
    expect(images).to_have_count(2)
    for i in range(2):
        assert images.nth(i).evaluate("img => img.complete && img.naturalWidth > 0")
    tab.shot("identity-03-reviews-desktop")

    mobile = mobile_tab.page
    log_in(mobile, "analyst")
    mobile.goto("/analyst/identity-reviews")
    expect(mobile.locator("article.review img.id-photo")).to_have_count(2)
    assert mobile_tab.overflow() == 0
    mobile_tab.shot("identity-04-reviews-mobile")

    card.locator("input[name=note]").fill("Two passports, one man")
    card.get_by_role("button", name="Same person: reject the newer identity").click()
    expect(page.locator("article.review").first).to_contain_text(
        "Decided: the same person. Bolat Zhaksylykov is rejected."
    )
    tab.shot("identity-05-review-decided-desktop")
    assert tab.errors == [] and mobile_tab.errors == []
