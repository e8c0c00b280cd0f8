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


def _balance_up_to(session: Session, *, account_id: int, entry_id: int | None) -> int:
    """The balance right after entry `entry_id` (all entries when None)."""
    query = select(func.coalesce(func.sum(_signed(account_id)), 0)).where(_touches(account_id))
    if entry_id is not None:
        query = query.where(LedgerEntry.id <= entry_id)
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
    rows = session.execute(
        _period(
            select(LedgerEntry, signed.label("signed"), Booking.reference)
            .outerjoin(Booking, Booking.id == LedgerEntry.booking_id)
            .where(_touches(account_id)),
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
    lines: list[StatementLine] = []
    # One sum for the newest listed line; older lines step back by their own amounts.
    running = _balance_up_to(session, account_id=account_id, entry_id=rows[0][0].id) if rows else 0
    for entry, amount, reference in rows:
        lines.append(
            StatementLine(
                entry_id=entry.id,
                at=entry.created_at,
                kind=entry.kind,
                memo=entry.memo,
                booking_reference=reference,
                amount=int(amount),
                balance_after=running,
            )
        )
        running -= int(amount)
    return Statement(
        account_id=account_id,
        balance=_balance_up_to(session, account_id=account_id, entry_id=None),
        total=int(total or 0),
        lines=lines,
    )
