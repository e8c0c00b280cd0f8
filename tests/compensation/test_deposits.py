"""The optional deposit: where the policy switches it on, a booking holds 20 MRP that comes back
on arrival or cancellation, and after a no-show unless it is the owner's second in 90 days."""

from datetime import timedelta

import pytest
from checkpoint_support import book_slot, this_hour
from sqlalchemy import select

from compensation.compensation_support import MRP_2026_TIYN, balance_of, cancel
from kezek.checkpoint.no_shows import sweep_no_shows
from kezek.checkpoint.schemas import ArrivalIn
from kezek.checkpoint.service import check_in
from kezek.compensation.policy import PolicyTerms, set_policy
from kezek.db import new_session
from kezek.errors import AppError
from kezek.ledger.service import balance, system_account
from kezek.models.booking import Booking
from kezek.models.ledger import EntryKind, LedgerEntry, SystemAccount
from kezek.models.party import User

DEPOSIT = 20 * MRP_2026_TIYN


@pytest.fixture(autouse=True)
def deposits_on(engine):
    """Deposits on everywhere, as a version in force since long before the tests' bookings."""
    session = new_session(engine)
    try:
        terms = PolicyTerms(deposit_enabled=True, monthly_threshold=1000)
        set_policy(session, crossing_id=None, terms=terms, now=this_hour() - timedelta(days=200))
        session.commit()
    finally:
        session.close()


def held(engine) -> int:
    session = new_session(engine, readonly=True)
    try:
        return balance(session, account_id=system_account(session, SystemAccount.DEPOSITS).id)
    finally:
        session.close()


def forfeited(engine) -> int:
    session = new_session(engine, readonly=True)
    try:
        code = SystemAccount.FORFEITED_DEPOSITS
        return balance(session, account_id=system_account(session, code).id)
    finally:
        session.close()


def arrive(engine, booking_id: int, at) -> None:
    session = new_session(engine)
    try:
        booking = session.get_one(Booking, booking_id)
        operator = session.scalars(select(User).where(User.login == "operator")).one()
        data = ArrivalIn(crossing=booking.crossing.code, direction="exit", plate=booking.plate)
        check_in(session, user=operator, data=data, now=at)
        session.commit()
    finally:
        session.close()


def sweep(engine, at) -> None:
    session = new_session(engine)
    try:
        sweep_no_shows(session, now=at)
        session.commit()
    finally:
        session.close()


def test_a_booking_holds_the_deposit_and_arrival_returns_it(engine, fleet):
    fleet.top_up(kzt=200_000)
    before = balance_of(engine)
    start = this_hour() + timedelta(hours=2)
    booking = book_slot(engine, fleet.vehicle(), starts_at=start)
    assert balance_of(engine) == before - MRP_2026_TIYN - DEPOSIT
    assert held(engine) == DEPOSIT
    arrive(engine, booking, start)
    assert balance_of(engine) == before - MRP_2026_TIYN and held(engine) == 0


def test_a_cancellation_returns_the_deposit_once(engine, fleet):
    fleet.top_up(kzt=200_000)
    before = balance_of(engine)
    booking = book_slot(engine, fleet.vehicle(), starts_at=this_hour() + timedelta(hours=30))
    cancel(engine, booking, now=this_hour())
    assert balance_of(engine) == before - MRP_2026_TIYN and held(engine) == 0
    session = new_session(engine, readonly=True)
    try:
        outcomes = session.scalars(
            select(LedgerEntry).where(LedgerEntry.event_key == f"deposit-outcome:booking:{booking}")
        ).all()
    finally:
        session.close()
    assert [e.kind for e in outcomes] == [EntryKind.REFUND]


def test_the_second_no_show_in_90_days_forfeits_its_deposit(engine, fleet):
    fleet.top_up(kzt=200_000)
    truck = fleet.vehicle()
    first = book_slot(engine, truck, starts_at=this_hour() - timedelta(hours=30))
    sweep(engine, this_hour())
    assert held(engine) == 0 and forfeited(engine) == 0  # the first: returned
    second = book_slot(engine, truck, starts_at=this_hour() - timedelta(hours=10))
    sweep(engine, this_hour() + timedelta(minutes=1))
    assert held(engine) == 0 and forfeited(engine) == DEPOSIT  # the second: to the budget
    assert first != second


def test_without_money_for_fee_and_deposit_the_booking_is_refused(engine, fleet):
    fleet.top_up(kzt=10_000)  # the fee (4,325) but not the deposit (86,500)
    with pytest.raises(AppError) as refused:
        book_slot(engine, fleet.vehicle(), starts_at=this_hour() + timedelta(hours=30))
    assert refused.value.code == "insufficient_funds"
