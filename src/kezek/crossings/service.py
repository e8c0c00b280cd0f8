"""Crossings: reading, availability, and the admin's edits of hours and capacity."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from kezek.audit.service import record
from kezek.crossings.errors import (
    CategoryNotServed,
    CrossingNotFound,
    ExceptionNotFound,
    OutsideHorizon,
)
from kezek.crossings.schedule import (
    CapacityStep,
    DayRule,
    capacity_step,
    open_hours,
    spread_capacity,
)
from kezek.crossings.schemas import (
    AvailabilityOut,
    CapacityRuleIn,
    CrossingSettingsIn,
    DayAvailability,
    ExceptionIn,
    HourAvailability,
    WeeklyHoursIn,
)
from kezek.db import utcnow
from kezek.models.booking import SlotCounter
from kezek.models.crossing import (
    ANY_CATEGORY,
    CapacityRule,
    Crossing,
    Direction,
    DirectionKind,
    ScheduleException,
    WeeklyHours,
)

MAX_AVAILABILITY_DAYS = 62


def list_crossings(session: Session, *, active_only: bool = False) -> list[Crossing]:
    query = select(Crossing).order_by(Crossing.id)
    if active_only:
        query = query.where(Crossing.is_active.is_(True))
    return list(session.scalars(query))


def get_crossing(session: Session, *, code: str) -> Crossing:
    crossing = session.scalar(select(Crossing).where(Crossing.code == code.upper()))
    if crossing is None:
        raise CrossingNotFound(f"No crossing with code {code!r}.")
    return crossing


def direction_of(crossing: Crossing, kind: DirectionKind) -> Direction:
    return next(d for d in crossing.directions if d.kind == kind)


def local_today(crossing: Crossing, now: datetime | None = None) -> date:
    return (now or utcnow()).astimezone(ZoneInfo(crossing.timezone)).date()


def horizon_end(crossing: Crossing, now: datetime | None = None) -> date:
    """The last date that can be booked now."""
    return local_today(crossing, now) + timedelta(days=crossing.booking_horizon_days)


def day_capacity(direction: Direction, *, day: date, category: str) -> dict[int, int]:
    """Capacity per open hour of `day` for `category` (empty when closed or not served)."""
    weekly = {w.weekday: (w.open_hour, w.close_hour) for w in direction.weekly_hours}
    rules = [
        DayRule(e.id, e.date_from, e.date_to, e.kind, e.open_hour, e.close_hour, e.extend_hours)
        for e in direction.exceptions
    ]
    hours = open_hours(weekly=weekly, exceptions=rules, day=day)
    step = capacity_step(capacity_steps(direction), category=category, day=day)
    if step is None or not hours:
        return {}
    return spread_capacity(daily_limit=step.daily_limit, hours=hours, overrides=step.hour_overrides)


def capacity_steps(direction: Direction) -> list[CapacityStep]:
    return [
        CapacityStep(r.category, r.valid_from, r.daily_limit, r.hour_overrides or {})
        for r in direction.capacity_rules
    ]


def served_categories(direction: Direction) -> set[str]:
    return {r.category for r in direction.capacity_rules}


def booked_counts(
    session: Session, *, direction: Direction, category: str, first: date, last: date
) -> dict[tuple[date, int], int]:
    """Places taken per (date, hour) in the hourly pool the category counts against."""
    rows = session.execute(
        select(SlotCounter.day, SlotCounter.hour, SlotCounter.taken).where(
            SlotCounter.direction_id == direction.id,
            SlotCounter.pool.in_([category, ANY_CATEGORY]),
            SlotCounter.day.between(first, last),
            SlotCounter.hour >= 0,
        )
    )
    counts: dict[tuple[date, int], int] = {}
    for day, hour, taken in rows:
        counts[(day, hour)] = counts.get((day, hour), 0) + taken
    return counts


def availability(
    session: Session,
    *,
    crossing: Crossing,
    kind: DirectionKind,
    start: date | None,
    days: int,
    category: str,
    now: datetime | None = None,
) -> AvailabilityOut:
    """Capacity, booked and free places per date and hour, within the booking horizon."""
    now = now or utcnow()
    today, last_day = local_today(crossing, now), horizon_end(crossing, now)
    start = start or today
    if not today <= start <= last_day:
        raise OutsideHorizon(
            f"{crossing.code} can be booked from {today} to {last_day}; {start} is outside."
        )
    direction = direction_of(crossing, kind)
    if category not in served_categories(direction) and "any" not in served_categories(direction):
        raise CategoryNotServed(f"{crossing.code} has no capacity set for {category}.")
    end = min(last_day, start + timedelta(days=days - 1))
    booked = booked_counts(session, direction=direction, category=category, first=start, last=end)
    book_from = now + timedelta(minutes=crossing.booking_lead_minutes)
    tz = ZoneInfo(crossing.timezone)
    out_days = []
    for offset in range((end - start).days + 1):
        day = start + timedelta(days=offset)
        hours = []
        for hour, cap in day_capacity(direction, day=day, category=category).items():
            taken = booked.get((day, hour), 0)
            starts_at = datetime(day.year, day.month, day.day, hour, tzinfo=tz)
            hours.append(
                HourAvailability(
                    hour=hour,
                    starts_at=starts_at,
                    capacity=cap,
                    booked=taken,
                    free=max(0, cap - taken),
                    bookable=starts_at >= book_from,
                )
            )
        out_days.append(
            DayAvailability(
                date=day,
                open=bool(hours),
                capacity=sum(h.capacity for h in hours),
                booked=sum(h.booked for h in hours),
                free=sum(h.free for h in hours),
                hours=hours,
            )
        )
    return AvailabilityOut(
        crossing=crossing.code,
        direction=kind,
        category=category,
        timezone=crossing.timezone,
        days=out_days,
    )


def replace_weekly_hours(
    session: Session, *, crossing: Crossing, kind: DirectionKind, days: list[WeeklyHoursIn]
) -> Direction:
    direction = direction_of(crossing, kind)
    before = {w.weekday: [w.open_hour, w.close_hour] for w in direction.weekly_hours}
    direction.weekly_hours.clear()
    session.flush()
    for d in days:
        direction.weekly_hours.append(
            WeeklyHours(weekday=d.weekday, open_hour=d.open_hour, close_hour=d.close_hour)
        )
    session.flush()
    record(
        session,
        action="crossing.hours",
        object_type="direction",
        object_id=direction.id,
        payload={
            "crossing": crossing.code,
            "direction": kind,
            "before": before,
            "after": {d.weekday: [d.open_hour, d.close_hour] for d in days},
        },
    )
    return direction


def add_exception(
    session: Session, *, crossing: Crossing, kind: DirectionKind, data: ExceptionIn
) -> ScheduleException:
    direction = direction_of(crossing, kind)
    exc = ScheduleException(direction_id=direction.id, **data.model_dump())
    direction.exceptions.append(exc)
    session.flush()
    record(
        session,
        action="crossing.exception.add",
        object_type="schedule_exception",
        object_id=exc.id,
        payload={"crossing": crossing.code, "direction": kind, **data.model_dump(mode="json")},
    )
    return exc


def delete_exception(session: Session, *, crossing: Crossing, exception_id: int) -> None:
    for direction in crossing.directions:
        for exc in direction.exceptions:
            if exc.id == exception_id:
                direction.exceptions.remove(exc)
                session.flush()
                record(
                    session,
                    action="crossing.exception.delete",
                    object_type="schedule_exception",
                    object_id=exception_id,
                    payload={
                        "crossing": crossing.code,
                        "direction": direction.kind,
                        "date_from": str(exc.date_from),
                        "kind": exc.kind,
                    },
                )
                return
    raise ExceptionNotFound(f"{crossing.code} has no schedule exception {exception_id}.")


def add_capacity_rule(
    session: Session, *, crossing: Crossing, kind: DirectionKind, data: CapacityRuleIn
) -> CapacityRule:
    """A capacity change from a date; one on the same date and category replaces it."""
    direction = direction_of(crossing, kind)
    for old in list(direction.capacity_rules):
        if old.category == data.category and old.valid_from == data.valid_from:
            direction.capacity_rules.remove(old)
    session.flush()
    rule = CapacityRule(direction_id=direction.id, **data.model_dump())
    direction.capacity_rules.append(rule)
    session.flush()
    record(
        session,
        action="crossing.capacity",
        object_type="capacity_rule",
        object_id=rule.id,
        payload={"crossing": crossing.code, "direction": kind, **data.model_dump(mode="json")},
    )
    return rule


def update_settings(session: Session, *, crossing: Crossing, data: CrossingSettingsIn) -> Crossing:
    changes = data.model_dump(exclude_none=True)
    before = {k: getattr(crossing, k) for k in changes}
    for key, value in changes.items():
        setattr(crossing, key, value)
    session.flush()
    record(
        session,
        action="crossing.settings",
        object_type="crossing",
        object_id=crossing.id,
        payload={"crossing": crossing.code, "before": before, "after": changes},
    )
    return crossing
