"""The optional booking deposit (SPEC "Fees and priority passage"): where the policy in force at
a crossing switches it on, each booking holds deposit_mrp MRP from the owner's account in
`held.deposits` when it is made; the deposit goes back on arrival and on any cancellation, and
after a no-show it goes back too, unless the owner has had deposit_forfeit_no_shows no-shows
(this one included) within deposit_window_days: then it is forfeited to the budget.

Exactly once: the hold and its outcome are ledger entries with event keys made from the booking
(`deposit:booking:N`, `deposit-outcome:booking:N`), so whichever of arrival, cancellation or the
no-show sweep comes (or comes again), a deposit is held once and returned or forfeited once.
"""

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kezek.clock import almaty_date
from kezek.compensation.policy import policy_in_force
from kezek.ledger.service import mrp, post, system_account
from kezek.models.booking import Booking, BookingStatus
from kezek.models.ledger import EntryKind, LedgerEntry, SystemAccount


def deposit_due(session: Session, *, crossing_id: int, at: datetime) -> int:
    """The deposit a booking made at `at` at the crossing holds, in tiyn (0: none)."""
    policy = policy_in_force(session, crossing_id=crossing_id, at=at)
    if not policy.deposit_enabled or policy.deposit_mrp <= 0:
        return 0
    return policy.deposit_mrp * mrp(session, on=almaty_date(at))


def hold_deposit(session: Session, booking: Booking, *, account_id: int, amount: int) -> None:
    """Move `amount` (deposit_due's) from the owner's account into held deposits."""
    if amount <= 0:
        return
    post(
        session,
        event_key=f"deposit:booking:{booking.id}",
        kind=EntryKind.DEPOSIT,
        debit_account_id=account_id,
        credit_account_id=system_account(session, SystemAccount.DEPOSITS).id,
        amount=amount,
        booking_id=booking.id,
        memo=f"Deposit held for booking {booking.reference}",
    )


def return_deposit(session: Session, booking: Booking, *, why: str) -> int:
    """Give the booking's deposit back to its owner (arrival, cancellation); tiyn returned."""
    held = _held(session, booking)
    if held is None:
        return 0
    _settle(session, booking, held, forfeit=False, why=why)
    return held.amount


def settle_no_show_deposit(session: Session, booking: Booking, *, at: datetime) -> None:
    """After a no-show: forfeit the deposit if the owner now has enough no-shows in the window,
    otherwise give it back."""
    held = _held(session, booking)
    if held is None:
        return
    policy = policy_in_force(session, crossing_id=booking.crossing_id, at=at)
    since = at - timedelta(days=policy.deposit_window_days)
    no_shows = session.scalar(
        select(func.count())
        .select_from(Booking)
        .where(
            Booking.owner_id == booking.owner_id,
            Booking.status == BookingStatus.NO_SHOW,
            Booking.no_show_at > since,
            Booking.no_show_at <= at,
        )
    )
    forfeit = (no_shows or 0) >= policy.deposit_forfeit_no_shows
    _settle(session, booking, held, forfeit=forfeit, why="no-show")


def _held(session: Session, booking: Booking) -> LedgerEntry | None:
    return session.scalar(
        select(LedgerEntry).where(LedgerEntry.event_key == f"deposit:booking:{booking.id}")
    )


def _settle(
    session: Session, booking: Booking, held: LedgerEntry, *, forfeit: bool, why: str
) -> None:
    target = (
        system_account(session, SystemAccount.FORFEITED_DEPOSITS).id
        if forfeit
        else held.debit_account_id  # the owner's account it came from
    )
    post(
        session,
        event_key=f"deposit-outcome:booking:{booking.id}",
        kind=EntryKind.DEPOSIT_FORFEIT if forfeit else EntryKind.REFUND,
        debit_account_id=held.credit_account_id,
        credit_account_id=target,
        amount=held.amount,
        booking_id=booking.id,
        memo=f"Deposit of booking {booking.reference} "
        + ("forfeited" if forfeit else "returned")
        + f" ({why})",
    )
