"""What a person does in the browser: register, log in and out, switch the language, read a
crossing's availability, and (as admin) close a crossing for a day."""

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect
from support import DEMO_PASSWORD, almaty_today

from kezek.people.national_id import make_iin

pytestmark = pytest.mark.browser

TAGLINE_KK = "Шекарадағы өткізу пункттеріндегі электрондық кезек"
TAGLINE_ZH = "边境口岸电子排队"


def log_in(page: Page, login: str, password: str = DEMO_PASSWORD, next_page: str = "") -> None:
    page.goto(f"/login?next={next_page}" if next_page else "/login")
    page.locator("#login").fill(login)
    page.locator("#password").fill(password)
    page.locator("main").get_by_role("button").click()


def test_register_log_out_and_log_in_again(tab, mobile_tab):
    page = tab.page
    page.goto("/?lang=en")
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Register").click()
    page.locator("#login").fill("aliya.browser")
    page.locator("#password").fill("a-long-browser-password")
    page.locator("#full_name").fill("Aliya Browser")
    page.locator("#iin").fill(make_iin(date(1994, 6, 12), 321))
    page.get_by_label("Driver").check()
    page.locator("#company_bin").fill("")
    tab.shot("01-register-filled-desktop")
    page.get_by_role("button", name="Create account").click()

    # A new person lands on the identity check, then finds the account under "My account".
    expect(page).to_have_url(re.compile(r"/identity$"))
    expect(page.locator("#messages")).to_contain_text("Welcome!")
    page.goto("/me")
    main = page.locator("main")
    expect(main).to_contain_text("Aliya Browser")
    expect(main).to_contain_text("Driver")
    expect(main).to_contain_text("Not verified yet")
    tab.shot("02-my-account-desktop")

    page.get_by_role("button", name="Log out").click()
    expect(page.locator("#messages")).to_contain_text("You have logged out.")
    expect(page.get_by_role("link", name="Log in")).to_be_visible()

    log_in(page, "aliya.browser", "wrong-password-here")
    expect(page.get_by_role("alert")).to_contain_text("Wrong login or password.")
    assert tab.errors == [
        "Failed to load resource: the server responded with a status of 401 (Unauthorized)"
    ]
    tab.errors.clear()
    log_in(page, "aliya.browser", "a-long-browser-password")
    expect(page).to_have_url(re.compile(r"/me$"))
    expect(page.locator("main")).to_contain_text("Aliya Browser")
    assert tab.errors == []

    mobile = mobile_tab.page
    mobile.goto("/register?lang=kk")
    expect(mobile.locator("h1")).to_have_text("Тіркелу")
    assert mobile_tab.overflow() == 0
    mobile_tab.shot("03-register-kk-mobile")
    assert mobile_tab.errors == []


def test_language_switch_is_remembered(tab, mobile_tab):
    page = tab.page
    page.goto("/")
    page.get_by_role("link", name="Қазақша").click()
    expect(page.locator("html")).to_have_attribute("lang", "kk")
    expect(page.locator(".brand-tagline")).to_have_text(TAGLINE_KK)
    expect(page).not_to_have_url(re.compile("lang="))
    page.get_by_role("link", name="Нұр жолы", exact=True).click()
    expect(page.locator("h1")).to_contain_text("Нұр жолы")
    expect(page.locator(".brand-tagline")).to_have_text(TAGLINE_KK)  # stays after navigating
    tab.shot("04-crossing-kk-desktop")

    page.get_by_role("link", name="中文").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    expect(page.locator("h1")).to_contain_text("努尔若勒")
    page.get_by_role("navigation", name="主菜单").get_by_role("link", name="口岸").click()
    expect(page.locator("h1")).to_have_text("边境口岸")
    expect(page.locator(".brand-tagline")).to_have_text(TAGLINE_ZH)
    tab.shot("05-home-zh-desktop")
    assert tab.errors == []

    mobile = mobile_tab.page
    mobile.goto("/?lang=zh")
    expect(mobile.locator("h1")).to_have_text("边境口岸")
    assert mobile_tab.overflow() == 0  # wide heat maps scroll inside their box
    mobile_tab.shot("06-home-zh-mobile")
    mobile.goto("/?lang=kk")
    assert mobile_tab.overflow() == 0
    mobile_tab.shot("07-home-kk-mobile")
    assert mobile_tab.errors == []


def test_crossing_availability(tab, mobile_tab):
    page = tab.page
    page.goto("/?lang=en")
    tab.shot("08-home-en-desktop")
    page.get_by_role("link", name="Nur Zholy", exact=True).click()
    expect(page.locator("h1")).to_contain_text("Nur Zholy")

    first_day = page.locator("table.hours tbody tr").first
    expect(first_day.locator("td.total")).to_contain_text("650 / 650")
    hourly = first_day.locator("td:not(.total) > span[aria-hidden='true']").all_inner_texts()
    assert len(hourly) == 24 and sum(int(x) for x in hourly if x.isdigit()) == 650

    page.get_by_label("Entry: China → Kazakhstan").check()  # HTMX redraws the map
    expect(page).to_have_url(re.compile(r"direction=entry"))
    expect(page.locator("#direction-entry")).to_be_checked()
    page.get_by_role("link", name="Next week").click()
    next_week = almaty_today() + timedelta(days=7)
    expect(page).to_have_url(re.compile(f"start={next_week}"))
    expect(page.locator("#start")).to_have_value(str(next_week))
    expect(page.locator("table.hours tbody tr").first.locator("td.total")).to_contain_text("650")
    tab.shot("09-crossing-availability-desktop")
    assert tab.errors == []

    mobile = mobile_tab.page
    mobile.goto("/crossings/NUR_ZHOLY?lang=ru")
    expect(mobile.locator("h1")).to_contain_text("Нур Жолы")
    assert mobile_tab.overflow() == 0
    mobile_tab.shot("10-crossing-ru-mobile")
    assert mobile_tab.errors == []


def test_admin_closes_a_crossing_for_a_day(tab, mobile_tab):
    page = tab.page
    page.goto("/?lang=en")
    log_in(page, "admin", next_page="/admin/crossings/DOSTYK")
    expect(page.locator("h1")).to_contain_text("Edit Dostyk")
    holiday = almaty_today() + timedelta(days=3)

    section = page.locator("#exceptions")
    section.get_by_label("Direction").select_option("both")
    section.get_by_label("Change", exact=True).select_option("closed")
    section.get_by_label("From date").fill(str(holiday))
    section.get_by_label("To date (optional)").fill(str(holiday))
    section.get_by_label("Reason").fill("Browser test holiday")
    section.get_by_role("button", name="Add the change").click()

    expect(page.locator("#exceptions .saved")).to_have_text("Saved.")
    expect(page.locator("#exceptions li", has_text="Browser test holiday")).to_have_count(2)
    expect(page).to_have_url(re.compile(r"/admin/crossings/DOSTYK$"))  # redrawn in place
    tab.shot("11-admin-exception-added-desktop")

    page.goto(f"/crossings/DOSTYK?start={holiday}")
    closed_day = page.locator("table.hours tbody tr").first
    expect(closed_day.locator("td.total")).to_contain_text("0 / 0")
    expect(page.locator("main")).to_contain_text("Browser test holiday")
    assert tab.errors == []

    mobile = mobile_tab.page
    mobile.goto("/?lang=en")
    log_in(mobile, "admin", next_page="/admin/crossings/DOSTYK")
    expect(mobile.locator("h1")).to_contain_text("Edit Dostyk")
    assert mobile_tab.overflow() == 0
    mobile_tab.shot("12-admin-editor-mobile")
    assert mobile_tab.errors == []


def test_keyboard_users_can_skip_to_the_content(tab):
    page = tab.page
    page.goto("/?lang=ru")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Перейти к основному содержимому")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    tab.shot("13-skip-link-focused-desktop")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))
    page.keyboard.press("Tab")  # the next stop is inside the content, past the header
    assert page.evaluate("document.activeElement.closest('main') !== null")
    tab.shot("14-focus-in-content-desktop")
    assert tab.errors == []
