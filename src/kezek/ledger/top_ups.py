"""Top-ups: money paid in at a bank or cash desk, credited to an owner's account once per
payment reference (the reference is the event: `top_up:<reference>`)."""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from sqlalchemy.orm import Session

from kezek.audit.service import record
from kezek.ledger.errors import AccountNotFound, InvalidAmount, TopUpReferenceUsed
from kezek.ledger.money import to_tiyn
from kezek.ledger.service import post_once, system_account
from kezek.models.ledger import Account, AccountKind, EntryKind, LedgerEntry, SystemAccount

MAX_TOP_UP_TIYN = 100_000_000 * 100  # 100 million KZT: more is surely a typing error


@dataclass(frozen=True)
class TopUp:
    entry: LedgerEntry
    replayed: bool


def amount_in_tiyn(*, kzt: Decimal | None, tiyn: int | None) -> int:
    """The amount in whole tiyn, refused unless 0 < amount <= MAX_TOP_UP_TIYN."""
    try:
        amount = tiyn if tiyn is not None else to_tiyn(kzt or Decimal(0))
    except (ValueError, InvalidOperation):
        raise InvalidAmount("An amount in KZT has at most two decimal places.") from None
    if amount <= 0:
        raise InvalidAmount("The amount must be positive.")
    if amount > MAX_TOP_UP_TIYN:
        raise InvalidAmount("The amount is above 100,000,000 KZT; check it.")
    return amount


def top_up(
    session: Session,
    *,
    account_id: int,
    amount: int,
    reference: str,
    memo: str = "",
    user_id: int | None = None,
) -> TopUp:
    """Credit `amount` tiyn to an owner account once per payment reference. The same reference
    again with the same account and amount returns the first entry; with other details it is
    refused, since one payment cannot be two."""
    account = session.get(Account, account_id)
    if account is None or account.kind != AccountKind.OWNER:
        raise AccountNotFound(f"No owner account {account_id}.")
    entry, made = post_once(
        session,
        event_key=f"top_up:{reference}",
        kind=EntryKind.TOP_UP,
        debit_account_id=system_account(session, SystemAccount.TOP_UPS).id,
        credit_account_id=account_id,
        amount=amount,
        memo=memo or f"Top-up, payment {reference}",
        created_by=user_id,
    )
    if (entry.credit_account_id, entry.amount, entry.kind) != (
        account_id,
        amount,
        EntryKind.TOP_UP,
    ):
        raise TopUpReferenceUsed(
            f"The payment {reference!r} was already recorded for another account or amount."
        )
    if made:
        record(
            session,
            action="ledger.top_up",
            object_type="ledger_entry",
            object_id=entry.id,
            on_behalf_of=account.party_id,
            payload={"account_id": account_id, "amount": amount, "reference": reference},
        )
    return TopUp(entry=entry, replayed=not made)
