"""Two filings against one charge at the same moment: the check passes for both, and the
partial unique index on open appeals turns the second into appeal_open, with no file kept."""

import threading
import time

import pytest
from sqlalchemy import func, select

from compensation.appeal_support import PDF, cancel_in_march, charged_unused_id
from kezek.compensation.appeals import file_appeal
from kezek.compensation.errors import AppealOpen
from kezek.db import new_session
from kezek.identity.storage import MediaStore
from kezek.models.compensation import Appeal
from kezek.models.party import User


def _carrier(session) -> User:
    return session.scalars(select(User).where(User.login == "carrier")).one()


def test_two_filings_at_once_leave_one_open_appeal(engine, fleet, backend, tmp_path):
    if backend != "postgresql":
        pytest.skip("SQLite runs one writer at a time: the second filing sees the first")
    cancel_in_march(engine, fleet)
    unused_id = charged_unused_id(engine)
    media = MediaStore(tmp_path / "media")
    first = new_session(engine)
    file_appeal(
        first,
        user=_carrier(first),
        unused_id=unused_id,
        reason="first",
        attachment=PDF,
        media=media,
    )  # inserted, not committed: the second filing's check finds nothing open
    outcome: list[BaseException | None] = []

    def second_filing() -> None:
        session = new_session(engine)
        try:
            file_appeal(
                session,
                user=_carrier(session),
                unused_id=unused_id,
                reason="second",
                attachment=PDF,
                media=media,
            )
            session.commit()
            outcome.append(None)
        except BaseException as err:  # noqa: BLE001 - the test reports it below
            session.rollback()
            outcome.append(err)
        finally:
            session.close()

    racer = threading.Thread(target=second_filing)
    racer.start()
    time.sleep(0.5)  # the second waits on the index entry of the first
    first.commit()
    first.close()
    racer.join(10)
    assert len(outcome) == 1 and isinstance(outcome[0], AppealOpen), outcome
    check = new_session(engine, readonly=True)
    try:
        assert check.scalar(select(func.count()).select_from(Appeal)) == 1
    finally:
        check.close()
    assert len(list((tmp_path / "media").glob("appeal-*"))) == 1
