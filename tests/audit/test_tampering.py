"""Tampering with the trail is detected: `verify_chain` and `kezek audit verify` name the first
record that does not fit. The database's append-only guard is switched off first, as an
intruder with DDL rights could do."""

from datetime import timedelta

import pytest
from sqlalchemy import create_engine
from support import Cli, allow_audit_tampering, footprints, last_seq

from audit.tampering_support import CONTENT, altered, rehash, remove, row, set_fields, swap
from kezek.audit.service import verify_chain
from kezek.db import new_session


@pytest.fixture
def trail(engine):
    """The demo's trail (some twenty records) with the append-only guard switched off."""
    allow_audit_tampering(engine)
    assert last_seq(engine) >= 10
    return engine


@pytest.fixture
def kezek(engine, monkeypatch):
    return Cli(engine.url.render_as_string(hide_password=False), monkeypatch)


def verify(engine):
    session = new_session(engine, readonly=True)
    try:
        return verify_chain(session)
    finally:
        session.close()


def test_an_intact_trail_verifies(trail, kezek):
    result = verify(trail)
    assert result.ok and result.checked == last_seq(trail) and result.broken_seq is None
    run = kezek("audit", "verify")
    assert run.exit_code == 0, run.output
    assert f"trail intact: {last_seq(trail)} records verified" in run.stdout


def test_an_edited_field_of_a_middle_record_is_detected(trail, kezek):
    set_fields(trail, 7, payload='{"login":"mallory"}')
    result = verify(trail)
    assert (result.ok, result.broken_seq, result.checked) == (False, 7, 6)
    assert "edited" in result.reason
    run = kezek("audit", "verify")
    assert run.exit_code == 1
    assert "TRAIL BROKEN at record 7" in run.stderr


def test_an_edit_of_any_field_is_detected(trail):
    original = row(trail, 5)
    for column in CONTENT:
        value = original[column]
        set_fields(trail, 5, **{column: altered(column, value)})
        result = verify(trail)
        assert (result.ok, result.broken_seq) == (False, 5), column
        set_fields(trail, 5, **{column: value})
    assert verify(trail).ok


def test_an_edited_record_with_its_hash_recomputed_breaks_the_next_link(trail):
    set_fields(trail, 7, actor_login="mallory")
    rehash(trail, 7)
    result = verify(trail)
    assert (result.ok, result.broken_seq) == (False, 8)
    assert "link" in result.reason


def test_a_deleted_middle_record_is_detected(trail, kezek):
    remove(trail, 7)
    result = verify(trail)
    assert (result.ok, result.broken_seq, result.checked) == (False, 8, 6)
    assert "removed" in result.reason
    run = kezek("audit", "verify")
    assert run.exit_code == 1 and "TRAIL BROKEN at record 8" in run.stderr


def test_a_deleted_last_record_is_detected(trail, kezek):
    last = last_seq(trail)
    remove(trail, last)
    result = verify(trail)
    assert (result.ok, result.broken_seq, result.checked) == (False, last, last - 1)
    assert "removed" in result.reason
    run = kezek("audit", "verify")
    assert run.exit_code == 1 and f"TRAIL BROKEN at record {last}" in run.stderr


def test_an_edited_last_record_with_its_hash_recomputed_is_detected_by_the_head(trail):
    last = last_seq(trail)
    set_fields(trail, last, payload="{}")
    rehash(trail, last)
    result = verify(trail)
    assert (result.ok, result.broken_seq) == (False, last)
    assert "last record" in result.reason and "removed" not in result.reason


@pytest.mark.parametrize(("first", "second"), [(4, 9), (6, 7)], ids=["apart", "adjacent"])
def test_two_reordered_records_are_detected(trail, kezek, first, second):
    swap(trail, first, second)
    result = verify(trail)
    assert (result.ok, result.broken_seq, result.checked) == (False, first, first - 1)
    run = kezek("audit", "verify")
    assert run.exit_code == 1 and f"TRAIL BROKEN at record {first}" in run.stderr


def test_a_trail_whose_first_record_is_gone_is_detected(trail):
    remove(trail, 1)
    result = verify(trail)
    assert (result.ok, result.broken_seq) == (False, 2)


def test_the_verifier_walks_in_batches_without_losing_its_place(trail):
    def verify_in_batches_of_3():
        session = new_session(trail, readonly=True)
        try:
            return verify_chain(session, batch=3)
        finally:
            session.close()

    assert verify_in_batches_of_3().ok
    set_fields(trail, 10, action="user.login")
    assert verify_in_batches_of_3().broken_seq == 10


def test_the_trail_verifies_whatever_the_time_zone_of_the_database_session(trail, backend):
    # A server in Kazakhstan may well run with TimeZone = 'Asia/Almaty'; timestamps then come
    # back as +05:00 and must still hash as the UTC instant they were written as.
    url = trail.url.render_as_string(hide_password=False)
    options = {"options": "-c timezone=Asia/Almaty"} if backend == "postgresql" else {}
    local = create_engine(url, connect_args=options)
    try:
        assert verify(local).ok
        assert all(fp.at.utcoffset() == timedelta(0) for fp in footprints(local))
    finally:
        local.dispose()
