"""A state machine over the booking services: random sequences of top-ups, bookings,
cancellations, reschedules, substitutions, added drivers and capacity changes by an admin, with
the books checked after every step.

Each operation runs as a request does: one session, committed on success, rolled back on a
refusal, whose footprint is then written in a transaction of its own (as kezek.handlers does).
A small model predicts which rule, if any, refuses each operation, so a refusal the rules do not
explain fails as surely as a broken invariant. Every example starts from a copy of one prepared
database; the clock is fixed, so the same steps give the same answers while hypothesis shrinks.
"""

import math
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from booking_support import vin_for
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from booking.rules_support import counters_match_bookings, new_carrier
from kezek.audit.service import record_refusal, verify_chain
from kezek.booking import errors as booking_errors
from kezek.booking import service as booking
from kezek.booking.fees import PRIORITY_FEE_MRP
from kezek.booking.schemas import BookingIn, DriverIn, RescheduleIn, SubstituteIn
from kezek.booking.slots import PRIORITY_QUOTA_SHARE
from kezek.compensation.policy import PolicyTerms, set_policy
from kezek.crossings.schemas import CapacityRuleIn
from kezek.crossings.service import add_capacity_rule, get_crossing, local_today
from kezek.db import make_engine, new_session, utcnow
from kezek.errors import AppError
from kezek.ledger import errors as ledger_errors
from kezek.ledger.service import balance, mrp, owner_account
from kezek.ledger.top_ups import top_up
from kezek.models.audit import AuditRecord
from kezek.models.booking import Booking, BookingStatus, Priority, SlotCounter
from kezek.models.crossing import DirectionKind
from kezek.models.ledger import EntryKind, LedgerEntry
from kezek.models.party import User
from kezek.models.vehicle import Vehicle
from kezek.people.national_id import make_iin

CROSSING = "DOSTYK"  # open 09-21 every day
HOURS = (10, 11)  # small hours, where places run out
BULK_HOUR = 12  # a big hour nobody books here: it sets the day's priority quotas
STARTING_CAPS = {10: 1, 11: 2, BULK_HOUR: 20}  # out-of-turn quota: 5% of 23, one a day
OWNERS = ("carrier", "machine-b", "machine-c")
VEHICLES_PER_OWNER = (2, 2, 1)
DRIVERS = [
    DriverIn(full_name=f"Driver {n}", iin=make_iin(date(1985, 5, 5), 900 + n)) for n in range(4)
]
TOP_UPS_MRP = (1, 2, 101)  # one booking; two; a reschedule and a booking
STARTING_MRP = 203  # two reschedules and three bookings, then top-ups are needed
# An actor is mostly the vehicle's or booking's owner, sometimes one of the other owners.
ACTOR = st.sampled_from([None, None, None, 1, 2])


@dataclass
class World:
    """What the prepared database holds: ids fixed for every copy of it."""

    url: str
    now: datetime
    days: tuple[date, date]
    mrp: int
    user_ids: dict[str, int]
    party_ids: dict[str, int]
    vehicles: list[tuple[int, str, str]]  # (id, owner login, vin)


def _prepare(engine: Engine) -> World:
    for serial, login in enumerate(OWNERS[1:]):
        new_carrier(engine, login, serial=700 + serial)
    session = new_session(engine)
    try:
        now = utcnow()
        crossing = get_crossing(session, code=CROSSING)
        today = local_today(crossing, now)
        rate = mrp(session, on=today)
        days = (today + timedelta(days=2), today + timedelta(days=3))
        users = {u.login: u for u in session.scalars(select(User).where(User.login.in_(OWNERS)))}
        vehicles = []
        for login, count in zip(OWNERS, VEHICLES_PER_OWNER, strict=True):
            for _ in range(count):
                serial = 8000 + len(vehicles)
                vehicle = Vehicle(
                    owner_id=users[login].person_id,
                    plate=f"{serial}MCH02",
                    vin=vin_for(serial),
                    category="truck",
                    country="KZ",
                )
                session.add(vehicle)
                session.flush()
                vehicles.append((vehicle.id, login, vehicle.vin))
            account = owner_account(session, party_id=users[login].person_id)
            top_up(session, account_id=account.id, amount=STARTING_MRP * rate, reference=login)
        for day in days:
            _capacity_rule(session, day=day, caps=STARTING_CAPS)
        # Compensations for unused reservations have their own machine (tests/compensation):
        # here no owner reaches the threshold, so cancelling moves no money.
        set_policy(session, crossing_id=None, terms=PolicyTerms(monthly_threshold=1000), now=now)
        world = World(
            url=engine.url.render_as_string(hide_password=False),
            now=now,
            days=days,
            mrp=rate,
            user_ids={login: u.id for login, u in users.items()},
            party_ids={login: u.person_id for login, u in users.items()},
            vehicles=vehicles,
        )
        session.commit()
        return world
    finally:
        session.close()


def _capacity_rule(session: Session, *, day: date, caps: dict[int, int]) -> None:
    """Only HOURS open for trucks on `day`, with these capacities (a rule from `day` on; the
    next day has its own rule)."""
    add_capacity_rule(
        session,
        crossing=get_crossing(session, code=CROSSING),
        kind=DirectionKind.EXIT,
        data=CapacityRuleIn(
            valid_from=day,
            daily_limit=sum(caps.values()),
            hour_overrides={str(h): c for h, c in caps.items()},
        ),
    )


@dataclass
class ModelBooking:
    id: int
    owner: str
    vehicle_id: int
    day: date
    hour: int
    active: bool = True
    reschedules: int = 0
    drivers: set[int] = field(default_factory=set)
    out_of_turn: bool = False


class Outcome:
    """What one request did: its result, or the refusal it gave."""

    def __init__(self, result: Any = None, refusal: AppError | None = None):
        self.result, self.refusal = result, refusal

    @property
    def code(self) -> str | None:
        return None if self.refusal is None else self.refusal.code


class BookingMachine(RuleBasedStateMachine):
    world: World
    clone: Callable[[str], str]
    drop: Callable[[str], None]

    def __init__(self) -> None:
        super().__init__()
        self.url = self.clone(self.world.url)
        self.engine = make_engine(self.url)
        w = self.world
        self.caps = {(d, h): c for d in w.days for h, c in STARTING_CAPS.items()}
        self.balances = {login: STARTING_MRP * w.mrp for login in OWNERS}
        self.bookings: list[ModelBooking] = []
        self.payments: dict[str, int] = {}
        self.owner_of = {vid: login for vid, login, _ in w.vehicles}

    def teardown(self) -> None:
        self.engine.dispose()
        self.drop(self.url)

    # --- the request wrapper ---------------------------------------------------------------

    def request(self, action: str, call: Callable[[Session], Any]) -> Outcome:
        """Run `call` as an API request would: commit it, or roll back and footprint the refusal;
        check that a refusal left money, places and bookings exactly as they were."""
        before, seq = self.snapshot(), self.last_seq()
        session = new_session(self.engine)
        try:
            result = call(session)
            session.commit()
            return Outcome(result=result)
        except AppError as err:
            session.rollback()
            record_refusal(self.engine, action=action, reason=err.code)
            assert self.snapshot() == before, f"refused {action} ({err.code}) changed the books"
            trail = self.footprints_after(seq)
            assert [(r.action, r.outcome) for r in trail] == [(action, "refused")]
            assert err.code in trail[0].payload
            return Outcome(refusal=err)
        finally:
            session.close()

    def snapshot(self) -> tuple[Any, ...]:
        with self.engine.connect() as conn:
            entries = conn.execute(select(LedgerEntry.id).order_by(LedgerEntry.id)).all()
            counters = conn.execute(
                select(SlotCounter.id, SlotCounter.taken, SlotCounter.capacity).order_by(
                    SlotCounter.id
                )
            ).all()
            rows = conn.execute(
                select(
                    Booking.id,
                    Booking.status,
                    Booking.day,
                    Booking.hour,
                    Booking.vehicle_id,
                    Booking.reschedule_count,
                ).order_by(Booking.id)
            ).all()
        return tuple(entries), tuple(counters), tuple(rows)

    def last_seq(self) -> int:
        with self.engine.connect() as conn:
            return conn.scalar(select(func.coalesce(func.max(AuditRecord.seq), 0))) or 0

    def footprints_after(self, seq: int) -> list[AuditRecord]:
        session = new_session(self.engine, readonly=True)
        try:
            query = select(AuditRecord).where(AuditRecord.seq > seq).order_by(AuditRecord.seq)
            return list(session.scalars(query))
        finally:
            session.close()

    def user(self, session: Session, login: str) -> User:
        return session.get_one(User, self.world.user_ids[login])

    # --- the model's view ------------------------------------------------------------------

    def active_in(self, day: date, hour: int) -> int:
        """Normal bookings holding a place in the hour (priority ones come on top)."""
        return sum(
            1
            for b in self.bookings
            if b.active and not b.out_of_turn and (b.day, b.hour) == (day, hour)
        )

    def out_of_turn_on(self, day: date) -> int:
        return sum(1 for b in self.bookings if b.active and b.out_of_turn and b.day == day)

    def quota(self, day: date) -> int:
        total = sum(c for (d, _), c in self.caps.items() if d == day)
        return math.floor(total * PRIORITY_QUOTA_SHARE[Priority.OUT_OF_TURN])

    def place_taken(self, b: ModelBooking | None, day: date, hour: int) -> bool:
        """Whether the rules refuse a place at (day, hour) to `b` (None: a new normal booking);
        a priority booking moving within its day keeps its place in the day's quota."""
        if b is not None and b.out_of_turn:
            return day != b.day and self.out_of_turn_on(day) >= self.quota(day)
        return self.active_in(day, hour) >= self.caps[(day, hour)]

    def vehicle_busy(self, vehicle_id: int) -> bool:
        return any(b.active and b.vehicle_id == vehicle_id for b in self.bookings)

    def actor(self, other: int | None, owner: str) -> str:
        """The owner, or the `other`-th owner after them."""
        return OWNERS[(OWNERS.index(owner) + (other or 0)) % len(OWNERS)]

    def pick(self, index: int) -> ModelBooking:
        return self.bookings[index % len(self.bookings)]

    def expect(self, outcome: Outcome, expected: type[AppError] | None) -> None:
        want = None if expected is None else expected.code
        assert outcome.code == want, (
            f"expected {want or 'success'}, got {outcome.code}: "
            f"{outcome.refusal and outcome.refusal.detail}"
        )

    # --- rules -----------------------------------------------------------------------------

    @rule(owner=st.sampled_from(OWNERS), mrps=st.sampled_from(TOP_UPS_MRP), replay=st.booleans())
    def pay_in(self, owner: str, mrps: int, replay: bool) -> None:
        """A payment credited once per reference; a replayed reference with other details is
        refused."""
        amount = mrps * self.world.mrp
        if replay and self.payments:
            reference = sorted(self.payments)[0]
        else:
            reference = f"PAY-{len(self.payments) + 1}"
        party = self.world.party_ids[owner]

        def call(session: Session) -> Any:
            account = owner_account(session, party_id=party)
            return top_up(session, account_id=account.id, amount=amount, reference=reference)

        known = self.payments.get(reference)
        outcome = self.request("ledger.top_up", call)
        if known is None:
            self.expect(outcome, None)
            self.payments[reference] = party * 10**15 + amount  # who and how much, in one key
            self.balances[owner] += amount
        elif known == party * 10**15 + amount:
            self.expect(outcome, None)
            assert outcome.result.replayed
        else:
            self.expect(outcome, ledger_errors.TopUpReferenceUsed)

    @rule(
        actor=ACTOR,
        vehicle=st.integers(0, sum(VEHICLES_PER_OWNER) - 1),
        day=st.integers(0, 1),
        hour=st.sampled_from(HOURS),
        out_of_turn=st.sampled_from([False, False, False, True]),
    )
    def book(self, actor: int | None, vehicle: int, day: int, hour: int, out_of_turn: bool) -> None:
        vid, owner, _ = self.world.vehicles[vehicle]
        actor_login = self.actor(actor, owner)
        slot = (self.world.days[day], hour)
        data = BookingIn(
            vehicle_id=vid,
            crossing=CROSSING,
            direction=DirectionKind.EXIT,
            date=slot[0],
            hour=hour,
            cargo_category="perishable" if out_of_turn else "general",
            priority=Priority.OUT_OF_TURN if out_of_turn else Priority.NORMAL,
            cargo_declaration="DECL-1" if out_of_turn else None,
        )
        fees = (1 + (PRIORITY_FEE_MRP if out_of_turn else 0)) * self.world.mrp
        outcome = self.request(
            "booking.create",
            lambda s: (
                booking.create_booking(
                    s, user=self.user(s, actor_login), data=data, now=self.world.now
                ).id
            ),
        )
        if actor_login != owner:
            expected: type[AppError] | None = booking_errors.NotAuthorizedForVehicle
        elif out_of_turn and self.out_of_turn_on(slot[0]) >= self.quota(slot[0]):
            expected = booking_errors.QuotaFull
        elif not out_of_turn and self.place_taken(None, *slot):
            expected = booking_errors.SlotFull
        elif self.vehicle_busy(vid):
            expected = booking_errors.VehicleAlreadyBooked
        elif self.balances[owner] < fees:
            expected = booking_errors.InsufficientFunds
        else:
            expected = None
        self.expect(outcome, expected)
        if expected is None:
            made = ModelBooking(outcome.result, owner, vid, *slot, out_of_turn=out_of_turn)
            self.bookings.append(made)
            self.balances[owner] -= fees
            self.assert_within_capacity(made)

    @precondition(lambda self: self.bookings)
    @rule(actor=ACTOR, index=st.integers(0, 50))
    def cancel(self, actor: int | None, index: int) -> None:
        b = self.pick(index)
        actor_login = self.actor(actor, b.owner)
        outcome = self.request(
            "booking.cancel",
            lambda s: booking.cancel_booking(
                s, user=self.user(s, actor_login), booking_id=b.id, now=self.world.now
            ),
        )
        self.expect(outcome, self.common_refusal(actor_login, b))
        if outcome.refusal is None:
            b.active = False

    @precondition(lambda self: self.bookings)
    @rule(
        actor=ACTOR,
        index=st.integers(0, 50),
        day=st.integers(0, 1),
        hour=st.sampled_from(HOURS),
    )
    def reschedule(self, actor: int | None, index: int, day: int, hour: int) -> None:
        b = self.pick(index)
        actor_login = self.actor(actor, b.owner)
        slot = (self.world.days[day], hour)
        outcome = self.request(
            "booking.reschedule",
            lambda s: booking.reschedule_booking(
                s,
                user=self.user(s, actor_login),
                booking_id=b.id,
                data=RescheduleIn(date=slot[0], hour=hour),
                now=self.world.now,
            ),
        )
        fee = 100 * self.world.mrp
        expected = self.common_refusal(actor_login, b)
        if expected is None and slot == (b.day, b.hour):
            expected = booking_errors.SameSlot
        elif expected is None and self.place_taken(b, *slot):
            expected = booking_errors.QuotaFull if b.out_of_turn else booking_errors.SlotFull
        elif expected is None and self.balances[b.owner] < fee:
            expected = booking_errors.InsufficientFunds
        self.expect(outcome, expected)
        if expected is None:
            # A priority booking moving within its day claims nothing: it keeps its place in the
            # day's quota, even when a lowered quota no longer covers it (moving that excess is
            # the capacity-drop step's work, which this machine's raw rule changes do not run).
            claimed = not (b.out_of_turn and slot[0] == b.day)
            b.day, b.hour = slot
            b.reschedules += 1
            self.balances[b.owner] -= fee
            if claimed:
                self.assert_within_capacity(b)

    @precondition(lambda self: self.bookings)
    @rule(
        actor=ACTOR,
        index=st.integers(0, 50),
        vehicle=st.integers(0, sum(VEHICLES_PER_OWNER) - 1),
    )
    def substitute(self, actor: int | None, index: int, vehicle: int) -> None:
        b = self.pick(index)
        actor_login = self.actor(actor, b.owner)
        vid, owner, _ = self.world.vehicles[vehicle]
        outcome = self.request(
            "booking.substitute",
            lambda s: booking.substitute_vehicle(
                s,
                user=self.user(s, actor_login),
                booking_id=b.id,
                data=SubstituteIn(vehicle_id=vid, reason="broke down"),
            ),
        )
        expected = self.common_refusal(actor_login, b)
        if expected is None and owner != b.owner:
            expected = booking_errors.NotSameOwner
        elif expected is None and vid == b.vehicle_id:
            expected = booking_errors.SameSlot
        elif expected is None and self.vehicle_busy(vid):
            expected = booking_errors.VehicleAlreadyBooked
        self.expect(outcome, expected)
        if expected is None:
            b.vehicle_id = vid

    @precondition(lambda self: self.bookings)
    @rule(actor=ACTOR, index=st.integers(0, 50), driver=st.integers(0, 3))
    def add_driver(self, actor: int | None, index: int, driver: int) -> None:
        b = self.pick(index)
        actor_login = self.actor(actor, b.owner)
        outcome = self.request(
            "booking.add_driver",
            lambda s: booking.add_driver(
                s, user=self.user(s, actor_login), booking_id=b.id, data=DRIVERS[driver]
            ),
        )
        expected = self.common_refusal(actor_login, b)
        if expected is None and driver in b.drivers:
            expected = booking_errors.DriverAlreadyAdded
        elif expected is None and len(b.drivers) >= booking.MAX_DRIVERS:
            expected = booking_errors.TooManyDrivers
        self.expect(outcome, expected)
        if expected is None:
            b.drivers.add(driver)

    @rule(
        day=st.integers(0, 1),
        first=st.integers(0, 3),
        second=st.integers(0, 3),
        bulk=st.sampled_from([0, 20, 40]),
    )
    def change_capacity(self, day: int, first: int, second: int, bulk: int) -> None:
        """An admin lowers or raises the hours of a day (a lane closes or opens), and with them
        the day's priority quota."""
        caps = {**dict(zip(HOURS, (first, second), strict=True)), BULK_HOUR: bulk}
        on = self.world.days[day]
        outcome = self.request("crossing.capacity", lambda s: _capacity_rule(s, day=on, caps=caps))
        self.expect(outcome, None)
        for hour, cap in caps.items():
            self.caps[(on, hour)] = cap

    def assert_within_capacity(self, b: ModelBooking) -> None:
        """The place just claimed was within what the rules gave the hour, or the day's quota."""
        if b.out_of_turn:
            assert self.out_of_turn_on(b.day) <= self.quota(b.day)
        else:
            assert self.active_in(b.day, b.hour) <= self.caps[(b.day, b.hour)]

    def common_refusal(self, actor: str, b: ModelBooking) -> type[AppError] | None:
        """The refusals every change of an existing booking checks first, in the service's
        order: someone else's booking is invisible; a finished one cannot change."""
        if actor != b.owner:
            return booking_errors.BookingNotFound
        if not b.active:
            return booking_errors.BookingNotActive
        return None

    # --- invariants ------------------------------------------------------------------------

    @invariant()
    def books_add_up(self) -> None:
        session = new_session(self.engine, readonly=True)
        try:
            self.check_places(session)
            self.check_money(session)
            self.check_fees(session)
            result = verify_chain(session)
            assert result.ok, result
        finally:
            session.close()

    def check_places(self, session: Session) -> None:
        # Counters equal the active bookings holding them, and never exceed their capacity.
        assert counters_match_bookings(session) == []
        double = session.execute(
            select(Booking.vin, Booking.direction_kind)
            .where(Booking.status == BookingStatus.ACTIVE)
            .group_by(Booking.vin, Booking.direction_kind)
            .having(func.count() > 1)
        ).all()
        assert double == []
        active = session.execute(
            select(Booking.day, Booking.hour, Booking.priority, func.count())
            .where(Booking.status == BookingStatus.ACTIVE)
            .group_by(Booking.day, Booking.hour, Booking.priority)
        ).all()
        modelled = Counter(
            (b.day, b.hour, Priority.OUT_OF_TURN if b.out_of_turn else Priority.NORMAL)
            for b in self.bookings
            if b.active
        )
        assert {(d, h, p): n for d, h, p, n in active} == modelled

    def check_money(self, session: Session) -> None:
        entries = session.execute(
            select(LedgerEntry.debit_account_id, LedgerEntry.credit_account_id, LedgerEntry.amount)
        ).all()
        derived: dict[int, int] = {}
        for debit, credit, amount in entries:
            # Each entry is one pair: the same positive amount out of one account into another.
            assert amount > 0 and debit != credit
            derived[debit] = derived.get(debit, 0) - amount
            derived[credit] = derived.get(credit, 0) + amount
        assert sum(derived.values()) == 0
        owners = {
            login: owner_account(session, party_id=party).id
            for login, party in self.world.party_ids.items()
        }
        # Accounts without entries are left out: one balance query each would be most of the run.
        for account_id in derived.keys() | owners.values():
            assert balance(session, account_id=account_id) == derived.get(account_id, 0)
        assert {login: derived.get(a, 0) for login, a in owners.items()} == self.balances

    def check_fees(self, session: Session) -> None:
        counts = {
            (booking_id, kind): n
            for booking_id, kind, n in session.execute(
                select(LedgerEntry.booking_id, LedgerEntry.kind, func.count())
                .where(LedgerEntry.booking_id.is_not(None))
                .group_by(LedgerEntry.booking_id, LedgerEntry.kind)
            )
        }
        for b in self.bookings:
            assert counts.get((b.id, EntryKind.BOOKING_FEE)) == 1, b
            assert counts.get((b.id, EntryKind.RESCHEDULE_FEE), 0) == b.reschedules, b
            assert counts.get((b.id, EntryKind.PRIORITY_FEE), 0) == int(b.out_of_turn), b
        assert sum(counts.values()) == sum(1 + b.reschedules + b.out_of_turn for b in self.bookings)


@pytest.fixture
def machine(engine: Engine, templates: Any) -> Iterator[type[BookingMachine]]:
    world = _prepare(engine)
    engine.dispose()  # PostgreSQL copies a database only while no one is connected to it

    class Machine(BookingMachine):
        pass

    Machine.world = world
    Machine.clone = staticmethod(templates.clone)
    Machine.drop = staticmethod(templates.drop)
    yield Machine


def test_booking_books_always_add_up(machine: type[BookingMachine], backend: str) -> None:
    examples, steps = (20, 25) if backend == "sqlite" else (12, 20)
    machine.TestCase.settings = settings(
        max_examples=examples,
        stateful_step_count=steps,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    machine.TestCase().runTest()
