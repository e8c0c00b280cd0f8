"""Capacity drops: when an admin change leaves an hour (or a day's priority quota) with fewer
places than it has active bookings, the bookings that no longer fit move to the nearest free
place in the same direction, or are cancelled with their fees refunded (force majeure, SPEC
"Crossings and slots"). Runs in the admin change's transaction, right after it.

Choices, for the product owner to confirm:
- The bookings that give way are the latest made (first come, first kept): the earlier an owner
  booked, the longer they have planned around the slot.
- Hours already started are left alone: the vehicles are on their way or at the gate, and the
  no-show sweep and the checkpoint handle them.
- "Nearest" is nearest in start time, earlier or later; on a tie the later slot wins (a truck can
  wait for a later slot, it may not make an earlier one). Only slots that could be booked now
  qualify: within the booking horizon and before their booking lead time.
- Priority bookings (out of turn, accelerated) hold a place in their day's quota, a share of the
  day's capacity. The quota is treated like an hour: when the day closes or its capacity drops
  so that the quota is smaller than the priority bookings of the day, the latest made move to
  the nearest day with quota left, else are cancelled and refunded. A priority booking kept in
  its day whose own hour closed is re-timed to the nearest open hour of the day (also a move).
- A move is free and does not count as a reschedule; a cancellation refunds the booking and
  priority fees (reschedule fees the owner chose to pay stay paid).
"""

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from kezek.audit.service import record
from kezek.booking import capacity, rules_lock
from kezek.booking.service import counter_of
from kezek.booking.slots import (
    SlotKey,
    booking_closes_at,
    pool_of_day,
    priority_quota,
    slot_times,
)
from kezek.compensation.deposits import return_deposit
from kezek.crossings.service import horizon_end, local_today
from kezek.db import utcnow
from kezek.ledger.service import post_once
from kezek.models.booking import (
    WHOLE_DAY,
    Booking,
    BookingStatus,
    CancelReason,
    Priority,
    SlotCounter,
)
from kezek.models.crossing import Crossing, Direction
from kezek.models.ledger import EntryKind, LedgerEntry
from kezek.notifications.service import notify

REFUNDED_KINDS = (EntryKind.BOOKING_FEE, EntryKind.PRIORITY_FEE)


@dataclass
class DropTally:
    moved: int = 0
    cancelled: int = 0

    def add(self, other: "DropTally") -> None:
        self.moved += other.moved
        self.cancelled += other.cancelled


@dataclass(frozen=True)
class Place:
    """Where a booking can go: a slot and the counter it would claim there."""

    day: date
    hour: int
    starts_at: datetime
    ends_at: datetime
    counter: SlotKey


@dataclass
class _Plan:
    """What the direction offers now: capacity per day and category, places taken."""

    session: Session
    crossing: Crossing
    direction: Direction
    now: datetime
    taken: dict[tuple[date, int, str], int] = field(default_factory=dict)
    _days: dict[tuple[date, str], tuple[str | None, dict[int, int]]] = field(default_factory=dict)

    def day(self, day: date, category: str) -> tuple[str | None, dict[int, int]]:
        if (day, category) not in self._days:
            self._days[(day, category)] = pool_of_day(self.direction, day=day, category=category)
        return self._days[(day, category)]

    def hour_capacity(self, booking: Booking) -> int:
        """The places the rules give the booking's hour now (0 when closed or its pool is gone)."""
        pool, hours = self.day(booking.day, booking.category)
        return hours.get(booking.hour, 0) if pool == booking.pool else 0

    def quota(self, day: date, category: str, priority: Priority) -> int:
        return priority_quota(self.day(day, category)[1], priority)

    def bookable(self, day: date, hour: int) -> tuple[datetime, datetime] | None:
        starts_at, ends_at = slot_times(self.crossing, day=day, hour=hour)
        closes_at = booking_closes_at(self.crossing, starts_at)
        return (starts_at, ends_at) if self.now <= closes_at else None

    def days_in_horizon(self) -> Iterator[date]:
        day, last = local_today(self.crossing, self.now), horizon_end(self.crossing, self.now)
        while day <= last:
            yield day
            day += timedelta(days=1)

    def free(self, key: SlotKey) -> int:
        return key.capacity - self.taken.get((key.day, key.hour, key.pool), 0)

    def mark_full(self, key: SlotKey) -> None:
        """A claim found no place left: a booking made meanwhile took it."""
        self.taken[(key.day, key.hour, key.pool)] = key.capacity

    def took(self, key: SlotKey, delta: int) -> None:
        index = (key.day, key.hour, key.pool)
        self.taken[index] = self.taken.get(index, 0) + delta


def apply_capacity_drops(
    session: Session, *, crossing: Crossing, now: datetime | None = None
) -> DropTally:
    """Move or cancel the bookings that no longer fit after an admin change to `crossing`."""
    now = now or utcnow()
    # Claims in flight under the old rules commit first; the counts below include them.
    rules_lock.exclusive_for_change(session, crossing_id=crossing.id)
    tally = DropTally()
    for direction in crossing.directions:
        tally.add(_apply_to_direction(session, crossing=crossing, direction=direction, now=now))
    session.flush()
    return tally


def _apply_to_direction(
    session: Session, *, crossing: Crossing, direction: Direction, now: datetime
) -> DropTally:
    plan = _Plan(session, crossing, direction, now, taken=_taken(session, direction.id))
    tally = DropTally()
    for booking, target in _displaced(plan, _upcoming(session, direction.id, now)):
        if _move(plan, booking, target):
            tally.moved += 1
        else:
            _cancel(plan, booking)
            tally.cancelled += 1
    return tally


def _upcoming(session: Session, direction_id: int, now: datetime) -> list[Booking]:
    # Hours already started are not touched (see the module note). The row locks make the
    # owner's cancel, reschedule and the check-in of these bookings wait for this change.
    return list(
        session.scalars(
            select(Booking)
            .where(
                Booking.direction_id == direction_id,
                Booking.status == BookingStatus.ACTIVE,
                Booking.slot_start > now,
            )
            .order_by(Booking.day, Booking.hour, Booking.created_at, Booking.id)
            .with_for_update(of=Booking)
        )
    )


def _taken(session: Session, direction_id: int) -> dict[tuple[date, int, str], int]:
    rows = session.execute(
        select(SlotCounter.day, SlotCounter.hour, SlotCounter.pool, SlotCounter.taken).where(
            SlotCounter.direction_id == direction_id
        )
    )
    return {(day, hour, pool): taken for day, hour, pool, taken in rows}


def _displaced(plan: _Plan, bookings: list[Booking]) -> Iterator[tuple[Booking, bool]]:
    """Each booking that must go, with whether it may stay on its own counter (a priority
    booking kept in its day's quota whose hour closed)."""
    groups: dict[tuple[date, int, str], list[Booking]] = defaultdict(list)
    for booking in bookings:
        key = counter_of(booking)
        groups[(key.day, key.hour, key.pool)].append(booking)
    for (day, hour, pool), group in groups.items():
        if hour == WHOLE_DAY:
            room = plan.quota(day, group[0].category, Priority(pool))
        else:
            room = plan.hour_capacity(group[0])
        # The latest made give way: the group is in booking order, the tail goes.
        kept, excess = group[: max(room, 0)], group[max(room, 0) :]
        for booking in excess:
            yield booking, False
        if hour == WHOLE_DAY:
            for booking in kept:
                if booking.hour not in plan.day(day, booking.category)[1]:
                    yield booking, True


def _candidates(plan: _Plan, booking: Booking, *, same_counter: bool) -> list[Place]:
    """Places the booking could take now, nearest first (on a tie, the later one)."""
    priority = Priority(booking.priority)
    places = []
    for day in plan.days_in_horizon():
        pool, hours = plan.day(day, booking.category)
        if pool is None:
            continue
        if priority != Priority.NORMAL:
            quota = SlotKey(
                plan.direction.id,
                day,
                WHOLE_DAY,
                priority,
                plan.quota(day, booking.category, priority),
            )
            stays = same_counter and day == booking.day
            if not stays and (day == booking.day or plan.free(quota) <= 0):
                continue
        for hour, cap in hours.items():
            times = plan.bookable(day, hour)
            if times is None:
                continue
            key = (
                quota
                if priority != Priority.NORMAL
                else SlotKey(plan.direction.id, day, hour, pool, cap)
            )
            if priority == Priority.NORMAL and plan.free(key) <= 0:
                continue
            places.append(Place(day, hour, times[0], times[1], key))
    places.sort(
        key=lambda p: (abs(p.starts_at - booking.slot_start), p.starts_at < booking.slot_start)
    )
    return places


def _move(plan: _Plan, booking: Booking, same_counter: bool) -> bool:
    """Move to the nearest place still free; False when none is."""
    old = counter_of(booking)
    for place in _candidates(plan, booking, same_counter=same_counter):
        keeps_counter = same_counter and place.day == booking.day
        if not keeps_counter:
            # The claim re-checks the place in its one UPDATE: the plan's count is only a
            # guide, a booking made meanwhile may have taken it.
            if not capacity.claim(plan.session, place.counter):
                plan.mark_full(place.counter)
                continue
            plan.took(place.counter, 1)
            capacity.release(plan.session, old)
            plan.took(old, -1)
        _relocate(plan, booking, place)
        return True
    return False


def _relocate(plan: _Plan, booking: Booking, place: Place) -> None:
    before = {"date": str(booking.day), "hour": booking.hour}
    after = {"date": str(place.day), "hour": place.hour}
    booking.day, booking.hour = place.day, place.hour
    booking.slot_start, booking.slot_end = place.starts_at, place.ends_at
    booking.pool = place.counter.pool
    plan.session.flush()
    what = {
        **_about(booking),
        "before": before,
        "after": after,
        "reason": CancelReason.CAPACITY_DROP,
    }
    _tell(
        plan,
        booking,
        action="booking.capacity_move",
        kind="booking.moved",
        event_key=f"capacity_drop:{booking.id}:{place.day}T{place.hour}:{plan.now.isoformat()}",
        what=what,
    )


def _cancel(plan: _Plan, booking: Booking) -> None:
    old = counter_of(booking)
    capacity.release(plan.session, old)
    plan.took(old, -1)
    booking.status = BookingStatus.CANCELLED
    booking.cancel_reason = CancelReason.CAPACITY_DROP
    booking.cancelled_at = plan.now
    plan.session.flush()
    refunded = refund_fees(plan.session, booking=booking)
    return_deposit(plan.session, booking, why="capacity drop")
    what = {**_about(booking), "reason": CancelReason.CAPACITY_DROP, "refunded_tiyn": refunded}
    _tell(
        plan,
        booking,
        action="booking.capacity_cancel",
        kind="booking.cancelled",
        event_key=f"capacity_drop:{booking.id}:cancelled",
        what=what,
    )


def _tell(
    plan: _Plan, booking: Booking, *, action: str, kind: str, event_key: str, what: dict
) -> None:
    """The footprint of what happened to a booking, and the owner's message about it."""
    record(
        plan.session,
        action=action,
        object_type="booking",
        object_id=booking.id,
        on_behalf_of=booking.owner_id,
        payload=what,
    )
    notify(
        plan.session,
        party_id=booking.owner_id,
        kind=kind,
        event_key=event_key,
        payload=what,
        now=plan.now,
    )


def refund_fees(session: Session, *, booking: Booking) -> int:
    """Give back the booking and priority fees of a booking, once: each refund's event key is
    made from its fee's, so a second call posts nothing. Returns the tiyn refunded in all."""
    fees = session.scalars(
        select(LedgerEntry).where(
            LedgerEntry.booking_id == booking.id, LedgerEntry.kind.in_(REFUNDED_KINDS)
        )
    ).all()
    for fee in fees:
        post_once(
            session,
            event_key=f"refund:{fee.event_key}",
            kind=EntryKind.REFUND,
            debit_account_id=fee.credit_account_id,
            credit_account_id=fee.debit_account_id,
            amount=fee.amount,
            booking_id=booking.id,
            memo=f"refund of {fee.memo} (capacity drop)",
        )
    return sum(fee.amount for fee in fees)


def _about(booking: Booking) -> dict[str, object]:
    return {
        "reference": booking.reference,
        "vehicle": booking.plate,
        "crossing": booking.crossing.code,
        "direction": booking.direction_kind,
        "priority": booking.priority,
    }
