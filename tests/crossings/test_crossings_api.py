"""Public crossings API: the seed crossings, their names, and availability per date and hour."""

import unicodedata
from datetime import UTC, datetime, timedelta

import pytest
from api_contract import contract_client
from support import TEST_SECRET, almaty_today, last_seq

from kezek.config import Settings
from kezek.db import make_engine
from kezek.main import create_app

SEED_CODES = [
    "NUR_ZHOLY",
    "DOSTYK",
    "KALZHAT",
    "BAKHTY",
    "MAIKAPSHAGAI",
    "SYRYM",
    "KARASU",
    "KAZYGURT",
]


@pytest.fixture(scope="module")
def client(templates):
    """One database for the whole module: these tests only read."""
    url = templates.copy("demo")
    engine = make_engine(url)
    app = create_app(Settings(database_url=url, secret_key=TEST_SECRET, log_json=False), engine)
    with contract_client(app) as c:
        yield c
    engine.dispose()
    templates.drop(url)


def availability(client, code, **params):
    return client.get(f"/api/v1/crossings/{code}/availability", params=params)


def one_day(client, code, direction, day):
    r = availability(client, code, direction=direction, **{"from": day.isoformat()}, days=1)
    assert r.status_code == 200, r.text
    return r.json()["days"][0]


def scripts(name: str) -> set[str]:
    """The writing systems of the letters in a name (LATIN, CYRILLIC, CJK)."""
    return {unicodedata.name(c).split()[0] for c in name if c.isalpha()}


def test_lists_the_eight_seed_crossings(client):
    r = client.get("/api/v1/crossings")
    assert r.status_code == 200
    assert [c["code"] for c in r.json()] == SEED_CODES


def test_every_crossing_is_named_in_four_languages_in_their_scripts(client):
    for crossing in client.get("/api/v1/crossings").json():
        names = crossing["names"]
        assert set(names) == {"en", "ru", "kk", "zh"}
        assert scripts(names["en"]) == {"LATIN"}, names
        assert scripts(names["ru"]) == {"CYRILLIC"}, names
        assert scripts(names["kk"]) == {"CYRILLIC"}, names
        assert scripts(names["zh"]) == {"CJK"}, names


def test_kazakh_names_use_kazakh_letters_where_russian_ones_do_not(client):
    names = {c["code"]: c["names"] for c in client.get("/api/v1/crossings").json()}
    assert names["NUR_ZHOLY"]["kk"] == "Нұр жолы" and names["NUR_ZHOLY"]["ru"] == "Нур Жолы"
    assert names["DOSTYK"]["kk"] == "Достық" and names["DOSTYK"]["ru"] == "Достык"
    assert names["NUR_ZHOLY"]["zh"] and names["KALZHAT"]["zh"]


def test_one_crossing_with_both_directions(client):
    r = client.get("/api/v1/crossings/KALZHAT")
    assert r.status_code == 200
    body = r.json()
    assert body["code"] == "KALZHAT"
    assert (body["country"], body["neighbour_country"]) == ("KZ", "CN")
    assert body["neighbour_name_zh"] == "都拉塔"
    directions = {d["kind"]: d for d in body["directions"]}
    assert set(directions) == {"exit", "entry"}
    assert (directions["exit"]["from_country"], directions["exit"]["to_country"]) == ("KZ", "CN")
    assert (directions["entry"]["from_country"], directions["entry"]["to_country"]) == ("CN", "KZ")
    exit_ = directions["exit"]
    assert len(exit_["weekly_hours"]) == 7
    assert all((w["open_hour"], w["close_hour"]) == (9, 21) for w in exit_["weekly_hours"])
    assert [(e["kind"], e["extend_hours"], e["date_to"]) for e in exit_["exceptions"]] == [
        ("extend", 2, None)
    ]
    assert [r["daily_limit"] for r in exit_["capacity_rules"]] == [130, 250, 300]


def test_crossing_code_is_case_insensitive(client):
    assert client.get("/api/v1/crossings/dostyk").json()["code"] == "DOSTYK"


def test_unknown_crossing_is_404_crossing_not_found(client):
    for url in ("/api/v1/crossings/ATLANTIS", "/api/v1/crossings/ATLANTIS/availability"):
        r = client.get(url, params={"direction": "exit"})
        assert r.status_code == 404
        assert r.json()["error"] == "crossing_not_found"


@pytest.mark.parametrize("direction", ["exit", "entry"])
def test_nur_zholy_day_sums_to_its_daily_limit_of_650(client, direction):
    day = one_day(client, "NUR_ZHOLY", direction, almaty_today() + timedelta(days=3))
    assert [h["hour"] for h in day["hours"]] == list(range(24))
    assert sum(h["capacity"] for h in day["hours"]) == 650
    assert day["capacity"] == 650 and day["free"] == 650 and day["booked"] == 0
    assert [h["capacity"] for h in day["hours"][:3]] == [28, 28, 27]


@pytest.mark.parametrize("direction", ["exit", "entry"])
def test_kalzhat_is_open_14_hours_with_its_two_hour_extension(client, direction):
    day = one_day(client, "KALZHAT", direction, almaty_today() + timedelta(days=1))
    assert [h["hour"] for h in day["hours"]] == list(range(9, 23))
    assert day["capacity"] == sum(h["capacity"] for h in day["hours"]) == 300


@pytest.mark.parametrize("direction", ["exit", "entry"])
def test_dostyk_is_open_12_hours_summing_to_300(client, direction):
    day = one_day(client, "DOSTYK", direction, almaty_today() + timedelta(days=1))
    assert [h["hour"] for h in day["hours"]] == list(range(9, 21))
    assert [h["capacity"] for h in day["hours"]] == [25] * 12


def test_every_seed_crossing_sums_to_its_daily_limit_every_day(client):
    limits = {
        "NUR_ZHOLY": 650,
        "DOSTYK": 300,
        "KALZHAT": 300,
        "BAKHTY": 300,
        "MAIKAPSHAGAI": 150,
        "SYRYM": 500,
        "KARASU": 300,
        "KAZYGURT": 400,
    }
    for code, limit in limits.items():
        for direction in ("exit", "entry"):
            r = availability(client, code, direction=direction, days=14)
            assert r.status_code == 200
            days = r.json()["days"]
            assert len(days) == 14
            for day in days:
                assert sum(h["capacity"] for h in day["hours"]) == limit, (code, day["date"])


def test_hours_carry_their_start_time_in_the_crossing_zone(client):
    day = one_day(client, "DOSTYK", "exit", almaty_today() + timedelta(days=2))
    first = day["hours"][0]
    assert first["starts_at"] == f"{day['date']}T09:00:00+05:00"
    assert first["free"] == first["capacity"] and first["bookable"] is True


def test_hours_starting_within_the_lead_time_are_not_bookable(client):
    lead = timedelta(
        minutes=client.get("/api/v1/crossings/NUR_ZHOLY").json()["booking_lead_minutes"]
    )
    now = datetime.now(UTC)
    day = one_day(client, "NUR_ZHOLY", "exit", almaty_today())
    for hour in day["hours"]:
        starts_at = datetime.fromisoformat(hour["starts_at"])
        if abs(starts_at - (now + lead)) > timedelta(minutes=1):  # not on the boundary
            assert hour["bookable"] is (starts_at >= now + lead), hour


def test_availability_starts_today_by_default_for_14_days(client):
    body = availability(client, "DOSTYK", direction="exit").json()
    assert body["crossing"] == "DOSTYK" and body["direction"] == "exit"
    assert body["category"] == "truck" and body["timezone"] == "Asia/Almaty"
    dates = [d["date"] for d in body["days"]]
    today = almaty_today()
    assert dates == [(today + timedelta(days=i)).isoformat() for i in range(14)]


def test_from_before_today_is_outside_the_horizon(client):
    yesterday = almaty_today() - timedelta(days=1)
    r = availability(client, "DOSTYK", direction="exit", **{"from": yesterday.isoformat()})
    assert r.status_code == 422
    assert r.json()["error"] == "outside_horizon"


def test_from_after_the_booking_horizon_is_outside_it(client):
    horizon = client.get("/api/v1/crossings/DOSTYK").json()["booking_horizon_days"]
    assert horizon == 30
    last = almaty_today() + timedelta(days=horizon)
    ok = availability(client, "DOSTYK", direction="exit", **{"from": last.isoformat()})
    assert ok.status_code == 200 and len(ok.json()["days"]) == 1
    beyond = availability(
        client, "DOSTYK", direction="exit", **{"from": (last + timedelta(1)).isoformat()}
    )
    assert beyond.status_code == 422
    assert beyond.json()["error"] == "outside_horizon"
    assert last.isoformat() in beyond.json()["detail"]


def test_days_are_clipped_at_the_end_of_the_horizon(client):
    start = almaty_today() + timedelta(days=25)
    r = availability(client, "DOSTYK", direction="exit", **{"from": start.isoformat()}, days=14)
    dates = [d["date"] for d in r.json()["days"]]
    assert dates == [(start + timedelta(days=i)).isoformat() for i in range(6)]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"direction": "sideways"}, "direction"),
        ({}, "direction"),
        ({"direction": "exit", "days": 0}, "days"),
        ({"direction": "exit", "days": 63}, "days"),
        ({"direction": "exit", "days": "many"}, "days"),
        ({"direction": "exit", "category": "plane"}, "category"),
        ({"direction": "exit", "from": "2026-13-01"}, "from"),
    ],
)
def test_bad_query_is_422_validation_error_naming_the_field(client, params, field):
    r = availability(client, "DOSTYK", **params)
    assert r.status_code == 422
    body = r.json()
    assert body["error"] == "validation_error"
    assert [f["loc"] for f in body["fields"]] == [["query", field]]


def test_category_the_crossing_does_not_count_is_422_category_not_served(client):
    r = availability(client, "DOSTYK", direction="exit", category="bus")
    assert r.status_code == 422
    assert r.json()["error"] == "category_not_served"


def test_reading_is_public_and_writes_no_footprint(client):
    engine = client.app.state.engine
    before = last_seq(engine)
    assert client.get("/api/v1/crossings").status_code == 200
    assert availability(client, "DOSTYK", direction="exit").status_code == 200
    assert last_seq(engine) == before
