"""Ledger API: my balances and statements; operators find accounts and record top-ups."""

from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Query, status
from fastapi.responses import JSONResponse
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from kezek.booking.authorization import acting_party_ids
from kezek.clock import ALMATY
from kezek.deps import AdminUser, CurrentUser, DbSession, require_roles
from kezek.errors import AppError, Busy, Forbidden, NotAuthenticated, error_responses
from kezek.idempotency import (
    IdempotencyInProgress,
    IdempotencyKeyHeader,
    IdempotencyKeyReused,
    request_fingerprint,
    run_idempotent,
)
from kezek.ledger.errors import (
    AccountNotFound,
    InvalidAmount,
    InvalidMrp,
    MrpYearStarted,
    TopUpReferenceUsed,
)
from kezek.ledger.money import to_kzt
from kezek.ledger.mrp import MrpChange, mrp_in_tiyn, set_mrp
from kezek.ledger.schemas import (
    AccountOut,
    MrpIn,
    MrpOut,
    StatementLineOut,
    StatementOut,
    TopUpIn,
    TopUpOut,
)
from kezek.ledger.service import balance
from kezek.ledger.statement import statement
from kezek.ledger.top_ups import amount_in_tiyn, top_up
from kezek.models.ledger import Account
from kezek.models.party import Party, Role, User

router = APIRouter(prefix="/api/v1/accounts", tags=["accounts"])

Staff = Annotated[User, require_roles(Role.OPERATOR, Role.ADMIN)]
Fingerprint = Annotated[str, Depends(request_fingerprint)]
STAFF_ROLES = frozenset({Role.OPERATOR, Role.ADMIN})
# Statement dates are calendar days at the border (Kazakhstan, UTC+5).
LOCAL_TZ = ALMATY


def _account_out(session: Session, account: Account, party: Party) -> AccountOut:
    amount = balance(session, account_id=account.id)
    return AccountOut(
        account_id=account.id,
        party_id=party.id,
        party_kind=party.kind,
        party_name=party.full_name,
        national_id=party.national_id,
        balance_tiyn=amount,
        balance_kzt=str(to_kzt(amount)),
    )


def _accounts_of(session: Session, party_ids: list[int]) -> list[AccountOut]:
    rows = session.execute(
        select(Account, Party)
        .join(Party, Party.id == Account.party_id)
        .where(Account.party_id.in_(party_ids))
        .order_by(Account.id)
    ).all()
    return [_account_out(session, account, party) for account, party in rows]


@router.get("/me", response_model=list[AccountOut], responses=error_responses(NotAuthenticated))
def my_accounts(session: DbSession, user: CurrentUser) -> list[AccountOut]:
    """My balance and the balance of each company I represent; a debt is negative."""
    return _accounts_of(session, acting_party_ids(session, user=user))


def _readable_account_id(session: Session, *, user: User, account_id: int | None) -> int:
    """My own account by default; staff may read any account, others only their parties'."""
    mine = acting_party_ids(session, user=user)
    if account_id is None:
        account = session.scalar(select(Account).where(Account.party_id == user.person_id))
    else:
        account = session.get(Account, account_id)
        if account is not None and not (user.roles & STAFF_ROLES) and account.party_id not in mine:
            account = None  # someone else's account: as if it did not exist
    if account is None:
        raise AccountNotFound(f"No account {account_id} of yours.")
    return account.id


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=LOCAL_TZ).astimezone(UTC)


@router.get(
    "/me/statement",
    response_model=StatementOut,
    responses=error_responses(NotAuthenticated, AccountNotFound),
)
def my_statement(
    session: DbSession,
    user: CurrentUser,
    account_id: int | None = None,
    from_: Annotated[date | None, Query(alias="from")] = None,
    to: date | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> StatementOut:
    """The entries of my account (or `account_id` of a company I represent), newest first, with
    the running balance after each; `from` and `to` are inclusive days in Kazakhstan time."""
    result = statement(
        session,
        account_id=_readable_account_id(session, user=user, account_id=account_id),
        since=_start_of(from_) if from_ else None,
        until=_start_of(to + timedelta(days=1)) if to else None,
        limit=limit,
        offset=offset,
    )
    return StatementOut(
        account_id=result.account_id,
        balance_tiyn=result.balance,
        balance_kzt=str(to_kzt(result.balance)),
        total=result.total,
        limit=limit,
        offset=offset,
        lines=[
            StatementLineOut(
                entry_id=line.entry_id,
                at=line.at,
                kind=line.kind,
                memo=line.memo,
                booking_reference=line.booking_reference,
                amount_tiyn=line.amount,
                amount_kzt=line.amount_kzt,
                balance_after_tiyn=line.balance_after,
                balance_after_kzt=line.balance_after_kzt,
            )
            for line in result.lines
        ],
    )


def _parties_by_national_id(session: Session, national_id: str) -> list[Party]:
    """IIN or BIN (12 digits), or a passport number with or without its country."""
    value = national_id.strip().upper().replace(" ", "").replace(":", "")
    if value.isdigit():
        match = or_(Party.iin == value, Party.bin == value)
    else:
        country, number = (value[:2], value[2:]) if value[:2].isalpha() else (None, value)
        match = or_(
            Party.passport_number == value,
            (Party.passport_country == country) & (Party.passport_number == number),
        )
    return list(session.scalars(select(Party).where(match).order_by(Party.id)))


@router.get(
    "",
    response_model=list[AccountOut],
    responses=error_responses(NotAuthenticated, Forbidden),
)
def find_accounts(
    session: DbSession,
    user: Staff,
    national_id: Annotated[str, Query(min_length=3, max_length=40)],
) -> list[AccountOut]:
    """Operators and admins: the account of a person or company, by IIN, BIN or passport."""
    parties = _parties_by_national_id(session, national_id)
    return _accounts_of(session, [p.id for p in parties])


@router.post(
    "/{account_id}/top-ups",
    response_model=TopUpOut,
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(
        NotAuthenticated,
        Forbidden,
        AccountNotFound,
        InvalidAmount,
        TopUpReferenceUsed,
        IdempotencyKeyReused,
        IdempotencyInProgress,
        Busy,
    ),
)
def record_top_up(
    account_id: int,
    body: TopUpIn,
    session: DbSession,
    user: Staff,
    fingerprint: Fingerprint,
    idempotency_key: IdempotencyKeyHeader = None,
) -> JSONResponse:
    """Operators and admins: credit a payment to an owner account, once per payment reference
    (the same reference again returns the first top-up, `replayed: true`)."""

    def act() -> TopUpOut:
        amount = amount_in_tiyn(kzt=body.amount_kzt, tiyn=body.amount_tiyn)
        made = top_up(
            session,
            account_id=account_id,
            amount=amount,
            reference=body.payment_reference,
            memo=body.memo,
            user_id=user.id,
        )
        now = balance(session, account_id=account_id)
        return TopUpOut(
            entry_id=made.entry.id,
            account_id=account_id,
            amount_tiyn=made.entry.amount,
            amount_kzt=str(to_kzt(made.entry.amount)),
            payment_reference=body.payment_reference,
            created_at=made.entry.created_at,
            balance_tiyn=now,
            balance_kzt=str(to_kzt(now)),
            replayed=made.replayed,
        )

    try:
        return run_idempotent(
            session,
            user_id=user.id,
            key=idempotency_key,
            fingerprint=fingerprint,
            status_code=201,
            action=act,
        )
    except AppError as err:
        err.audit_action = "ledger.top_up"
        err.audit_payload = {"account_id": account_id, "reference": body.payment_reference}
        raise


admin_router = APIRouter(prefix="/api/v1/admin/mrp", tags=["admin"])


def mrp_out(change: MrpChange) -> MrpOut:
    previous = change.previous
    return MrpOut(
        year=change.year,
        amount_tiyn=change.amount,
        amount_kzt=str(to_kzt(change.amount)),
        previous_kzt=None if previous is None else str(to_kzt(previous)),
        changed=change.changed,
    )


@admin_router.put(
    "/{year}",
    response_model=MrpOut,
    responses=error_responses(NotAuthenticated, Forbidden, InvalidMrp, MrpYearStarted),
)
def put_mrp(year: int, body: MrpIn, session: DbSession, _admin: AdminUser) -> MrpOut:
    """Admins: set the MRP of a year. A year not set yet may always be set; an existing value
    may change only before its year starts (from 1 January fees are charged at it)."""
    try:
        change = set_mrp(session, year=year, amount=mrp_in_tiyn(body.amount_kzt))
    except AppError as err:
        err.audit_action = "ledger.mrp_set"
        err.audit_payload = {"year": year, "amount_kzt": str(body.amount_kzt)}
        raise
    return mrp_out(change)
