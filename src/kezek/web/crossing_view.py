"""What the crossing pages show, gathered from the crossings service and the model."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from babel import Locale
from sqlalchemy.orm import Session

from kezek.crossings import service
from kezek.crossings.errors import CategoryNotServed
from kezek.db import utcnow
from kezek.models.crossing import CapacityRule, Crossing, Direction, DirectionKind
from kezek.models.crossing import ScheduleException as DatedException
from kezek.web.heatmap import DayCell, HourRow, day_strip, hour_rows

CATEGORY = "truck"  # the seed counts trucks; other categories appear once a crossing has them
STRIP_DAYS = 14
MAP_DAYS = 7


def country_name(code: str, locale: str) -> str:
    return str(Locale.parse(locale).territories.get(code, code))


def neighbour_name(crossing: Crossing, locale: str) -> str:
    if locale == "zh" and crossing.neighbour_name_zh:
        return crossing.neighbour_name_zh
    return crossing.neighbour_name or crossing.neighbour_name_zh


@dataclass(frozen=True)
class DirectionStrip:
    direction: Direction
    cells: list[DayCell] | None  # None: no capacity set for the category


@dataclass(frozen=True)
class CrossingStrip:
    crossing: Crossing
    days: list[date]
    rows: list[DirectionStrip]


def crossing_strip(session: Session, crossing: Crossing, now: datetime) -> CrossingStrip:
    """The home page's 14 days per direction."""
    rows, days = [], []
    for direction in crossing.directions:
        try:
            availability = service.availability(
                session,
                crossing=crossing,
                kind=DirectionKind(direction.kind),
                start=None,
                days=STRIP_DAYS,
                category=CATEGORY,
                now=now,
            )
        except CategoryNotServed:
            rows.append(DirectionStrip(direction, None))
            continue
        cells = day_strip(availability)
        days = days or [c.day for c in cells]
        rows.append(DirectionStrip(direction, cells))
    return CrossingStrip(crossing, days, rows)


@dataclass(frozen=True)
class HourMap:
    """The crossing page's day x hour map of one direction, a week from `start`."""

    kind: DirectionKind
    start: date
    first_day: date
    last_day: date
    rows: list[HourRow] | None
    previous_start: date | None
    next_start: date | None


def _parse_kind(raw: str) -> DirectionKind:
    return DirectionKind(raw) if raw in {k.value for k in DirectionKind} else DirectionKind.EXIT


def _parse_day(raw: str, first: date, last: date) -> date:
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        return first
    return min(max(day, first), last)


def hour_map(session: Session, crossing: Crossing, *, direction: str, start: str) -> HourMap:
    """The map for the asked direction and start date, the date held within the horizon."""
    now = utcnow()
    first, last = service.local_today(crossing, now), service.horizon_end(crossing, now)
    kind, day = _parse_kind(direction), _parse_day(start, first, last)
    try:
        availability = service.availability(
            session,
            crossing=crossing,
            kind=kind,
            start=day,
            days=MAP_DAYS,
            category=CATEGORY,
            now=now,
        )
        rows: list[HourRow] | None = hour_rows(availability)
    except CategoryNotServed:
        rows = None
    week = timedelta(days=MAP_DAYS)
    return HourMap(
        kind=kind,
        start=day,
        first_day=first,
        last_day=last,
        rows=rows,
        previous_start=max(first, day - week) if day > first else None,
        next_start=day + week if day + week <= last else None,
    )


def capacity_in_force(direction: Direction, today: date) -> list[CapacityRule]:
    """Per category, the capacity rule that applies today."""
    current: dict[str, CapacityRule] = {}
    for rule in direction.capacity_rules:  # ordered by valid_from
        if rule.valid_from <= today:
            current[rule.category] = rule
    return list(current.values())


def capacity_upcoming(direction: Direction, today: date) -> list[CapacityRule]:
    return [r for r in direction.capacity_rules if r.valid_from > today]


def exceptions_in_force(direction: Direction, today: date) -> list[DatedException]:
    """Dated exceptions that still matter: current or future."""
    return [e for e in direction.exceptions if e.date_to is None or e.date_to >= today]


def weekly_hours(direction: Direction) -> list[tuple[int, int] | None]:
    """Opening and closing hour per weekday (0 = Monday), None when closed."""
    by_day = {w.weekday: (w.open_hour, w.close_hour) for w in direction.weekly_hours}
    return [by_day.get(day) for day in range(7)]
