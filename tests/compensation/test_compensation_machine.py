"""A state machine over unused reservations: random bookings, user cancellations, check-ins,
no-show sweeps, voids on appeal, policy changes and a clock that crosses month boundaries; after
every step each owner's unused reservations and compensations must be what the policy says, and
the ledger must balance.

The model below keeps its own list of events per owner and applies the rules of SPEC "Unused
reservations and compensation" to it (the version of the policy in force at each event, the
Almaty month, the adaptive threshold, each-or-first charging, no-shows charged at once, voiding
refunding the charge it caused). Every operation runs as a request does: one session, committed
on success, rolled back on a refusal. Every example starts from a copy of one prepared database.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from booking.rules_support import new_carrier
from booking_support import vin_for
from hypothesis import HealthCheck, settings
from hypothesis import event as hypothesis_event
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from compensation.compensation_support import almaty
from kezek.booking import service as booking
from kezek.booking.schemas import BookingIn
from kezek.checkpoint.no_shows import sweep_no_shows
from kezek.checkpoint.schemas import ArrivalIn
from kezek.checkpoint.service import check_in
from kezek.clock import ALMATY, add_months, almaty_month
from kezek.compensation.counting import void_unused
from kezek.compensation.policy import PolicyTerms, set_policy
from kezek.crossings.service import get_crossing
from kezek.db import make_engine, new_session
from kezek.errors import AppError
from kezek.ledger.service import balance, owner_account
from kezek.ledger.top_ups import top_up
from kezek.models.compensation import ChargeMode, UnusedReservation
from kezek.models.crossing import DirectionKind
from kezek.models.ledger import Account, EntryKind, LedgerEntry
from kezek.models.party import User
from kezek.models.vehicle import Vehicle

CROSSING = "DOSTYK"  # open 09-21 every day
OWNERS = ("carrier", "comp-b")
VEHICLES_PER_OWNER = 2
MRP = 4325 * 100  # 2026, tiyn
START = almaty(2026, 3, 29, 20)  # two days before a month boundary
FIRST_TERMS = PolicyTerms(monthly_threshold=1)  # reached within a few steps
STARTING_MRP = 300
# Slots the clock cannot overtake before the machine books them: a day or three ahead.
HOURS = (10, 15, 20)

Terms = st.builds(
    PolicyTerms,
    monthly_threshold=st.integers(1, 3),
    amount_mrp=st.sampled_from([0, 1, 100]),
    charge_mode=st.sampled_from(list(ChargeMode)),
    charge_no_show_at_once=st.booleans(),
    adaptive=st.booleans(),
    adaptive_lookback_months=st.integers(1, 3),
)


@dataclass
class World:
    url: str
    crossing_id: int
    arrival: tuple[int, int]  # the crossing's hours early and hours of grace
    user_ids: dict[str, int]
    party_ids: dict[str, int]
    analyst_id: int
    operator_id: int
    vehicles: list[tuple[int, str, str]]  # (id, owner login, plate)


def _prepare(engine: Engine) -> World:
    new_carrier(engine, OWNERS[1], serial=760)
    session = new_session(engine)
    try:
        logins = [*OWNERS, "analyst", "operator"]
        users = {u.login: u for u in session.scalars(select(User).where(User.login.in_(logins)))}
        vehicles = []
        for login in OWNERS:
            for _ in range(VEHICLES_PER_OWNER):
                serial = 8600 + len(vehicles)
                vehicle = Vehicle(
                    owner_id=users[login].person_id,
                    plate=f"{serial}CMP02",
                    vin=vin_for(serial),
                    category="truck",
                    country="KZ",
                )
                session.add(vehicle)
                session.flush()
                vehicles.append((vehicle.id, login, vehicle.plate))
            account = owner_account(session, party_id=users[login].person_id)
            top_up(session, account_id=account.id, amount=STARTING_MRP * MRP, reference=login)
        set_policy(session, crossing_id=None, terms=FIRST_TERMS, now=START)
        crossing = get_crossing(session, code=CROSSING)
        world = World(
            url=engine.url.render_as_string(hide_password=False),
            crossing_id=crossing.id,
            arrival=(crossing.arrival_early_hours, crossing.arrival_grace_hours),
            user_ids={login: u.id for login, u in users.items()},
            party_ids={login: u.person_id for login, u in users.items()},
            analyst_id=users["analyst"].id,
            operator_id=users["operator"].id,
            vehicles=vehicles,
        )
        session.commit()
        return world
    finally:
        session.close()


# --- the model ---------------------------------------------------------------------------------


@dataclass
class ModelBooking:
    id: int
    owner: str
    vehicle: int
    plate: str
    start: datetime  # the slot's start
    window: tuple[datetime, datetime]  # when it may arrive (kezek.booking.service)
    status: str = "active"


@dataclass
class ModelUnused:
    booking_id: int
    kind: str
    month: date
    ordinal: int
    threshold: int
    over: bool
    reason: str | None = None
    amount: int = 0
    refunded: bool = False
    voided: bool = False

    @property
    def charged(self) -> bool:
        return self.reason is not None and not self.refunded


@dataclass
class Version:
    crossing_id: int | None
    since: datetime
    terms: PolicyTerms


@dataclass
class Model:
    versions: list[Version]
    balances: dict[str, int]
    bookings: list[ModelBooking] = field(default_factory=list)
    unused: dict[str, list[ModelUnused]] = field(default_factory=dict)

    def terms_at(self, crossing_id: int, at: datetime) -> PolicyTerms:
        def latest(scope: int | None) -> Version | None:
            found = [v for v in self.versions if v.crossing_id == scope and v.since <= at]
            return found[-1] if found else None

        version = latest(crossing_id) or latest(None)
        assert version is not None
        return version.terms

    def count(self, b: ModelBooking, kind: str, at: datetime, crossing_id: int) -> None:
        terms = self.terms_at(crossing_id, at)
        events = self.unused.setdefault(b.owner, [])
        month = almaty_month(at)
        threshold = terms.monthly_threshold
        since = add_months(month, -terms.adaptive_lookback_months)
        if terms.adaptive and any(
            e.over and not e.voided and since <= e.month < month for e in events
        ):
            threshold = max(terms.adaptive_floor, threshold // terms.adaptive_divisor)
        this_month = [e for e in events if e.month == month]
        ordinal = sum(1 for e in this_month if not e.voided) + 1
        event = ModelUnused(b.id, kind, month, ordinal, threshold, over=ordinal > threshold)
        charged_over = any(e.charged and e.reason == "over_threshold" for e in this_month)
        if event.over and (terms.charge_mode == ChargeMode.EACH or not charged_over):
            event.reason = "over_threshold"
        elif kind == "no_show" and terms.charge_no_show_at_once:
            event.reason = "no_show"
        if event.reason is not None and terms.amount_mrp > 0:
            hypothesis_event(f"charged: {event.reason}")
            event.amount = terms.amount_mrp * MRP
            self.balances[b.owner] -= event.amount
        else:
            event.reason = None
        events.append(event)

    def void(self, owner: str, event: ModelUnused) -> None:
        event.voided = True
        if event.charged:
            self.refund(owner, event)
        if not event.over:
            still_over = [
                e for e in self.unused[owner] if e.month == event.month and e.over and not e.voided
            ]
            if still_over:
                latest = still_over[-1]
                latest.over = False
                if latest.charged and latest.reason == "over_threshold":
                    hypothesis_event("a void refunded a later charge")
                    self.refund(owner, latest)

    def refund(self, owner: str, event: ModelUnused) -> None:
        event.refunded = True
        self.balances[owner] += event.amount


# --- the machine -------------------------------------------------------------------------------


class CompensationMachine(RuleBasedStateMachine):
    world: World
    clone: Callable[[str], str]
    drop: Callable[[str], None]

    def __init__(self) -> None:
        super().__init__()
        self.url = self.clone(self.world.url)
        self.engine = make_engine(self.url)
        self.now = START
        self.model = Model(
            versions=[Version(None, START, FIRST_TERMS)],
            balances={login: STARTING_MRP * MRP for login in OWNERS},
        )
        self.top_ups = 0

    def teardown(self) -> None:
        self.engine.dispose()
        self.drop(self.url)

    def request(self, call: Callable[[Session], Any]) -> str | None:
        """Run `call` as a request: committed, or rolled back with the refusal's code."""
        session = new_session(self.engine)
        try:
            call(session)
            session.commit()
            return None
        except AppError as refused:
            session.rollback()
            return refused.code
        finally:
            session.close()

    def user(self, session: Session, login: str) -> User:
        return session.get_one(User, self.world.user_ids[login])

    # --- rules -----------------------------------------------------------------------------

    @rule(hours=st.sampled_from([1, 3, 7, 20, 50]))
    def time_passes(self, hours: int) -> None:
        self.now += timedelta(hours=hours)

    @precondition(lambda self: any(b.status == "active" for b in self.model.bookings))
    @rule(index=st.integers(0, 20))
    def time_reaches_a_slot(self, index: int) -> None:
        active = [b for b in self.model.bookings if b.status == "active"]
        self.now = max(self.now, active[index % len(active)].start)

    @rule(owner=st.sampled_from(OWNERS), mrps=st.sampled_from([5, 200]))
    def pay_in(self, owner: str, mrps: int) -> None:
        self.top_ups += 1
        reference = f"PAY-{self.top_ups}"
        party = self.world.party_ids[owner]

        def call(session: Session) -> None:
            account = owner_account(session, party_id=party)
            top_up(session, account_id=account.id, amount=mrps * MRP, reference=reference)

        assert self.request(call) is None
        self.model.balances[owner] += mrps * MRP

    VEHICLE = st.integers(0, len(OWNERS) * VEHICLES_PER_OWNER - 1)

    @rule(vehicle=VEHICLE, days=st.integers(1, 3), hour=st.sampled_from(HOURS))
    def book(self, vehicle: int, days: int, hour: int) -> None:
        self.book_slot(vehicle, days, hour)

    @rule(vehicle=VEHICLE, days=st.integers(1, 3), hour=st.sampled_from(HOURS))
    def hoard(self, vehicle: int, days: int, hour: int) -> None:
        """Booked "just in case" and given up at once: the pattern the rule is for."""
        made = self.book_slot(vehicle, days, hour)
        if made is not None:
            self.cancel_booking(made)

    def book_slot(self, vehicle: int, days: int, hour: int) -> ModelBooking | None:
        vid, owner, plate = self.world.vehicles[vehicle]
        day = self.now.astimezone(ALMATY).date() + timedelta(days=days)
        data = BookingIn(
            vehicle_id=vid,
            crossing=CROSSING,
            direction=DirectionKind.EXIT,
            date=day,
            hour=hour,
            cargo_category="general",
        )
        made: list[int] = []

        def call(session: Session) -> None:
            user = self.user(session, owner)
            made.append(booking.create_booking(session, user=user, data=data, now=self.now).id)

        code = self.request(call)
        have = self.model.balances[owner]
        if any(b.vehicle == vid and b.status == "active" for b in self.model.bookings):
            assert code == "vehicle_already_booked", code
        elif have < 0:
            assert code == "debt_outstanding", code
        elif have < MRP:
            assert code == "insufficient_funds", code
        elif code != "slot_closed":  # a holiday closes the post; nothing else may refuse
            assert code is None, code
            start = datetime(day.year, day.month, day.day, hour, tzinfo=ALMATY)
            early, grace = self.world.arrival
            window = (start - timedelta(hours=early), start + timedelta(hours=1 + grace))
            self.model.bookings.append(ModelBooking(made[0], owner, vid, plate, start, window))
            self.model.balances[owner] -= MRP
            return self.model.bookings[-1]
        return None

    @precondition(lambda self: self.model.bookings)
    @rule(index=st.integers(0, 40))
    def cancel(self, index: int) -> None:
        self.cancel_booking(self.model.bookings[index % len(self.model.bookings)])

    def cancel_booking(self, b: ModelBooking) -> None:
        code = self.request(
            lambda s: booking.cancel_booking(
                s, user=self.user(s, b.owner), booking_id=b.id, now=self.now
            )
        )
        if b.status != "active":
            assert code == "booking_not_active", code
        elif self.now > b.window[1]:
            assert code == "arrival_window_closed", code
        else:
            assert code is None, code
            b.status = "cancelled"
            self.model.count(b, "cancellation", self.now, self.world.crossing_id)

    @rule(vehicle=st.integers(0, len(OWNERS) * VEHICLES_PER_OWNER - 1))
    def arrive(self, vehicle: int) -> None:
        """The vehicle at the gate: checked in if one of its bookings' windows holds now."""
        _, _, plate = self.world.vehicles[vehicle]
        arrival = ArrivalIn(crossing=CROSSING, direction=DirectionKind.EXIT, plate=plate)

        def call(session: Session) -> None:
            operator = session.get_one(User, self.world.operator_id)
            check_in(session, user=operator, data=arrival, now=self.now)

        code = self.request(call)
        due = [
            b
            for b in self.model.bookings
            if b.plate == plate and b.status == "active" and b.window[0] <= self.now <= b.window[1]
        ]
        if due:
            assert code is None, code
            due[0].status = "checked_in"
        else:
            assert code is not None

    @rule()
    def sweep(self) -> None:
        assert self.request(lambda s: sweep_no_shows(s, now=self.now)) is None
        missed = sorted(
            (b for b in self.model.bookings if b.status == "active" and b.window[1] < self.now),
            key=lambda b: (b.start, b.id),
        )
        for b in missed:
            b.status = "no_show"
            self.model.count(b, "no_show", self.now, self.world.crossing_id)

    @precondition(lambda self: any(self.model.unused.values()))
    @rule(index=st.integers(0, 40))
    def appeal_accepted(self, index: int) -> None:
        events = [(o, e) for o, es in self.model.unused.items() for e in es]
        owner, event = events[index % len(events)]
        unused_id = self.unused_id(event.booking_id)
        code = self.request(
            lambda s: void_unused(
                s, unused_id=unused_id, reason="appeal", by=self.world.analyst_id, now=self.now
            )
        )
        if event.voided:
            assert code == "already_voided", code
        else:
            assert code is None, code
            self.model.void(owner, event)

    @rule(terms=Terms, for_crossing=st.booleans())
    def policy_changes(self, terms: PolicyTerms, for_crossing: bool) -> None:
        scope = self.world.crossing_id if for_crossing else None
        code = self.request(lambda s: set_policy(s, crossing_id=scope, terms=terms, now=self.now))
        assert code is None, code
        self.model.versions.append(Version(scope, self.now, replace(terms)))

    # --- checks ----------------------------------------------------------------------------

    def unused_id(self, booking_id: int) -> int:
        with self.engine.connect() as conn:
            return conn.execute(
                select(UnusedReservation.id).where(UnusedReservation.booking_id == booking_id)
            ).scalar_one()

    @invariant()
    def charges_are_what_the_policy_says(self) -> None:
        session = new_session(self.engine, readonly=True)
        try:
            rows = {u.booking_id: u for u in session.scalars(select(UnusedReservation))}
            amounts = {
                e.booking_id: e.amount
                for e in session.scalars(
                    select(LedgerEntry).where(LedgerEntry.kind == EntryKind.COMPENSATION)
                )
            }
        finally:
            session.close()
        expected = {e.booking_id: e for es in self.model.unused.values() for e in es}
        assert rows.keys() == expected.keys()
        for booking_id, want in expected.items():
            got = rows[booking_id]
            seen = (
                got.kind,
                got.month,
                got.ordinal,
                got.threshold,
                got.over_threshold,
                got.charge_reason,
                got.refund_entry_id is not None,
                got.voided_at is not None,
                amounts.get(booking_id, 0),
            )
            assert seen == (
                want.kind,
                want.month,
                want.ordinal,
                want.threshold,
                want.over,
                want.reason,
                want.refunded,
                want.voided,
                want.amount,
            ), booking_id

    @invariant()
    def the_ledger_balances(self) -> None:
        session = new_session(self.engine, readonly=True)
        try:
            accounts = list(session.scalars(select(Account.id)))
            total = sum(balance(session, account_id=a) for a in accounts)
            owners = {
                login: balance(session, account_id=owner_account(session, party_id=party).id)
                for login, party in self.world.party_ids.items()
                if login in OWNERS
            }
        finally:
            session.close()
        assert total == 0
        assert owners == self.model.balances


@pytest.fixture
def machine(engine: Engine, templates: Any) -> Iterator[type[CompensationMachine]]:
    world = _prepare(engine)
    engine.dispose()  # PostgreSQL copies a database only while no one is connected to it

    class Machine(CompensationMachine):
        pass

    Machine.world = world
    Machine.clone = staticmethod(templates.clone)
    Machine.drop = staticmethod(templates.drop)
    yield Machine


def test_compensations_are_what_the_policy_says(
    machine: type[CompensationMachine], backend: str
) -> None:
    examples, steps = (15, 30) if backend == "sqlite" else (8, 25)
    machine.TestCase.settings = settings(
        max_examples=examples,
        stateful_step_count=steps,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    machine.TestCase().runTest()
