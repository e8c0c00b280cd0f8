"""Helpers for the booking rule tests: people, crossings set small, debts, and the checks that
every test ends with (a balanced ledger, counters that match the bookings)."""

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import case, func, select
from sqlalchemy.engine import Engine
from support import footprints

from kezek.db import new_session
from kezek.demo import DEMO_PASSWORD
from kezek.ledger.service import owner_account, post, system_account
from kezek.models.booking import WHOLE_DAY, Booking, BookingStatus, SlotCounter
from kezek.models.ledger import Account, LedgerEntry, SystemAccount
from kezek.models.party import IdentityStatus, User
from kezek.people.national_id import make_bin, make_iin
from kezek.people.schemas import CompanyIn, RegistrationIn
from kezek.people.service import register, set_identity_status

MRP_2026_TIYN = 4325_00


def new_carrier(
    engine: Engine, login: str, *, serial: int, verified: bool = True, company: bool = False
) -> None:
    """A carrier login of a new person (and company), verified or not."""
    session = new_session(engine)
    try:
        data = RegistrationIn(
            login=login,
            password=DEMO_PASSWORD,
            full_name=f"Test {login}",
            iin=make_iin(date(1980, 1, 1), 500 + serial),
            company=CompanyIn(bin=make_bin(date(2016, 3, 1), 500 + serial), name=f"{login} LLP")
            if company
            else None,
        )
        user = register(session, data=data, self_service=False)
        if verified:
            set_identity_status(session, person=user.person, status=IdentityStatus.VERIFIED)
        session.commit()
    finally:
        session.close()


def put_in_debt(engine: Engine, login: str, tiyn: int) -> None:
    """Debit the person's account beyond its balance, as an unpaid compensation would."""
    session = new_session(engine)
    try:
        user = session.scalars(select(User).where(User.login == login)).one()
        post(
            session,
            event_key=f"test-debt:{user.person_id}:{tiyn}",
            kind="compensation",
            debit_account_id=owner_account(session, party_id=user.person_id).id,
            credit_account_id=system_account(session, SystemAccount.TOP_UPS).id,
            amount=tiyn,
        )
        session.commit()
    finally:
        session.close()


def set_capacity(
    client: TestClient,
    admin: dict[str, str],
    *,
    crossing: str = "DOSTYK",
    direction: str = "exit",
    daily_limit: int,
    category: str = "truck",
    valid_from: date,
) -> None:
    r = client.post(
        f"/api/v1/crossings/{crossing}/directions/{direction}/capacity",
        json={
            "category": category,
            "valid_from": valid_from.isoformat(),
            "daily_limit": daily_limit,
        },
        headers=admin,
    )
    assert r.status_code == 201, r.text


def refusal_codes(engine: Engine, *, after: int, action: str | None = None) -> list[str]:
    """The rule codes of refused attempts written to the trail since `after`."""
    import json

    rows = footprints(engine, after=after, outcome="refused")
    return [json.loads(r.payload)["reason"] for r in rows if action is None or r.action == action]


def balance_of(engine: Engine, party_id: int) -> int:
    session = new_session(engine, readonly=True)
    try:
        from kezek.ledger.service import balance

        return balance(session, account_id=owner_account(session, party_id=party_id).id)
    finally:
        session.close()


def person_id(engine: Engine, login: str) -> int:
    session = new_session(engine, readonly=True)
    try:
        return session.scalars(select(User.person_id).where(User.login == login)).one()
    finally:
        session.close()


@pytest.fixture(autouse=True)
def books_balance_after_each_test(request: pytest.FixtureRequest) -> Iterator[None]:
    """After every test that used a database: check_books, unless the test is marked
    `breaks_books` (it shows the books break without a safeguard)."""
    # Asked for before the test, so that the database outlives this check.
    engine = request.getfixturevalue("engine") if "engine" in request.fixturenames else None
    yield
    if engine is not None and not request.node.get_closest_marker("breaks_books"):
        check_books(engine)


def check_books(engine: Engine) -> None:
    """What every booking test ends with: money and places add up.

    - every entry moves a positive amount between two different accounts, so the balances of
      all accounts sum to zero;
    - the fee income equals the fees recorded against bookings;
    - every counter's `taken` equals the active bookings holding a place on it, within capacity.
    """
    session = new_session(engine, readonly=True)
    try:
        bad = session.scalar(
            select(func.count()).where(
                (LedgerEntry.amount <= 0)
                | (LedgerEntry.debit_account_id == LedgerEntry.credit_account_id)
            )
        )
        assert bad == 0
        fee_accounts = session.scalars(
            select(Account.id).where(
                Account.code.in_(
                    [
                        SystemAccount.BOOKING_FEES,
                        SystemAccount.PRIORITY_FEES,
                        SystemAccount.RESCHEDULE_FEES,
                    ]
                )
            )
        ).all()
        income = session.scalar(
            select(func.coalesce(func.sum(LedgerEntry.amount), 0)).where(
                LedgerEntry.credit_account_id.in_(fee_accounts)
            )
        )
        booked_fees = session.scalar(
            select(func.coalesce(func.sum(LedgerEntry.amount), 0)).where(
                LedgerEntry.booking_id.is_not(None),
                LedgerEntry.credit_account_id.in_(fee_accounts),
            )
        )
        assert income == booked_fees
        assert counters_match_bookings(session) == []
    finally:
        session.close()


# A no-show keeps its place: its hour has passed, nobody else could use it (checkpoint.no_shows).
HOLDING_A_PLACE = [BookingStatus.ACTIVE, BookingStatus.CHECKED_IN, BookingStatus.NO_SHOW]


def counters_match_bookings(session: Any) -> list[str]:
    """Counters whose `taken` differs from the count of active bookings holding them (or exceeds
    their capacity), and active bookings with no counter: one query each side, whatever the size.

    A normal booking holds its hour's counter in its pool; a priority booking its day's quota,
    whose pool is its priority."""
    held = case((Booking.priority == "normal", Booking.hour), else_=WHOLE_DAY)
    active = {
        tuple(key): n
        for *key, n in session.execute(
            select(Booking.direction_id, Booking.day, held, Booking.pool, func.count())
            .where(Booking.status.in_(HOLDING_A_PLACE))
            .group_by(Booking.direction_id, Booking.day, held, Booking.pool)
        )
    }
    problems = []
    for c in session.scalars(select(SlotCounter)):
        holding = active.pop((c.direction_id, c.day, c.hour, c.pool), 0)
        if holding != c.taken or c.taken > c.capacity:
            problems.append(f"{c.day} {c.hour} {c.pool}: taken {c.taken}, active {holding}")
    problems += [
        f"{day} {hour} {pool}: {n} active, no counter" for (_, day, hour, pool), n in active.items()
    ]
    return problems
