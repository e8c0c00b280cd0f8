"""In the browser: a refused and an accepted document photo, the same face enrolled by another
person, and the analyst deciding it on the queue page (HTMX), desktop and phone.

Two people registered here (the live server is shared: no demo login is rejected) enrol the
astronaut photo, which no other browser test uses, so their review is theirs alone."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from support import DEMO_PASSWORD

pytestmark = pytest.mark.browser
FACES = Path(__file__).resolve().parents[1] / "data" / "faces"


PASSWORD = "a-long-browser-password"
FIRST = ("ayan.first", "Ayan Firstenrolled", "P7000001")
SECOND = ("ayan.second", "Ayan Secondenrolled", "P7000002")


def register(page: Page, person: tuple[str, str, str]) -> None:
    login, full_name, passport = person
    body = {
        "login": login,
        "password": PASSWORD,
        "full_name": full_name,
        "passport_number": passport,
        "passport_country": "KG",
    }
    assert page.request.post("/api/v1/auth/register", data=body).status == 201


def log_in(page: Page, login: str, password: str = PASSWORD) -> None:
    page.context.clear_cookies()
    page.goto("/login?lang=en")
    page.locator("#login").fill(login)
    page.locator("#password").fill(password)
    page.locator("main").get_by_role("button").click()
    expect(page).to_have_url(re.compile(r"/me$"))


def upload(page: Page, photo: str) -> None:
    page.goto("/identity/document")
    page.locator("#photo").set_input_files(str(FACES / photo))
    page.get_by_role("button", name="Upload").click()


def test_enrol_and_decide_a_duplicate_face(tab, mobile_tab):
    page = tab.page
    register(page, FIRST)
    register(page, SECOND)
    log_in(page, FIRST[0])
    upload(page, "two_people.jpg")
    expect(page.get_by_role("alert")).to_contain_text("More than one face is on the photo")
    tab.shot("identity-01-document-refused-desktop")
    tab.errors.clear()  # the 422 of the refused upload

    upload(page, "collins/astronaut.png")
    expect(page.locator("#upload-accepted")).to_contain_text("The photo was accepted.")
    photo = page.locator("img.id-photo")
    expect(photo).to_be_visible()
    assert photo.evaluate("img => img.naturalWidth") > 0
    tab.shot("identity-02-document-accepted-desktop")

    log_in(page, SECOND[0])
    upload(page, "collins/astronaut.png")
    expect(page.locator("#upload-accepted")).to_contain_text("The photo was accepted.")

    log_in(page, "analyst", DEMO_PASSWORD)
    page.get_by_role("navigation", name="Main menu").get_by_role(
        "link", name="Duplicate faces"
    ).click()
    card = page.locator("article.review", has_text=SECOND[1])
    expect(card).to_contain_text(FIRST[1])
    card.scroll_into_view_if_needed()
    images = card.locator("img.id-photo")
    expect(images).to_have_count(2)
    for i in range(2):
        assert images.nth(i).evaluate("img => img.complete && img.naturalWidth > 0")
    tab.shot("identity-03-reviews-desktop")

    mobile = mobile_tab.page
    log_in(mobile, "analyst", DEMO_PASSWORD)
    mobile.goto("/analyst/identity-reviews")
    expect(mobile.locator("article.review", has_text=SECOND[1]).locator("img")).to_have_count(2)
    assert mobile_tab.overflow() == 0
    mobile_tab.shot("identity-04-reviews-mobile")

    card.locator("input[name=note]").fill("Two passports, one man")
    card.get_by_role("button", name="Same person: reject the newer identity").click()
    expect(page.locator("article.review", has_text=SECOND[1])).to_contain_text(
        f"Decided: the same person. {SECOND[1]} is rejected."
    )
    tab.shot("identity-05-review-decided-desktop")
    assert tab.errors == [] and mobile_tab.errors == []
