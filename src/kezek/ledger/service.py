"""Posting to the ledger and reading balances. Services flush; the caller commits."""

from datetime import date

from sqlalchemy import case, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from kezek.db import utcnow
from kezek.ledger.errors import MrpUnknown
from kezek.models.ledger import Account, AccountKind, LedgerEntry, MrpRate, SystemAccount


def open_owner_account(session: Session, *, party_id: int) -> Account:
    """The account of a new party (people.service calls this when a party is created)."""
    account = Account(kind=AccountKind.OWNER, party_id=party_id)
    session.add(account)
    session.flush()
    return account


def owner_account(session: Session, *, party_id: int, lock: bool = False) -> Account:
    """The account of a party; with lock=True, held until commit (see lock note below)."""
    query = select(Account).where(Account.party_id == party_id)
    if lock:
        # Fees are checked against the balance and then debited: the row lock makes that
        # check-then-debit one step per owner, so two bookings cannot both spend the last tenge.
        query = query.with_for_update()
    account = session.scalar(query)
    if account is None:  # a party made before the ledger existed and missed by the migration
        account = open_owner_account(session, party_id=party_id)
    return account


def system_account(session: Session, code: SystemAccount) -> Account:
    return session.scalars(select(Account).where(Account.code == code)).one()


def balance(session: Session, *, account_id: int) -> int:
    """Credits minus debits, in tiyn."""
    signed = case(
        (LedgerEntry.credit_account_id == account_id, LedgerEntry.amount), else_=0
    ) - case((LedgerEntry.debit_account_id == account_id, LedgerEntry.amount), else_=0)
    total = session.scalar(
        select(func.coalesce(func.sum(signed), 0)).where(
            (LedgerEntry.credit_account_id == account_id)
            | (LedgerEntry.debit_account_id == account_id)
        )
    )
    return int(total or 0)


def mrp(session: Session, *, on: date) -> int:
    """The MRP in force on a date, in tiyn."""
    rate = session.get(MrpRate, on.year)
    if rate is None:
        raise MrpUnknown(f"No MRP is set for {on.year}; an administrator must add it.")
    return rate.amount


def post(
    session: Session,
    *,
    event_key: str,
    kind: str,
    debit_account_id: int,
    credit_account_id: int,
    amount: int,
    booking_id: int | None = None,
    memo: str = "",
    created_by: int | None = None,
) -> LedgerEntry:
    """Move `amount` tiyn for one business event, once: a second call with the same event_key
    returns the entry already made instead of posting again (the unique key decides, so this
    holds across retries and concurrent workers alike)."""
    entry, _ = post_once(
        session,
        event_key=event_key,
        kind=kind,
        debit_account_id=debit_account_id,
        credit_account_id=credit_account_id,
        amount=amount,
        booking_id=booking_id,
        memo=memo,
        created_by=created_by,
    )
    return entry


def post_once(
    session: Session,
    *,
    event_key: str,
    kind: str,
    debit_account_id: int,
    credit_account_id: int,
    amount: int,
    booking_id: int | None = None,
    memo: str = "",
    created_by: int | None = None,
) -> tuple[LedgerEntry, bool]:
    """As post(), also saying whether this call made the entry (False: it existed already)."""
    values = {
        "event_key": event_key,
        "kind": kind,
        "debit_account_id": debit_account_id,
        "credit_account_id": credit_account_id,
        "amount": amount,
        "booking_id": booking_id,
        "memo": memo[:300],
        "created_by": created_by,
    }
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = (
        insert(LedgerEntry)
        .values(**values, created_at=utcnow())
        .on_conflict_do_nothing(index_elements=["event_key"])
        .returning(LedgerEntry.id)
    )
    # On a conflict nothing is inserted and RETURNING yields no row.
    made = session.execute(statement).scalar() is not None
    entry = session.scalars(select(LedgerEntry).where(LedgerEntry.event_key == event_key)).one()
    return entry, made


def entries_of(
    session: Session, *, account_id: int, limit: int = 200, offset: int = 0
) -> list[LedgerEntry]:
    return list(
        session.scalars(
            select(LedgerEntry)
            .where(
                (LedgerEntry.credit_account_id == account_id)
                | (LedgerEntry.debit_account_id == account_id)
            )
            .order_by(LedgerEntry.id.desc())
            .limit(limit)
            .offset(offset)
        )
    )
