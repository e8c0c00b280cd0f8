"""Properties of the ledger: one event, one entry, however often and however concurrently it is
posted; money is whole tiyn (int) inside and Decimal KZT outside, never float; a statement's
running balances are the derived balance; no sequence of top-ups and fees makes or loses money."""

import threading
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from unittest.mock import patch

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from kezek.db import new_session
from kezek.ledger.money import format_kzt, to_kzt, to_tiyn
from kezek.ledger.service import balance, owner_account, post, system_account
from kezek.ledger.statement import statement
from kezek.ledger.top_ups import top_up
from kezek.models.audit import AuditRecord
from kezek.models.ledger import Account, EntryKind, LedgerEntry, SystemAccount
from kezek.models.party import User

DB_SETTINGS = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
TIYN = st.integers(min_value=1, max_value=10**12)
OWNERS = ("carrier", "driver", "intermediary")


def _accounts(session: Session) -> dict[str, int]:
    users = session.scalars(select(User).where(User.login.in_(OWNERS)))
    return {u.login: owner_account(session, party_id=u.person_id).id for u in users}


def _entries(session: Session, key: str) -> int:
    return session.scalar(select(func.count()).where(LedgerEntry.event_key == key)) or 0


# --- one event, one entry ---------------------------------------------------------------------


@DB_SETTINGS
@given(times=st.integers(1, 6), amounts=st.lists(TIYN, min_size=6, max_size=6))
def test_an_event_posted_again_and_again_is_one_entry(
    session: Session, times: int, amounts: list[int]
) -> None:
    """Retries may even carry other amounts (a client bug): the first posting stands."""
    account = _accounts(session)["carrier"]
    income = system_account(session, SystemAccount.BOOKING_FEES).id
    key = f"retry:{uuid.uuid4().hex}"
    before = balance(session, account_id=account)
    ids = {
        post(
            session,
            event_key=key,
            kind=EntryKind.BOOKING_FEE,
            debit_account_id=account,
            credit_account_id=income,
            amount=amounts[n],
        ).id
        for n in range(times)
    }
    assert len(ids) == 1 and _entries(session, key) == 1
    assert balance(session, account_id=account) == before - amounts[0]


def _at_once(count: int, work: Callable[[], Any]) -> list[Any]:
    """Run `work` in `count` threads released together."""
    start = threading.Barrier(count)

    def one() -> Any:
        start.wait()
        return work()

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(lambda _: one(), range(count)))


@pytest.mark.parametrize("threads", [2, 6])
def test_an_event_posted_from_many_sessions_at_once_is_one_entry(
    engine: Engine, threads: int
) -> None:
    setup = new_session(engine)
    account = _accounts(setup)["carrier"]
    income = system_account(setup, SystemAccount.BOOKING_FEES).id
    setup.close()
    key = f"race:{uuid.uuid4().hex}"

    def post_and_commit() -> int:
        session = new_session(engine)
        try:
            entry = post(
                session,
                event_key=key,
                kind=EntryKind.BOOKING_FEE,
                debit_account_id=account,
                credit_account_id=income,
                amount=4325_00,
            )
            session.commit()
            return entry.id
        finally:
            session.close()

    ids = _at_once(threads, post_and_commit)
    check = new_session(engine, readonly=True)
    try:
        assert len(set(ids)) == 1 and _entries(check, key) == 1
    finally:
        check.close()


@pytest.mark.parametrize("threads", [2, 6])
def test_a_payment_recorded_from_many_sessions_at_once_is_credited_once(
    engine: Engine, threads: int
) -> None:
    """One replay-safe top-up: one entry, one footprint, and every caller but one told it was a
    replay."""
    setup = new_session(engine)
    account = _accounts(setup)["carrier"]
    before = balance(setup, account_id=account)
    setup.close()
    reference = f"BANK-{uuid.uuid4().hex[:12]}"

    def pay() -> tuple[int, bool]:
        session = new_session(engine)
        try:
            done = top_up(session, account_id=account, amount=500_00, reference=reference)
            session.commit()
            return done.entry.id, done.replayed
        finally:
            session.close()

    answers = _at_once(threads, pay)
    assert len({entry for entry, _ in answers}) == 1
    assert sorted(replayed for _, replayed in answers) == [False] + [True] * (threads - 1)
    check = new_session(engine, readonly=True)
    try:
        assert _entries(check, f"top_up:{reference}") == 1
        assert balance(check, account_id=account) == before + 500_00
        footprints = check.scalar(
            select(func.count()).where(
                AuditRecord.action == "ledger.top_up", AuditRecord.payload.contains(reference)
            )
        )
        assert footprints == 1
    finally:
        check.close()


# --- whole tiyn inside, Decimal outside -------------------------------------------------------


@given(tiyn=st.integers(min_value=-(10**15), max_value=10**15))
def test_tiyn_and_kzt_convert_exactly_both_ways(tiyn: int) -> None:
    kzt = to_kzt(tiyn)
    assert isinstance(kzt, Decimal) and kzt.as_tuple().exponent == -2
    assert to_tiyn(kzt) == tiyn and isinstance(to_tiyn(kzt), int)
    assert format_kzt(tiyn).endswith(" ₸")


@given(
    kzt=st.decimals(min_value=-(10**9), max_value=10**9, places=3, allow_nan=False).filter(
        lambda d: d * 100 != (d * 100).to_integral_value()
    )
)
def test_a_fraction_of_a_tiyn_is_refused_not_rounded(kzt: Decimal) -> None:
    with pytest.raises(ValueError):
        to_tiyn(kzt)


@given(kzt=st.floats(min_value=-(10**9), max_value=10**9, allow_nan=False))
def test_a_float_is_never_taken_for_money(kzt: float) -> None:
    with pytest.raises(TypeError):
        to_tiyn(kzt)  # type: ignore[arg-type]


# --- random sequences of top-ups and fees -----------------------------------------------------

OPERATIONS = st.lists(
    st.tuples(
        st.sampled_from(["top_up", "fee", "replay"]),
        st.sampled_from(OWNERS),
        st.integers(min_value=1, max_value=10**9),
    ),
    min_size=1,
    max_size=25,
)


@DB_SETTINGS
@given(operations=OPERATIONS, page=st.integers(1, 10), offset=st.integers(0, 10))
def test_top_ups_and_fees_neither_make_nor_lose_money(
    session: Session, operations: list[tuple[str, str, int]], page: int, offset: int
) -> None:
    """Whatever the order (fees may run an account into debt, replays repeat earlier events),
    the balances sum to zero, each is its entries' sum, and statements agree with them."""
    savepoint = session.begin_nested()
    try:
        _run_and_check(session, operations, page=page, offset=offset)
    finally:
        savepoint.rollback()


def _run_and_check(
    session: Session, operations: list[tuple[str, str, int]], *, page: int, offset: int
) -> None:
    accounts = _accounts(session)
    top_ups = system_account(session, SystemAccount.TOP_UPS).id
    income = system_account(session, SystemAccount.BOOKING_FEES).id
    expected = {login: balance(session, account_id=a) for login, a in accounts.items()}
    posted: list[tuple[str, str, bool]] = []  # event key, owner, money in (else a fee)
    for n, (kind, owner, amount) in enumerate(operations):
        if kind == "replay" and posted:
            # The event again, maybe with another amount (a client bug): nothing changes.
            key, owner, into = posted[n % len(posted)]
        else:
            key, into = f"{kind}:{uuid.uuid4().hex}", kind == "top_up"
            posted.append((key, owner, into))
            expected[owner] += amount if into else -amount
        post(
            session,
            event_key=key,
            kind=EntryKind.TOP_UP if into else EntryKind.BOOKING_FEE,
            debit_account_id=top_ups if into else accounts[owner],
            credit_account_id=accounts[owner] if into else income,
            amount=amount,
        )
    all_accounts = list(session.scalars(select(Account.id)))
    assert sum(balance(session, account_id=a) for a in all_accounts) == 0
    for login, account in accounts.items():
        got = balance(session, account_id=account)
        assert isinstance(got, int) and got == expected[login], login
        _check_statement(session, account, page=page, offset=offset)


def _check_statement(session: Session, account: int, *, page: int, offset: int) -> None:
    entries = session.execute(
        select(LedgerEntry.id, LedgerEntry.amount, LedgerEntry.credit_account_id)
        .where(
            (LedgerEntry.credit_account_id == account) | (LedgerEntry.debit_account_id == account)
        )
        .order_by(LedgerEntry.id)
    ).all()
    running, after = 0, {}
    for entry_id, amount, credit in entries:
        running += amount if credit == account else -amount
        after[entry_id] = running
    result = statement(session, account_id=account, limit=page, offset=offset)
    assert result.balance == running == balance(session, account_id=account)
    assert result.total == len(entries)
    for line in result.lines:
        assert isinstance(line.amount, int) and isinstance(line.balance_after, int)
        assert line.balance_after == after[line.entry_id]
        assert Decimal(line.balance_after_kzt) == to_kzt(line.balance_after)


# --- statements of a period when the clocks of two writers disagree ---------------------------

MOMENTS = st.integers(min_value=0, max_value=5)  # seconds after T0


@DB_SETTINGS
@given(
    moves=st.lists(st.tuples(MOMENTS, st.integers(-(10**6), 10**6).filter(bool)), max_size=12),
    since=MOMENTS,
    length=st.integers(1, 6),
)
def test_a_period_statement_shows_the_balance_after_each_entry(
    session: Session, moves: list[tuple[int, int]], since: int, length: int
) -> None:
    """Entry ids order the ledger; the time an entry carries comes from the clock of the server
    that wrote it, and two servers' clocks may disagree by a little. A statement of a period
    still shows, on each line, the balance right after that entry."""
    savepoint = session.begin_nested()
    try:
        account = _accounts(session)["carrier"]
        t0 = datetime(2026, 3, 1, 12, tzinfo=UTC)
        for moment, amount in moves:
            with patch("kezek.ledger.service.utcnow", return_value=t0 + timedelta(seconds=moment)):
                _move(session, account, amount)
        result = statement(
            session,
            account_id=account,
            since=t0 + timedelta(seconds=since),
            until=t0 + timedelta(seconds=since + length),
            limit=100,
        )
        after = _balances_after_each_entry(session, account)
        assert [(line.entry_id, line.balance_after) for line in result.lines] == [
            (line.entry_id, after[line.entry_id]) for line in result.lines
        ]
    finally:
        savepoint.rollback()


def _move(session: Session, account: int, signed: int) -> None:
    other = system_account(
        session, SystemAccount.TOP_UPS if signed > 0 else SystemAccount.BOOKING_FEES
    ).id
    post(
        session,
        event_key=f"move:{uuid.uuid4().hex}",
        kind=EntryKind.TOP_UP if signed > 0 else EntryKind.BOOKING_FEE,
        debit_account_id=other if signed > 0 else account,
        credit_account_id=account if signed > 0 else other,
        amount=abs(signed),
    )


def _balances_after_each_entry(session: Session, account: int) -> dict[int, int]:
    running, after = 0, {}
    for entry_id, amount, credit in session.execute(
        select(LedgerEntry.id, LedgerEntry.amount, LedgerEntry.credit_account_id)
        .where(
            (LedgerEntry.credit_account_id == account) | (LedgerEntry.debit_account_id == account)
        )
        .order_by(LedgerEntry.id)
    ):
        running += amount if credit == account else -amount
        after[entry_id] = running
    return after
