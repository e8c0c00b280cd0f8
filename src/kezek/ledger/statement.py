"""An account's statement: its entries, newest first, each with the balance right after it.

Shared by the API (`GET /api/v1/accounts/me/statement`) and the statement page.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session

from kezek.ledger.errors import AccountNotFound
from kezek.ledger.money import to_kzt
from kezek.models.booking import Booking
from kezek.models.ledger import Account, LedgerEntry


@dataclass(frozen=True)
class StatementLine:
    entry_id: int
    at: datetime
    kind: str
    memo: str
    booking_reference: str | None
    amount: int  # signed tiyn: positive credits the account, negative debits it
    balance_after: int  # tiyn

    @property
    def amount_kzt(self) -> str:
        return str(to_kzt(self.amount))

    @property
    def balance_after_kzt(self) -> str:
        return str(to_kzt(self.balance_after))


@dataclass(frozen=True)
class Statement:
    account_id: int
    balance: int  # tiyn, now (over all entries, not only the listed ones)
    total: int  # entries in the period
    lines: list[StatementLine]


def _signed(account_id: int):  # type: ignore[no-untyped-def]
    return case((LedgerEntry.credit_account_id == account_id, LedgerEntry.amount), else_=0) - case(
        (LedgerEntry.debit_account_id == account_id, LedgerEntry.amount), else_=0
    )


def _touches(account_id: int):  # type: ignore[no-untyped-def]
    return (LedgerEntry.credit_account_id == account_id) | (
        LedgerEntry.debit_account_id == account_id
    )


def _balance(session: Session, *, account_id: int) -> int:
    query = select(func.coalesce(func.sum(_signed(account_id)), 0)).where(_touches(account_id))
    return int(session.scalar(query) or 0)


def _period(query: Select, *, since: datetime | None, until: datetime | None) -> Select:  # type: ignore[type-arg]
    if since is not None:
        query = query.where(LedgerEntry.created_at >= since)
    if until is not None:
        query = query.where(LedgerEntry.created_at < until)
    return query


def statement(
    session: Session,
    *,
    account_id: int,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 50,
    offset: int = 0,
) -> Statement:
    """Entries of `account_id` in [since, until), newest first, paged; each line carries the
    running balance after it. Entry ids order the ledger (they grow with every post)."""
    if session.get(Account, account_id) is None:
        raise AccountNotFound(f"No account {account_id}.")
    signed = _signed(account_id)
    # The balance after each entry is summed over all of the account's entries in ledger order,
    # before the period is applied: entry times come from the clocks of the servers that wrote
    # them, so a period's entries need not be neighbours in id order.
    ledger = (
        select(
            LedgerEntry.id.label("entry_id"),
            signed.label("signed"),
            func.sum(signed).over(order_by=LedgerEntry.id).label("balance_after"),
        )
        .where(_touches(account_id))
        .subquery()
    )
    rows = session.execute(
        _period(
            select(LedgerEntry, ledger.c.signed, ledger.c.balance_after, Booking.reference)
            .join(ledger, ledger.c.entry_id == LedgerEntry.id)
            .outerjoin(Booking, Booking.id == LedgerEntry.booking_id),
            since=since,
            until=until,
        )
        .order_by(LedgerEntry.id.desc())
        .limit(limit)
        .offset(offset)
    ).all()
    total = session.scalar(
        _period(
            select(func.count()).select_from(LedgerEntry).where(_touches(account_id)),
            since=since,
            until=until,
        )
    )
    lines = [
        StatementLine(
            entry_id=entry.id,
            at=entry.created_at,
            kind=entry.kind,
            memo=entry.memo,
            booking_reference=reference,
            amount=int(amount),
            balance_after=int(after),
        )
        for entry, amount, after, reference in rows
    ]
    return Statement(
        account_id=account_id,
        balance=_balance(session, account_id=account_id),
        total=int(total or 0),
        lines=lines,
    )
