"""Counting unused reservations and charging the compensation, in the transaction of the event.

    record_unused(session, booking, kind=..., at=...)   a user cancellation or a no-show
    void_unused(session, unused_id=..., reason=..., by=...)   an analyst's decision on appeal
    owner_threshold(session, owner_id=..., month=..., policy=...)
    month_counter(session, owner_id=..., month=...)     "4 of 10 used"

The rules (SPEC "Unused reservations and compensation"): each owner's unused reservations are
counted per Almaty calendar month; one beyond the owner's threshold costs the policy's amount in
MRP of the event's date (every such one, or only the first of the month, by the policy), and a
no-show may be charged at once whatever the count. An owner who went over the threshold in any
of the last months (3 by default) gets the threshold divided (by 2, floor 1).

Exactly once: one row per booking (unique booking_id) and one ledger entry per row (its event
key), and the owner's account row is locked first, so two events of one owner are counted one
after the other, never both as the 10th.
"""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kezek.audit.service import record
from kezek.clock import add_months, almaty_date, almaty_month
from kezek.compensation.errors import AlreadyVoided, UnusedNotFound
from kezek.compensation.policy import policy_in_force
from kezek.db import utcnow
from kezek.ledger.money import format_kzt
from kezek.ledger.service import mrp, owner_account, post, system_account
from kezek.models.booking import Booking
from kezek.models.compensation import (
    ChargeMode,
    ChargeReason,
    CompensationPolicy,
    UnusedKind,
    UnusedReservation,
)
from kezek.models.ledger import EntryKind, LedgerEntry, SystemAccount
from kezek.notifications.service import notify


def record_unused(
    session: Session, booking: Booking, *, kind: UnusedKind, at: datetime
) -> UnusedReservation:
    """Count `booking` as unused (its caller has just cancelled it for the user, or marked it a
    no-show) and charge the compensation the policy in force at `at` asks for. A second call
    for the same booking returns the first row and charges nothing more."""
    account = owner_account(session, party_id=booking.owner_id, lock=True)
    existing = _of_booking(session, booking.id)
    if existing is not None:
        return existing
    month = almaty_month(at)
    policy = policy_in_force(session, crossing_id=booking.crossing_id, at=at)
    threshold = owner_threshold(session, owner_id=booking.owner_id, month=month, policy=policy)
    ordinal = _counted(session, owner_id=booking.owner_id, month=month) + 1
    over = ordinal > threshold
    unused = UnusedReservation(
        booking_id=booking.id,
        owner_id=booking.owner_id,
        vehicle_id=booking.vehicle_id,
        crossing_id=booking.crossing_id,
        kind=kind,
        occurred_at=at,
        month=month,
        policy_id=policy.id,
        ordinal=ordinal,
        threshold=threshold,
        over_threshold=over,
    )
    session.add(unused)
    session.flush()
    reason = _charge_reason(session, unused, policy)
    record(
        session,
        action="compensation.count",
        object_type="booking",
        object_id=booking.id,
        on_behalf_of=booking.owner_id,
        payload={
            "reference": booking.reference,
            "kind": str(kind),
            "month": month.isoformat(),
            "ordinal": ordinal,
            "threshold": threshold,
            "policy": policy.id,
        },
    )
    if reason is not None and policy.amount_mrp > 0:
        _charge(session, unused, policy=policy, reason=reason, account_id=account.id)
    return unused


def owner_threshold(
    session: Session, *, owner_id: int, month: date, policy: CompensationPolicy
) -> int:
    """The owner's threshold in `month` under `policy`: lowered for a repeat offender (over the
    threshold in any of the policy's look-back months before `month`)."""
    if not policy.adaptive or policy.adaptive_lookback_months < 1:
        return policy.monthly_threshold
    since = add_months(month, -policy.adaptive_lookback_months)
    went_over = session.scalar(
        select(func.count())
        .select_from(UnusedReservation)
        .where(
            UnusedReservation.owner_id == owner_id,
            UnusedReservation.month >= since,
            UnusedReservation.month < month,
            UnusedReservation.over_threshold.is_(True),
            UnusedReservation.voided_at.is_(None),
        )
    )
    if not went_over:
        return policy.monthly_threshold
    return max(policy.adaptive_floor, policy.monthly_threshold // policy.adaptive_divisor)


@dataclass(frozen=True)
class MonthCounter:
    """An owner's month so far: `used` counted unused reservations of `threshold`."""

    month: date
    used: int
    threshold: int
    charged_kzt: int  # tiyn charged this month and not refunded


def month_counter(
    session: Session, *, owner_id: int, month: date | None = None, crossing_id: int | None = None
) -> MonthCounter:
    """The owner's counter for `month` (this Almaty month by default), with the threshold the
    policy in force now (the global one, or `crossing_id`'s) gives them."""
    month = month or almaty_month()
    policy = policy_in_force(session, crossing_id=crossing_id, at=utcnow())
    charged = (
        select(func.coalesce(func.sum(LedgerEntry.amount), 0))
        .join(UnusedReservation, UnusedReservation.charge_entry_id == LedgerEntry.id)
        .where(
            UnusedReservation.owner_id == owner_id,
            UnusedReservation.month == month,
            UnusedReservation.refund_entry_id.is_(None),
        )
    )
    return MonthCounter(
        month=month,
        used=_counted(session, owner_id=owner_id, month=month),
        threshold=owner_threshold(session, owner_id=owner_id, month=month, policy=policy),
        charged_kzt=int(session.scalar(charged) or 0),
    )


def void_unused(
    session: Session, *, unused_id: int, reason: str, by: int, now: datetime | None = None
) -> UnusedReservation:
    """Void an unused reservation (an appeal accepted): it no longer counts, and the charge it
    caused is refunded: its own, or, if it was within the threshold, the latest charge of its
    month over the threshold (with one fewer counted, that one is no longer over)."""
    unused = session.get(UnusedReservation, unused_id)
    if unused is None:
        raise UnusedNotFound()
    account = owner_account(session, party_id=unused.owner_id, lock=True)
    session.refresh(unused)  # as it is now that the owner's events wait for us
    if unused.voided_at is not None:
        raise AlreadyVoided()
    unused.voided_at, unused.voided_by, unused.void_reason = now or utcnow(), by, reason
    session.flush()
    if unused.charged:
        _refund(session, unused, account_id=account.id, why=reason)
    if not unused.over_threshold:
        _shift_over_threshold(session, unused, account_id=account.id, why=reason)
    record(
        session,
        action="compensation.void",
        object_type="booking",
        object_id=unused.booking_id,
        on_behalf_of=unused.owner_id,
        payload={"unused": unused.id, "reason": reason},
    )
    return unused


def month_has_charge(session: Session, unused: UnusedReservation) -> bool:
    """Whether the owner pays a compensation (charged, not refunded) in `unused`'s month: then
    voiding it (charged itself or counted before a charged one) refunds one."""
    return any(u.charged for u in _of_month(session, owner_id=unused.owner_id, month=unused.month))


def _shift_over_threshold(
    session: Session, voided: UnusedReservation, *, account_id: int, why: str
) -> None:
    later_over = [
        u
        for u in _of_month(session, owner_id=voided.owner_id, month=voided.month)
        if u.over_threshold and u.voided_at is None
    ]
    if not later_over:
        return
    latest = later_over[-1]
    latest.over_threshold = False
    session.flush()
    if latest.charged and latest.charge_reason == ChargeReason.OVER_THRESHOLD:
        _refund(session, latest, account_id=account_id, why=why)


def _charge_reason(
    session: Session, unused: UnusedReservation, policy: CompensationPolicy
) -> ChargeReason | None:
    first_over = not _month_has_over_charge(session, unused)
    if unused.over_threshold and (policy.charge_mode == ChargeMode.EACH or first_over):
        return ChargeReason.OVER_THRESHOLD
    if unused.kind == UnusedKind.NO_SHOW and policy.charge_no_show_at_once:
        return ChargeReason.NO_SHOW
    return None


def _month_has_over_charge(session: Session, unused: UnusedReservation) -> bool:
    return any(
        u.charged and u.charge_reason == ChargeReason.OVER_THRESHOLD and u.id != unused.id
        for u in _of_month(session, owner_id=unused.owner_id, month=unused.month)
    )


def _charge(
    session: Session,
    unused: UnusedReservation,
    *,
    policy: CompensationPolicy,
    reason: ChargeReason,
    account_id: int,
) -> None:
    booking = unused.booking
    amount = policy.amount_mrp * mrp(session, on=almaty_date(unused.occurred_at))
    entry = post(
        session,
        event_key=f"compensation:booking:{booking.id}",
        kind=EntryKind.COMPENSATION,
        debit_account_id=account_id,
        credit_account_id=system_account(session, SystemAccount.COMPENSATIONS).id,
        amount=amount,
        booking_id=booking.id,
        memo=f"Compensation for the unused reservation {booking.reference} ({unused.kind})",
    )
    unused.charge_entry_id, unused.charge_reason = entry.id, reason
    session.flush()
    notify(
        session,
        party_id=unused.owner_id,
        kind="compensation.charged",
        event_key=f"compensation.charged:{unused.id}",
        payload={
            "reference": booking.reference,
            "amount": format_kzt(amount),
            "reason": str(reason),
            "ordinal": unused.ordinal,
            "threshold": unused.threshold,
            "month": unused.month.isoformat(),
        },
    )
    record(
        session,
        action="compensation.charge",
        object_type="booking",
        object_id=booking.id,
        on_behalf_of=unused.owner_id,
        payload={"unused": unused.id, "amount": amount, "reason": str(reason)},
    )


def _refund(session: Session, unused: UnusedReservation, *, account_id: int, why: str) -> None:
    amount = _charged_amount(session, unused)
    entry = post(
        session,
        event_key=f"compensation-refund:booking:{unused.booking_id}",
        kind=EntryKind.REFUND,
        debit_account_id=system_account(session, SystemAccount.COMPENSATIONS).id,
        credit_account_id=account_id,
        amount=amount,
        booking_id=unused.booking_id,
        memo=f"Compensation refunded: {why}"[:300],
    )
    unused.refund_entry_id = entry.id
    session.flush()
    notify(
        session,
        party_id=unused.owner_id,
        kind="compensation.refunded",
        event_key=f"compensation.refunded:{unused.id}",
        payload={"reference": unused.booking.reference, "amount": format_kzt(amount)},
    )


def _charged_amount(session: Session, unused: UnusedReservation) -> int:
    entry = session.get(LedgerEntry, unused.charge_entry_id)
    return entry.amount if entry is not None else 0


def _counted(session: Session, *, owner_id: int, month: date) -> int:
    return int(
        session.scalar(
            select(func.count())
            .select_from(UnusedReservation)
            .where(
                UnusedReservation.owner_id == owner_id,
                UnusedReservation.month == month,
                UnusedReservation.voided_at.is_(None),
            )
        )
        or 0
    )


def _of_month(session: Session, *, owner_id: int, month: date) -> list[UnusedReservation]:
    return list(
        session.scalars(
            select(UnusedReservation)
            .where(UnusedReservation.owner_id == owner_id, UnusedReservation.month == month)
            .order_by(UnusedReservation.id)
        )
    )


def _of_booking(session: Session, booking_id: int) -> UnusedReservation | None:
    return session.scalar(
        select(UnusedReservation).where(UnusedReservation.booking_id == booking_id)
    )
