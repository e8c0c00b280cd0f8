"""The MRP (monthly calculation index) of each year, set by law and stored as data.

Rule for changes: a year not set yet may always be set (the budget law of a coming year, or one
forgotten); an existing value may be changed only while its year has not started in Kazakhstan,
since from its first day fees and compensations are charged at it and the ledger keeps them.
Setting the value a year already has changes nothing and writes no footprint.
"""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session

from kezek.audit.service import record
from kezek.clock import ALMATY
from kezek.ledger.errors import InvalidMrp, MrpYearStarted
from kezek.ledger.money import to_kzt, to_tiyn
from kezek.models.ledger import MrpRate

# Kazakhstan keeps one time zone; a year starts on 1 January there.
LAW_ZONE = ALMATY  # the law counts years by the capital's calendar
FIRST_YEAR, LAST_YEAR = 2000, 2100
MAX_MRP_TIYN = 1_000_000 * 100  # far above any MRP (4,325 KZT in 2026): a typing error


@dataclass(frozen=True)
class MrpChange:
    year: int
    amount: int  # tiyn
    previous: int | None
    changed: bool


def mrp_in_tiyn(kzt: Decimal) -> int:
    """An amount in KZT as tiyn; fractions of a tiyn are refused, not rounded."""
    try:
        return to_tiyn(kzt)
    except (ValueError, InvalidOperation):
        raise InvalidMrp("An MRP in KZT has at most two decimal places.") from None


def list_mrp(session: Session) -> list[MrpRate]:
    return list(session.scalars(select(MrpRate).order_by(MrpRate.year)))


def set_mrp(session: Session, *, year: int, amount: int, today: date | None = None) -> MrpChange:
    """Set the MRP of `year` to `amount` tiyn, under the rule of this module."""
    _check(year, amount)
    today = today or datetime.now(LAW_ZONE).date()
    rate = session.get(MrpRate, year)
    previous = rate.amount if rate else None
    if previous == amount:
        return MrpChange(year, amount, previous, changed=False)
    if rate is None:
        session.add(MrpRate(year=year, amount=amount))
    elif year <= today.year:
        raise MrpYearStarted(
            f"The MRP of {year} is {to_kzt(previous or 0)} KZT and the year has started: fees are "
            "already charged at it, so it cannot change."
        )
    else:
        rate.amount = amount
    session.flush()
    record(
        session,
        action="ledger.mrp_set",
        object_type="mrp_rate",
        object_id=year,
        payload={"year": year, "amount": amount, "previous": previous},
    )
    return MrpChange(year, amount, previous, changed=True)


def _check(year: int, amount: int) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise InvalidMrp(f"The year must be from {FIRST_YEAR} to {LAST_YEAR}.")
    if not 0 < amount <= MAX_MRP_TIYN:
        raise InvalidMrp("The MRP must be positive and at most 1,000,000 KZT.")
