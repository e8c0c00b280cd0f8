"""Many writers at once: the trail stays one chain with gap-free sequence numbers.

Every writer locks the head row before appending (kezek.audit.service.write_pending). The
second test switches that lock off to show the race it prevents.
"""

import threading
import time
from collections import Counter

import pytest
from sqlalchemy import event, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from support import footprints, last_seq

from kezek.audit import service as audit_service
from kezek.audit.service import PENDING_KEY, record, verify_chain
from kezek.db import new_session
from kezek.models.audit import AuditHead

THREADS = 8
COMMITS_PER_THREAD = 5


def append_all_at_once(engine, *, records_per_commit=1):
    """THREADS threads, released together, each committing footprints; the errors they met."""
    start = threading.Barrier(THREADS)
    errors = []

    def writer(thread):
        start.wait()
        for commit in range(COMMITS_PER_THREAD):
            session = new_session(engine)
            try:
                for n in range(records_per_commit):
                    record(session, action="test.concurrent", payload=[thread, commit, n])
                session.commit()
            except Exception as err:  # noqa: BLE001 - collected for the assertion
                errors.append(err)
                session.rollback()
            finally:
                session.close()

    threads = [threading.Thread(target=writer, args=(t,)) for t in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return errors


def assert_one_gap_free_chain(engine, *, expected_records):
    session = new_session(engine, readonly=True)
    try:
        result = verify_chain(session)
        head = session.get(AuditHead, 1)
    finally:
        session.close()
    assert result.ok, result
    trail = footprints(engine)
    assert [fp.seq for fp in trail] == list(range(1, len(trail) + 1))
    assert (head.seq, head.hash) == (trail[-1].seq, trail[-1].hash)
    written = Counter(fp.payload for fp in trail if fp.action == "test.concurrent")
    assert len(written) == expected_records and set(written.values()) == {1}


@pytest.mark.parametrize("records_per_commit", [1, 3])
def test_concurrent_writers_keep_one_gap_free_chain(engine, records_per_commit):
    before = last_seq(engine)
    errors = append_all_at_once(engine, records_per_commit=records_per_commit)
    assert errors == []
    expected = THREADS * COMMITS_PER_THREAD * records_per_commit
    assert last_seq(engine) == before + expected
    assert_one_gap_free_chain(engine, expected_records=expected)


def test_concurrent_first_writers_of_an_empty_trail(empty_engine):
    assert append_all_at_once(empty_engine) == []
    assert_one_gap_free_chain(empty_engine, expected_records=THREADS * COMMITS_PER_THREAD)


@pytest.fixture
def head_lock_switched_off():
    """Append without locking the head row: read it, pause, then write after it."""

    def write_pending_without_lock(session):
        pending = session.info.pop(PENDING_KEY, [])
        if not pending:
            return
        head = session.execute(select(AuditHead).where(AuditHead.id == 1)).scalar_one()
        time.sleep(0.02)  # another writer reads the same head meanwhile
        for fp in pending:
            row = audit_service._chained_row(fp, seq=head.seq + 1, prev_hash=head.hash)
            session.add(row)
            head.seq, head.hash = row.seq, row.hash
        session.flush()

    event.remove(Session, "before_commit", audit_service.write_pending)
    event.listen(Session, "before_commit", write_pending_without_lock)
    try:
        yield
    finally:
        event.remove(Session, "before_commit", write_pending_without_lock)
        event.listen(Session, "before_commit", audit_service.write_pending)


def test_without_the_head_lock_only_sqlites_immediate_transactions_keep_writers_apart(
    engine, backend, head_lock_switched_off
):
    errors = append_all_at_once(engine)
    if backend == "sqlite":
        # Writers start with BEGIN IMMEDIATE (kezek.db), so they queue even without the lock.
        assert errors == []
        assert_one_gap_free_chain(engine, expected_records=THREADS * COMMITS_PER_THREAD)
        return
    # On PostgreSQL writers that read the same head append the same seq: all but one fail, and
    # the actions they recorded would be lost with them. The lock makes them wait their turn.
    assert errors, "expected the unlocked writers to collide"
    assert all(isinstance(e, IntegrityError) for e in errors)
