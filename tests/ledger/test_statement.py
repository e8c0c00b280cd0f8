"""The statement: signed amounts, running balances, periods and pages."""

from datetime import timedelta
from unittest.mock import patch

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from kezek.db import utcnow
from kezek.ledger.errors import AccountNotFound
from kezek.ledger.service import owner_account, post, system_account
from kezek.ledger.statement import statement
from kezek.models.ledger import EntryKind, SystemAccount
from kezek.models.party import User


def _carrier_account(session: Session) -> int:
    user = session.scalars(select(User).where(User.login == "carrier")).one()
    return owner_account(session, party_id=user.person_id).id


def _move(session: Session, key: str, amount: int, *, account: int, into: bool) -> None:
    other = system_account(
        session, SystemAccount.TOP_UPS if into else SystemAccount.BOOKING_FEES
    ).id
    post(
        session,
        event_key=key,
        kind=EntryKind.TOP_UP if into else EntryKind.BOOKING_FEE,
        debit_account_id=other if into else account,
        credit_account_id=account if into else other,
        amount=amount,
        memo=key,
    )


def test_running_balance_steps_back_from_the_newest_line(session: Session) -> None:
    account = _carrier_account(session)
    _move(session, "a", 100_00, account=account, into=True)
    _move(session, "b", 30_00, account=account, into=False)
    _move(session, "c", 50_00, account=account, into=True)
    _move(session, "d", 200_00, account=account, into=False)  # into debt

    result = statement(session, account_id=account)

    assert [line.memo for line in result.lines] == ["d", "c", "b", "a"]
    assert [line.amount for line in result.lines] == [-200_00, 50_00, -30_00, 100_00]
    assert [line.balance_after for line in result.lines] == [-80_00, 120_00, 70_00, 100_00]
    assert result.balance == -80_00
    assert result.lines[0].balance_after_kzt == "-80.00"
    assert result.lines[1].amount_kzt == "50.00"
    assert result.total == 4


def test_a_page_keeps_the_balances_of_the_whole_account(session: Session) -> None:
    account = _carrier_account(session)
    for n in range(5):
        _move(session, f"t{n}", 10_00, account=account, into=True)

    page = statement(session, account_id=account, limit=2, offset=2)

    assert [line.memo for line in page.lines] == ["t2", "t1"]
    assert [line.balance_after for line in page.lines] == [30_00, 20_00]
    assert page.total == 5
    assert page.balance == 50_00


def test_a_period_excludes_entries_outside_it(session: Session) -> None:
    account = _carrier_account(session)
    _move(session, "now", 10_00, account=account, into=True)

    assert statement(session, account_id=account, until=utcnow() - timedelta(days=1)).lines == []
    later = statement(session, account_id=account, since=utcnow() - timedelta(days=1))
    assert [line.memo for line in later.lines] == ["now"]


def test_an_unknown_account_is_refused(session: Session) -> None:
    with pytest.raises(AccountNotFound):
        statement(session, account_id=999_999)


def test_a_period_shows_true_balances_when_writers_clocks_disagree(session: Session) -> None:
    """Regression: entry b, posted between a and c, carries a later time (its server's clock ran
    ahead), so a period holding a and c skips it; a's balance must not include b."""
    account = _carrier_account(session)
    t0 = utcnow().replace(microsecond=0) - timedelta(days=1)
    for key, amount, seconds in [("a", 100_00, 0), ("b", 40_00, 5), ("c", 10_00, 1)]:
        with patch("kezek.ledger.service.utcnow", return_value=t0 + timedelta(seconds=seconds)):
            _move(session, key, amount, account=account, into=True)

    result = statement(session, account_id=account, since=t0, until=t0 + timedelta(seconds=2))

    assert [(line.memo, line.balance_after) for line in result.lines] == [
        ("c", 150_00),
        ("a", 100_00),
    ]
