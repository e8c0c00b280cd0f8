"""The public crossing pages: the list with two-week heat maps, the day x hour map."""

import re
from datetime import timedelta

import pytest
from support import almaty_today

from kezek.web.heatmap import level
from kezek.web.i18n import COOKIE

CELL = re.compile(
    r'<td class="lvl-(\w+)[^"]*" title="([^"]*)">\s*<span aria-hidden="true">([^<]*)</span>'
)


def test_home_lists_every_crossing_with_two_weeks_per_direction(web):
    web.cookies.set(COOKIE, "en")
    html = web.get("/").text
    for name in ["Nur Zholy", "Dostyk-Avto (Alakol)", "Kalzhat", "Kazygurt"]:
        assert name in html
    nur_zholy = html.split('id="crossing-NUR_ZHOLY"')[1].split("</article>")[0]
    cells = CELL.findall(nur_zholy)
    assert len(cells) == 2 * 14  # exit and entry, 14 days each
    assert {free for _level, _title, free in cells} == {"650"}
    assert {lvl for lvl, _title, _free in cells} == {"high"}
    assert "650 free of 650" in cells[0][1]
    assert "Exit: Kazakhstan → China" in nur_zholy and "Entry: China → Kazakhstan" in nur_zholy
    assert "on the other side: Khorgos" in nur_zholy
    assert 'href="/crossings/NUR_ZHOLY"' in nur_zholy


def test_home_uses_chinese_names_in_chinese(web):
    web.cookies.set(COOKIE, "zh")
    html = web.get("/").text
    assert "努尔若勒" in html and "霍尔果斯" in html and "哈萨克斯坦" in html


def test_crossing_page_shows_hours_capacity_and_the_hour_map(web):
    web.cookies.set(COOKIE, "en")
    r = web.get("/crossings/NUR_ZHOLY")
    assert r.status_code == 200
    html = r.text
    assert "30 days ahead" in html and "Asia/Almaty" in html
    assert "650 a day" in html and "e-queue limit cut" in html
    assert "00:00–24:00" in html
    table = html.split('class="heat hours"')[1].split("</table>")[0]
    rows = table.split("<tr>")[2:]
    assert len(rows) == 7  # a week from today
    first = rows[0]
    assert "<strong>650</strong> / 650" in first  # the day's total
    hourly = [int(free) for _lvl, _title, free in CELL.findall(first)]
    assert len(hourly) == 24 and sum(hourly) == 650


def test_kalzhat_shows_its_standing_extension(web):
    web.cookies.set(COOKIE, "en")
    html = web.get("/crossings/KALZHAT").text
    assert "open 2 h longer" in html and "+2 hours agreed" in html
    table = html.split('class="heat hours"')[1].split("</table>")[0]
    first_day = table.split("<tr>")[2]
    levels = [lvl for lvl, _title, _free in CELL.findall(first_day)]
    assert len(levels) == 24
    assert levels.count("closed") == 10  # open 09-21 plus two hours: 14 hours


def test_direction_and_start_date_choose_the_map(web):
    start = almaty_today() + timedelta(days=10)
    html = web.get(f"/crossings/DOSTYK?direction=entry&start={start}").text
    assert 'value="entry" checked' in html
    assert f'value="{start}"' in html
    assert f"start={start - timedelta(days=7)}" in html  # previous week


def test_start_date_is_held_within_the_horizon(web):
    today = almaty_today()
    html = web.get("/crossings/DOSTYK?start=1999-01-01&direction=nonsense").text
    assert f'id="start" name="start" value="{today}"' in html
    assert 'value="exit" checked' in html
    far = today + timedelta(days=400)
    html = web.get(f"/crossings/DOSTYK?start={far}").text
    assert f'value="{today + timedelta(days=30)}"' in html
    assert "Next week" not in html.split('id="availability"')[1].split("</nav>")[0]


def test_htmx_gets_the_map_alone_with_the_page_address(web):
    r = web.get(
        "/crossings/DOSTYK/availability?direction=entry&start=",
        headers={"HX-Request": "true"},
    )
    assert r.status_code == 200
    assert r.text.lstrip().startswith('<section id="availability"')
    assert r.headers["hx-push-url"] == f"/crossings/DOSTYK?direction=entry&start={almaty_today()}"


def test_map_address_without_htmx_goes_to_the_page(web):
    r = web.get("/crossings/DOSTYK/availability?direction=entry", follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"].startswith("/crossings/DOSTYK?direction=entry")


def test_unknown_crossing_is_a_translated_404_page(web):
    web.cookies.set(COOKIE, "ru")
    r = web.get("/crossings/ATLANTIS")
    assert r.status_code == 404
    assert "text/html" in r.headers["content-type"]
    assert "Такого пункта пропуска нет." in r.text and "crossing_not_found" in r.text


def test_lower_case_code_works(web):
    assert web.get("/crossings/dostyk").status_code == 200


def test_static_files_are_served(web):
    assert web.get("/static/htmx.min.js").status_code == 200
    css = web.get("/static/kezek.css")
    assert css.status_code == 200 and ":focus-visible" in css.text


@pytest.mark.parametrize(
    ("free", "capacity", "expected"),
    [
        (0, 0, "closed"),
        (0, 27, "full"),
        (1, 100, "low"),
        (25, 100, "mid"),
        (50, 100, "good"),
        (75, 100, "high"),
        (100, 100, "high"),
    ],
)
def test_heat_levels(free, capacity, expected):
    assert level(free=free, capacity=capacity) == expected
