"""Opening hours and hourly capacity of a day: pure functions over a direction's rules."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from kezek.models.crossing import ANY_CATEGORY, ExceptionKind


@dataclass(frozen=True)
class DayRule:
    """A dated exception as the schedule needs it."""

    id: int
    date_from: date
    date_to: date | None
    kind: str
    open_hour: int | None = None
    close_hour: int | None = None
    extend_hours: int | None = None

    def covers(self, day: date) -> bool:
        return self.date_from <= day and (self.date_to is None or day <= self.date_to)


@dataclass(frozen=True)
class CapacityStep:
    category: str
    valid_from: date
    daily_limit: int
    hour_overrides: Mapping[str, int]


def open_hours(
    *, weekly: Mapping[int, tuple[int, int]], exceptions: Iterable[DayRule], day: date
) -> list[int]:
    """The start hours (0-23) of the one-hour slots a direction is open on `day`.

    The exception covering the day that started latest wins; otherwise the weekday's hours.
    """
    covering = [e for e in exceptions if e.covers(day)]
    base = weekly.get(day.weekday())
    if not covering:
        return list(range(*base)) if base else []
    rule = max(covering, key=lambda e: (e.date_from, e.id))
    if rule.kind == ExceptionKind.CLOSED:
        return []
    if rule.kind == ExceptionKind.HOURS:
        assert rule.open_hour is not None and rule.close_hour is not None
        return list(range(rule.open_hour, rule.close_hour))
    if base is None:  # an extension of a closed day opens nothing
        return []
    opening, closing = base
    closing = min(24, max(opening, closing + (rule.extend_hours or 0)))
    return list(range(opening, closing))


def capacity_step(
    steps: Iterable[CapacityStep], *, category: str, day: date
) -> CapacityStep | None:
    """The rule in force on `day` for `category`, falling back to the all-category rule."""
    for wanted in (category, ANY_CATEGORY):
        in_force = [s for s in steps if s.category == wanted and s.valid_from <= day]
        if in_force:
            return max(in_force, key=lambda s: s.valid_from)
    return None


def spread_capacity(
    *, daily_limit: int, hours: list[int], overrides: Mapping[str, int] | None = None
) -> dict[int, int]:
    """Capacity per open hour: explicit hours keep their value, the rest of the daily limit is
    spread evenly over the other hours, the remainder going one each to the earliest hours."""
    explicit = {h: int(overrides[str(h)]) for h in hours if overrides and str(h) in overrides}
    others = [h for h in hours if h not in explicit]
    result = dict(explicit)
    if others:
        remaining = max(0, daily_limit - sum(explicit.values()))
        base, extra = divmod(remaining, len(others))
        for i, hour in enumerate(sorted(others)):
            result[hour] = base + (1 if i < extra else 0)
    return dict(sorted(result.items()))
