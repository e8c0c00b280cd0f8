"""What a booking action costs, in MRP of the day it happens (Finance Ministry order No. 707)."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from kezek.ledger.service import mrp
from kezek.models.booking import Priority
from kezek.models.ledger import EntryKind, SystemAccount

BOOKING_FEE_MRP = 1
PRIORITY_FEE_MRP = 100
RESCHEDULE_FEE_MRP = 100


@dataclass(frozen=True)
class Fee:
    kind: EntryKind
    income_account: SystemAccount
    amount: int  # tiyn
    memo: str


def booking_fees(session: Session, *, priority: Priority, on: date) -> list[Fee]:
    rate = mrp(session, on=on)
    fees = [
        Fee(
            EntryKind.BOOKING_FEE, SystemAccount.BOOKING_FEES, BOOKING_FEE_MRP * rate, "booking fee"
        )
    ]
    if priority != Priority.NORMAL:
        fees.append(
            Fee(
                EntryKind.PRIORITY_FEE,
                SystemAccount.PRIORITY_FEES,
                PRIORITY_FEE_MRP * rate,
                f"{priority.replace('_', '-')} passage fee",
            )
        )
    return fees


def reschedule_fee(session: Session, *, on: date) -> Fee:
    return Fee(
        EntryKind.RESCHEDULE_FEE,
        SystemAccount.RESCHEDULE_FEES,
        RESCHEDULE_FEE_MRP * mrp(session, on=on),
        "reschedule fee",
    )
