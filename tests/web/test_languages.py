"""The pages in four languages: the switcher, the cookie that remembers it, the browser's wish."""

import pytest
from starlette.datastructures import QueryParams

from kezek.web.i18n import COOKIE, _from_accept_language, _remember

# One string per language that the home page shows (the header's tagline).
TAGLINE = {
    "kk": "Шекарадағы өткізу пункттеріндегі электрондық кезек",
    "ru": "Электронная очередь на пунктах пропуска",
    "en": "Electronic queue at border crossings",
    "zh": "边境口岸电子排队",
}
NUR_ZHOLY = {"kk": "Нұр жолы", "ru": "Нур Жолы", "en": "Nur Zholy", "zh": "努尔若勒"}
HTML_LANG = {"kk": 'lang="kk"', "ru": 'lang="ru"', "en": 'lang="en"', "zh": 'lang="zh-Hans"'}
PAGES = ["/", "/crossings/NUR_ZHOLY", "/login", "/register"]


@pytest.mark.parametrize("locale", ["kk", "ru", "en", "zh"])
def test_pages_render_in_each_language(web, locale):
    web.cookies.set(COOKIE, locale)
    for path in PAGES:
        r = web.get(path)
        assert r.status_code == 200, (path, r.text[-1500:])
        assert f"<html {HTML_LANG[locale]}>" in r.text
        assert TAGLINE[locale] in r.text
    assert NUR_ZHOLY[locale] in web.get("/").text


def test_default_language_is_russian(web):
    assert TAGLINE["ru"] in web.get("/").text


def test_switcher_sets_cookie_and_returns_to_the_page(web):
    r = web.get("/crossings/NUR_ZHOLY?direction=entry&lang=kk", follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == "/crossings/NUR_ZHOLY?direction=entry"
    assert f"{COOKIE}=kk" in r.headers["set-cookie"]
    assert "Max-Age=31536000" in r.headers["set-cookie"]
    page = web.get(r.headers["location"])
    assert TAGLINE["kk"] in page.text
    # Remembered on the next pages, whatever the browser asks for.
    assert TAGLINE["kk"] in web.get("/login", headers={"Accept-Language": "en"}).text


def test_switcher_links_keep_the_query(web):
    html = web.get("/crossings/DOSTYK?direction=entry").text
    assert 'href="/crossings/DOSTYK?direction=entry&amp;lang=zh"' in html


def test_unknown_language_is_ignored(web):
    r = web.get("/?lang=xx", follow_redirects=False)
    assert r.status_code == 200
    assert COOKIE not in r.headers.get("set-cookie", "")


def test_switcher_cannot_redirect_to_another_site():
    # A request for "//evil.example/x?lang=en" must not answer "Location: //evil.example/x".
    response = _remember("//evil.example/x", QueryParams("lang=en&a=1"), "en")
    assert response.headers["location"] == "/evil.example/x?a=1"


def test_accept_language_chooses_without_cookie(web):
    r = web.get("/", headers={"Accept-Language": "de-DE,zh-CN;q=0.9,en;q=0.8"})
    assert TAGLINE["zh"] in r.text


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("kk-KZ,ru;q=0.9", "kk"),
        ("en;q=0.5, ru;q=0.8", "ru"),
        ("fr, de", None),
        ("zh-Hans-CN", "zh"),
        ("ru;q=0, en", "en"),
        ("en;q=bogus, ru", "ru"),
        ("", None),
    ],
)
def test_accept_language_parsing(header, expected):
    assert _from_accept_language(header) == expected


def test_dates_and_weekdays_follow_the_language(web):
    web.cookies.set(COOKIE, "ru")
    assert "Понедельник" in web.get("/crossings/DOSTYK").text
    web.cookies.set(COOKIE, "zh")
    assert "星期一" in web.get("/crossings/DOSTYK").text
