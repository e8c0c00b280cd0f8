"""Crowds of verified carriers and a running server to throw them at.

The crowd is written straight into the database before the server starts: each carrier is a
verified person with a login, one vehicle of its own and money on its account, so every request
of a rush is refused only by the rule under test (capacity, one booking per VIN), never by the
owner's funds or identity.
"""

import asyncio
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import httpx
import support
from booking_support import future_day, vin_for
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from kezek import demo
from kezek.booking.slots import SlotKey, resolve_slot
from kezek.crossings.schedule import capacity_step
from kezek.crossings.schemas import CapacityRuleIn
from kezek.crossings.service import (
    add_capacity_rule,
    capacity_steps,
    direction_of,
    get_crossing,
)
from kezek.db import new_session
from kezek.ledger.service import owner_account, post, system_account
from kezek.models.booking import Booking, BookingStatus, Priority, SlotCounter
from kezek.models.ledger import EntryKind, LedgerEntry, SystemAccount
from kezek.models.vehicle import Vehicle
from kezek.people.tokens import issue_token

SERVER_SECRET = "concurrency-test-secret-not-for-production"
SLOT_DAY_OFFSET = 2
SLOT_HOUR = 10


@dataclass(frozen=True)
class Carrier:
    user_id: int
    person_id: int
    vehicle_id: int
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def make_crowd(engine: Engine, count: int, *, kzt_each: int = 50_000) -> list[Carrier]:
    """`count` verified carriers, each with one truck and `kzt_each` on its account."""
    session = new_session(engine)
    try:
        logins = demo.load_carriers(session, count=count, password="crowd-password-2026")
        top_ups = system_account(session, SystemAccount.TOP_UPS)
        crowd = []
        for n, login in enumerate(logins, start=1):
            vehicle = Vehicle(
                owner_id=login.person_id,
                plate=f"{n:03d}CRW02",
                vin=vin_for(50_000 + n),
                category="truck",
                country="KZ",
            )
            session.add(vehicle)
            session.flush()
            post(
                session,
                event_key=f"crowd-top-up:{login.person_id}",
                kind=EntryKind.TOP_UP,
                debit_account_id=top_ups.id,
                credit_account_id=owner_account(session, party_id=login.person_id).id,
                amount=kzt_each * 100,
            )
            crowd.append(
                Carrier(
                    user_id=login.user_id,
                    person_id=login.person_id,
                    vehicle_id=vehicle.id,
                    token=issue_token(user_id=login.user_id, secret=SERVER_SECRET, minutes=30),
                )
            )
        session.commit()
        return crowd
    finally:
        session.close()


def small_slot(engine: Engine, *, capacity: int, crossing: str = "NUR_ZHOLY") -> SlotKey:
    """The rush's hour, given a small capacity by a capacity rule of that day (as an admin would
    set it), so that the rules and the counter agree on it."""
    day = future_day(SLOT_DAY_OFFSET)
    session = new_session(engine)
    try:
        xing = get_crossing(session, code=crossing)
        direction = direction_of(xing, "exit")
        step = capacity_step(capacity_steps(direction), category="truck", day=day)
        assert step is not None, f"{crossing} takes no trucks"
        add_capacity_rule(
            session,
            crossing=xing,
            kind=direction.kind,
            data=CapacityRuleIn(
                category=step.category,
                valid_from=day,
                daily_limit=step.daily_limit,
                hour_overrides={str(SLOT_HOUR): capacity},
                reason="a small slot for a rush test",
            ),
        )
        session.commit()
        session.refresh(xing)
        slot = resolve_slot(
            crossing=xing,
            direction=direction_of(xing, "exit"),
            day=day,
            hour=SLOT_HOUR,
            category="truck",
            priority=Priority.NORMAL,
            now=datetime.now(UTC),
        )
        key = slot.counter
        assert key.capacity == capacity
        # The counter exists before the rush, so that the claims race on one row rather than
        # on making it.
        session.add(
            SlotCounter(
                direction_id=key.direction_id,
                day=key.day,
                hour=key.hour,
                pool=key.pool,
                capacity=capacity,
                taken=0,
            )
        )
        session.commit()
        return key
    finally:
        session.close()


def booking_json(
    vehicle_id: int, *, crossing: str = "NUR_ZHOLY", day: date | None = None, hour: int = SLOT_HOUR
) -> dict:
    return {
        "vehicle_id": vehicle_id,
        "crossing": crossing,
        "direction": "exit",
        "date": (day or future_day(SLOT_DAY_OFFSET)).isoformat(),
        "hour": hour,
        "cargo_category": "general",
    }


@dataclass(frozen=True)
class Answer:
    status: int
    body: dict[str, Any]
    headers: dict[str, str]


async def _rush(base_url: str, calls: list[tuple[dict, dict[str, str]]], timeout: float):
    limits = httpx.Limits(max_connections=len(calls), max_keepalive_connections=0)
    async with httpx.AsyncClient(base_url=base_url, timeout=timeout, limits=limits) as client:
        start = asyncio.Event()

        async def one(body: dict, headers: dict[str, str]) -> Answer:
            await start.wait()
            r = await client.post("/api/v1/bookings", json=body, headers=headers)
            return Answer(r.status_code, r.json(), dict(r.headers))

        tasks = [asyncio.create_task(one(body, headers)) for body, headers in calls]
        await asyncio.sleep(0.05)  # every task is parked at the start line
        start.set()
        return await asyncio.gather(*tasks)


def rush(base_url: str, calls: list[tuple[dict, dict[str, str]]], *, timeout: float = 60) -> list:
    """POST all booking `calls` at once; an httpx timeout fails the test (it propagates).

    The event loop runs in a thread of its own: the process may already run one (Playwright's
    sync API leaves its loop in the main thread when browser tests ran in this process)."""
    with ThreadPoolExecutor(max_workers=1) as runner:
        return runner.submit(asyncio.run, _rush(base_url, calls, timeout)).result()


# --- the server -----------------------------------------------------------------------------


@contextmanager
def running_server(engine: Engine, workdir: Path, **settings: str) -> Iterator[str]:
    """The server of `engine`'s database, accepting the crowd's tokens; yields the base URL."""
    url = engine.url.render_as_string(hide_password=False)
    with support.running_server(url, workdir, secret_key=SERVER_SECRET, **settings) as base_url:
        yield base_url


# --- what the database holds afterwards -----------------------------------------------------


@dataclass(frozen=True)
class SlotState:
    taken: int
    active_bookings: int
    fee_postings: int
    fee_postings_per_booking: set[int]


def slot_state(engine: Engine, key: SlotKey) -> SlotState:
    session = new_session(engine, readonly=True)
    try:
        taken = session.scalar(
            select(SlotCounter.taken).where(
                SlotCounter.direction_id == key.direction_id,
                SlotCounter.day == key.day,
                SlotCounter.hour == key.hour,
                SlotCounter.pool == key.pool,
            )
        )
        booking_ids = session.scalars(
            select(Booking.id).where(
                Booking.direction_id == key.direction_id,
                Booking.day == key.day,
                Booking.hour == key.hour,
                Booking.status == BookingStatus.ACTIVE,
            )
        ).all()
        fees = session.execute(
            select(LedgerEntry.booking_id, func.count())
            .where(LedgerEntry.kind == EntryKind.BOOKING_FEE)
            .group_by(LedgerEntry.booking_id)
        ).all()
        return SlotState(
            taken=taken or 0,
            active_bookings=len(booking_ids),
            fee_postings=sum(n for _, n in fees),
            fee_postings_per_booking={n for _, n in fees},
        )
    finally:
        session.close()


def ledger_sums_to_zero(engine: Engine) -> bool:
    """Every entry debits one account and credits another by the same amount: the balances of
    all accounts sum to zero by construction; what can break is a one-sided or negative entry."""
    session = new_session(engine, readonly=True)
    try:
        bad = session.scalar(
            select(func.count())
            .select_from(LedgerEntry)
            .where(
                (LedgerEntry.amount <= 0)
                | (LedgerEntry.debit_account_id == LedgerEntry.credit_account_id)
            )
        )
        return bad == 0
    finally:
        session.close()
