"""Which places a booking may take: the slot rules of a crossing, pure where they can be."""

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from kezek.booking.errors import BookingClosed, CrossingInactive, SlotClosed
from kezek.crossings.errors import CategoryNotServed, OutsideHorizon
from kezek.crossings.schedule import capacity_step
from kezek.crossings.service import capacity_steps, day_capacity, horizon_end, local_today
from kezek.models.booking import WHOLE_DAY, Priority
from kezek.models.crossing import Crossing, Direction

# Out-of-turn and accelerated passage: a share of the day's capacity, on top of the hourly slots.
PRIORITY_QUOTA_SHARE = {Priority.OUT_OF_TURN: 0.05, Priority.ACCELERATED: 0.01}


@dataclass(frozen=True)
class SlotKey:
    """The capacity counter a booking claims: an hour's pool, or a day's priority quota."""

    direction_id: int
    day: date
    hour: int
    pool: str
    capacity: int


@dataclass(frozen=True)
class Slot:
    day: date
    hour: int
    starts_at: datetime
    ends_at: datetime
    counter: SlotKey


def slot_times(crossing: Crossing, *, day: date, hour: int) -> tuple[datetime, datetime]:
    start = datetime(day.year, day.month, day.day, hour, tzinfo=ZoneInfo(crossing.timezone))
    return start, start + timedelta(hours=1)


def booking_closes_at(crossing: Crossing, starts_at: datetime) -> datetime:
    """When booking (or moving a booking into) the slot starting at `starts_at` ends."""
    return starts_at - timedelta(minutes=crossing.booking_lead_minutes)


def priority_quota(hours: dict[int, int], priority: Priority) -> int:
    """Places of a day's quota for out-of-turn or accelerated passage (hours: capacity per open
    hour of the day)."""
    return math.floor(sum(hours.values()) * PRIORITY_QUOTA_SHARE[priority])


def resolve_slot(
    *,
    crossing: Crossing,
    direction: Direction,
    day: date,
    hour: int,
    category: str,
    priority: Priority,
    now: datetime,
) -> Slot:
    """The slot asked for, or the refusal that names the rule it breaks."""
    if not crossing.is_active:
        raise CrossingInactive(f"{crossing.code} does not take bookings now.")
    first, last = local_today(crossing, now), horizon_end(crossing, now)
    if not first <= day <= last:
        raise OutsideHorizon(
            f"{crossing.code} can be booked from {first} to {last}; {day} is outside."
        )
    pool, hours = pool_of_day(direction, day=day, category=category)
    if pool is None:
        raise CategoryNotServed(f"{crossing.code} has no capacity set for {category}.")
    if hour not in hours:
        open_list = ", ".join(f"{h:02d}:00" for h in hours) or "none"
        raise SlotClosed(f"{crossing.code} is closed at {hour:02d}:00 on {day}; open: {open_list}.")
    starts_at, ends_at = slot_times(crossing, day=day, hour=hour)
    closes_at = booking_closes_at(crossing, starts_at)
    if now > closes_at:
        raise BookingClosed(
            f"Booking for {day} {hour:02d}:00 closed {crossing.booking_lead_minutes} minutes "
            "before the slot starts."
        )
    if priority == Priority.NORMAL:
        counter = SlotKey(direction.id, day, hour, pool, hours[hour])
    else:
        quota = priority_quota(hours, priority)
        counter = SlotKey(direction.id, day, WHOLE_DAY, str(priority), quota)
    return Slot(day, hour, starts_at, ends_at, counter)


def pool_of_day(
    direction: Direction, *, day: date, category: str
) -> tuple[str | None, dict[int, int]]:
    """The capacity pool a category counts against on `day` (its own, or the all-category one),
    with the capacity of each open hour."""
    step = capacity_step(capacity_steps(direction), category=category, day=day)
    if step is None:
        return None, {}
    return step.category, day_capacity(direction, day=day, category=category)
