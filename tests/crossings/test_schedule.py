"""Opening hours and hourly capacity of a day (pure functions of kezek.crossings.schedule)."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kezek.crossings.schedule import (
    CapacityStep,
    DayRule,
    capacity_step,
    open_hours,
    spread_capacity,
)

MONDAY = date(2026, 11, 30)
NINE_TO_NINE = {d: (9, 21) for d in range(7)}
ROUND_THE_CLOCK = {d: (0, 24) for d in range(7)}

hour_sets = st.lists(st.integers(0, 23), min_size=1, max_size=24, unique=True)
limits = st.integers(min_value=0, max_value=5000)


def closed(start: date, end: date | None = None, id: int = 1) -> DayRule:
    return DayRule(id, start, end if end is not None else start, "closed")


def other_hours(start: date, end: date | None, opening: int, closing: int, id: int = 1) -> DayRule:
    return DayRule(id, start, end, "hours", open_hour=opening, close_hour=closing)


def extended(start: date, end: date | None, hours: int, id: int = 1) -> DayRule:
    return DayRule(id, start, end, "extend", extend_hours=hours)


# --- spreading the daily limit over the open hours ---------------------------------------


@given(limits, hour_sets)
def test_spread_hours_sum_to_the_daily_limit(limit, hours):
    assert sum(spread_capacity(daily_limit=limit, hours=hours).values()) == limit


@given(limits, hour_sets)
def test_spread_gives_every_open_hour_and_only_those(limit, hours):
    assert sorted(spread_capacity(daily_limit=limit, hours=hours)) == sorted(hours)


@given(limits, hour_sets)
def test_spread_hours_differ_by_at_most_one(limit, hours):
    values = spread_capacity(daily_limit=limit, hours=hours).values()
    assert max(values) - min(values) <= 1


@given(limits, hour_sets)
def test_spread_remainder_goes_to_the_earliest_hours(limit, hours):
    by_hour = spread_capacity(daily_limit=limit, hours=hours)
    in_order = [by_hour[h] for h in sorted(hours)]
    assert in_order == sorted(in_order, reverse=True)
    assert sum(1 for v in in_order if v > limit // len(hours)) == limit % len(hours)


def test_spread_of_nur_zholy_650_over_24_hours():
    by_hour = spread_capacity(daily_limit=650, hours=list(range(24)))
    assert by_hour[0] == by_hour[1] == 28
    assert all(by_hour[h] == 27 for h in range(2, 24))


def test_spread_over_no_open_hour_is_empty():
    assert spread_capacity(daily_limit=300, hours=[]) == {}


@given(
    limits,
    hour_sets,
    st.dictionaries(st.integers(0, 23), st.integers(0, 200), max_size=6),
)
def test_explicit_hours_are_kept_and_the_rest_of_the_limit_spread(limit, hours, overrides):
    explicit = {h: v for h, v in overrides.items() if h in hours}
    by_hour = spread_capacity(
        daily_limit=limit, hours=hours, overrides={str(h): v for h, v in overrides.items()}
    )
    assert sorted(by_hour) == sorted(hours)
    assert all(by_hour[h] == v for h, v in explicit.items())
    others = [by_hour[h] for h in sorted(hours) if h not in explicit]
    if others:
        assert sum(others) == max(0, limit - sum(explicit.values()))
        assert max(others) - min(others) <= 1
        assert others == sorted(others, reverse=True)


def test_explicit_hours_take_their_share_off_the_limit():
    by_hour = spread_capacity(daily_limit=100, hours=[9, 10, 11, 12], overrides={"9": 40})
    assert by_hour == {9: 40, 10: 20, 11: 20, 12: 20}


def test_explicit_hours_over_the_limit_leave_nothing_negative_for_the_others():
    by_hour = spread_capacity(daily_limit=50, hours=[9, 10, 11], overrides={"9": 80})
    assert by_hour == {9: 80, 10: 0, 11: 0}


def test_explicit_value_for_a_closed_hour_is_ignored():
    by_hour = spread_capacity(daily_limit=30, hours=[9, 10, 11], overrides={"3": 99})
    assert by_hour == {9: 10, 10: 10, 11: 10}


# --- open hours of a day ------------------------------------------------------------------


def test_weekly_hours_give_one_slot_per_hour_from_opening_to_closing():
    assert open_hours(weekly=NINE_TO_NINE, exceptions=[], day=MONDAY) == list(range(9, 21))
    assert open_hours(weekly=ROUND_THE_CLOCK, exceptions=[], day=MONDAY) == list(range(24))


def test_a_weekday_without_hours_is_closed():
    weekdays_only = {d: (8, 18) for d in range(5)}
    saturday = MONDAY + timedelta(days=5)
    assert open_hours(weekly=weekdays_only, exceptions=[], day=saturday) == []
    assert open_hours(weekly=weekdays_only, exceptions=[], day=MONDAY) == list(range(8, 18))


def test_each_weekday_has_its_own_hours():
    week = {0: (6, 10), 1: (12, 14)}
    assert open_hours(weekly=week, exceptions=[], day=MONDAY) == [6, 7, 8, 9]
    assert open_hours(weekly=week, exceptions=[], day=MONDAY + timedelta(days=1)) == [12, 13]


def test_a_closure_empties_its_days_only():
    rule = closed(MONDAY, MONDAY + timedelta(days=1))
    assert open_hours(weekly=NINE_TO_NINE, exceptions=[rule], day=MONDAY) == []
    assert open_hours(weekly=NINE_TO_NINE, exceptions=[rule], day=MONDAY + timedelta(1)) == []
    assert open_hours(weekly=NINE_TO_NINE, exceptions=[rule], day=MONDAY + timedelta(2)) != []
    assert open_hours(weekly=NINE_TO_NINE, exceptions=[rule], day=MONDAY - timedelta(1)) != []


def test_other_hours_replace_the_weekly_hours_even_on_a_closed_weekday():
    rule = other_hours(MONDAY, MONDAY, 6, 12)
    assert open_hours(weekly=NINE_TO_NINE, exceptions=[rule], day=MONDAY) == list(range(6, 12))
    assert open_hours(weekly={}, exceptions=[rule], day=MONDAY) == list(range(6, 12))


def test_extension_of_two_hours_moves_the_closing_hour():
    rule = extended(MONDAY, None, 2)
    assert open_hours(weekly=NINE_TO_NINE, exceptions=[rule], day=MONDAY) == list(range(9, 23))


def test_extension_is_clamped_at_midnight():
    assert open_hours(
        weekly=ROUND_THE_CLOCK, exceptions=[extended(MONDAY, None, 2)], day=MONDAY
    ) == (list(range(24)))
    late = {0: (20, 23)}
    assert open_hours(weekly=late, exceptions=[extended(MONDAY, None, 5)], day=MONDAY) == [
        20,
        21,
        22,
        23,
    ]


def test_negative_extension_shortens_the_day_and_never_below_nothing():
    shorter = open_hours(weekly=NINE_TO_NINE, exceptions=[extended(MONDAY, None, -2)], day=MONDAY)
    assert shorter == list(range(9, 19))
    gone = open_hours(weekly=NINE_TO_NINE, exceptions=[extended(MONDAY, None, -20)], day=MONDAY)
    assert gone == []


def test_extension_of_a_closed_weekday_opens_nothing():
    assert open_hours(weekly={}, exceptions=[extended(MONDAY, None, 2)], day=MONDAY) == []


def test_open_ended_exception_applies_from_its_first_day_on():
    rule = extended(MONDAY, None, 2)
    assert len(open_hours(weekly=NINE_TO_NINE, exceptions=[rule], day=MONDAY - timedelta(1))) == 12
    for later in (0, 1, 30, 3650):
        day = MONDAY + timedelta(days=later)
        assert len(open_hours(weekly=NINE_TO_NINE, exceptions=[rule], day=day)) == 14


def test_exception_period_includes_both_ends():
    rule = closed(MONDAY, MONDAY + timedelta(days=2))
    for offset, expected_open in [(-1, True), (0, False), (1, False), (2, False), (3, True)]:
        hours = open_hours(weekly=NINE_TO_NINE, exceptions=[rule], day=MONDAY + timedelta(offset))
        assert bool(hours) is expected_open, offset


def test_overlapping_exceptions_latest_starting_wins():
    standing = extended(MONDAY - timedelta(days=30), None, 2, id=1)
    holiday = closed(MONDAY, MONDAY, id=2)
    assert open_hours(weekly=NINE_TO_NINE, exceptions=[standing, holiday], day=MONDAY) == []
    # The order in which they are given does not matter.
    assert open_hours(weekly=NINE_TO_NINE, exceptions=[holiday, standing], day=MONDAY) == []
    # Outside the holiday the standing extension is back.
    day_after = MONDAY + timedelta(days=1)
    assert len(open_hours(weekly=NINE_TO_NINE, exceptions=[standing, holiday], day=day_after)) == 14


def test_a_later_exception_wins_over_an_earlier_long_closure():
    closure = closed(MONDAY - timedelta(days=10), MONDAY + timedelta(days=10), id=5)
    reopening = other_hours(MONDAY, MONDAY, 10, 14, id=1)
    assert open_hours(weekly=NINE_TO_NINE, exceptions=[closure, reopening], day=MONDAY) == [
        10,
        11,
        12,
        13,
    ]


def test_exceptions_starting_the_same_day_the_last_created_wins():
    first = extended(MONDAY, None, 2, id=1)
    second = closed(MONDAY, MONDAY, id=2)
    assert open_hours(weekly=NINE_TO_NINE, exceptions=[second, first], day=MONDAY) == []


@given(
    st.lists(
        st.tuples(
            st.integers(-20, 20),
            st.one_of(st.none(), st.integers(0, 20)),
            st.sampled_from(["closed", "hours", "extend"]),
            st.integers(-23, 23),
        ),
        max_size=6,
    ),
    st.integers(-25, 25),
)
def test_open_hours_follow_the_latest_starting_covering_exception(specs, day_offset):
    rules = []
    for i, (start, length, kind, extra) in enumerate(specs, start=1):
        first = MONDAY + timedelta(days=start)
        last = None if length is None else first + timedelta(days=length)
        if kind == "hours":
            rules.append(other_hours(first, last, 6, 6 + max(1, abs(extra) % 18), id=i))
        elif kind == "extend":
            rules.append(extended(first, last, extra or 1, id=i))
        else:
            rules.append(closed(first, last, id=i))
    day = MONDAY + timedelta(days=day_offset)
    hours = open_hours(weekly=NINE_TO_NINE, exceptions=rules, day=day)
    covering = [r for r in rules if r.date_from <= day and (r.date_to is None or day <= r.date_to)]
    assert hours == expected_hours(covering)
    assert hours == sorted(set(hours)) and all(0 <= h <= 23 for h in hours)


def expected_hours(covering: list[DayRule]) -> list[int]:
    """What 9-21 every day becomes under the winning exception, worked out by hand."""
    if not covering:
        return list(range(9, 21))
    winner = max(covering, key=lambda r: (r.date_from, r.id))
    if winner.kind == "closed":
        return []
    if winner.kind == "hours":
        return list(range(winner.open_hour, winner.close_hour))
    return list(range(9, min(24, max(9, 21 + winner.extend_hours))))


# --- the capacity rule in force -----------------------------------------------------------


def step(category: str, valid_from: date, limit: int) -> CapacityStep:
    return CapacityStep(category, valid_from, limit, {})


KALZHAT_TRUCKS = [
    step("truck", date(2025, 1, 1), 130),
    step("truck", date(2025, 5, 1), 250),
    step("truck", date(2025, 9, 1), 300),
]


@pytest.mark.parametrize(
    ("day", "limit"),
    [
        (date(2025, 1, 1), 130),
        (date(2025, 4, 30), 130),
        (date(2025, 5, 1), 250),
        (date(2025, 8, 31), 250),
        (date(2025, 9, 1), 300),
        (date(2030, 1, 1), 300),
    ],
)
def test_the_rule_in_force_is_the_latest_started_one(day, limit):
    rule = capacity_step(KALZHAT_TRUCKS, category="truck", day=day)
    assert rule is not None and rule.daily_limit == limit


def test_the_order_of_the_rules_does_not_matter():
    rule = capacity_step(list(reversed(KALZHAT_TRUCKS)), category="truck", day=date(2025, 6, 1))
    assert rule is not None and rule.daily_limit == 250


def test_no_rule_before_the_first_one_starts():
    assert capacity_step(KALZHAT_TRUCKS, category="truck", day=date(2024, 12, 31)) is None


def test_a_category_without_its_own_rule_falls_back_to_any():
    rules = [*KALZHAT_TRUCKS, step("any", date(2025, 1, 1), 40)]
    bus = capacity_step(rules, category="bus", day=date(2026, 1, 1))
    truck = capacity_step(rules, category="truck", day=date(2026, 1, 1))
    assert bus is not None and bus.daily_limit == 40
    assert truck is not None and truck.daily_limit == 300


def test_a_category_not_served_and_no_any_rule_has_no_capacity():
    assert capacity_step(KALZHAT_TRUCKS, category="car", day=date(2026, 1, 1)) is None


def test_the_any_rule_covers_only_categories_not_yet_counted_separately():
    rules = [step("car", date(2026, 1, 1), 10), step("any", date(2025, 1, 1), 40)]
    # Before the car rule starts, cars share the all-category rule ...
    early = capacity_step(rules, category="car", day=date(2025, 6, 1))
    assert early is not None and early.daily_limit == 40
    # ... and once it is in force, the car rule applies.
    late = capacity_step(rules, category="car", day=date(2026, 6, 1))
    assert late is not None and late.daily_limit == 10
