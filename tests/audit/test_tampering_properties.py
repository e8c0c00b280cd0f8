"""Any single edit, deletion or swap anywhere in a trail of any length is caught, and the
verifier names the first record that no longer fits.

Each example copies one prepared trail (the demo's records and enough more), cuts it to a random
length as a consistent trail (its head moved back with it), then tampers once at random.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, update
from sqlalchemy.engine import Engine
from support import allow_audit_tampering, last_seq

from audit.tampering_support import (
    CONTENT,
    HASHED,
    TRAIL,
    altered,
    rehash,
    remove,
    row,
    set_fields,
    swap,
)
from kezek.audit.service import record, verify_chain
from kezek.db import make_engine, new_session
from kezek.models.audit import AuditHead

LONGEST = 40


@dataclass(frozen=True)
class Tampering:
    kind: str  # edit | edit-and-rehash | delete | swap
    position: float  # where, as a share of the trail's length
    other: float  # the second record of a swap
    column: str


tamperings = st.builds(
    Tampering,
    kind=st.sampled_from(["edit", "edit-and-rehash", "delete", "swap"]),
    position=st.floats(0, 1, exclude_max=True),
    other=st.floats(0, 1, exclude_max=True),
    column=st.sampled_from(CONTENT),
)


@pytest.fixture
def long_trail(engine: Engine) -> Iterator[str]:
    """The URL of a trail of at least LONGEST records, with the append-only guard off."""
    session = new_session(engine)
    for n in range(LONGEST):
        record(session, action="test.filler", object_type="test", object_id=n, payload={"n": n})
    session.commit()
    session.close()
    allow_audit_tampering(engine)
    url = engine.url.render_as_string(hide_password=False)
    engine.dispose()  # PostgreSQL copies a database only while no one is connected to it
    yield url


def cut_to(engine: Engine, length: int) -> None:
    """Leave the first `length` records as an intact trail: a shorter, valid history."""
    last = row(engine, length)
    with engine.begin() as conn:
        conn.execute(delete(TRAIL).where(TRAIL.c.seq > length))
        conn.execute(update(AuditHead).values(seq=length, hash=last["hash"]))


def tamper(engine: Engine, t: Tampering, length: int) -> tuple[int, int]:
    """Do `t` to a trail of `length` records; the seq the verifier must name, and how many
    records it must have found sound before it."""
    at = 1 + int(t.position * length)
    if t.kind == "delete":
        remove(engine, at)
        return (at + 1, at - 1) if at < length else (at, at - 1)  # the next, or the head
    if t.kind == "swap":
        first, second = sorted((at, 1 + int(t.other * length)))
        if first == second:
            second = first + 1 if first < length else first - 1
            first, second = sorted((first, second))
        swap(engine, first, second)
        return first, first - 1
    # A rehashed edit must keep the record's own link (an edited prev_hash breaks it at once).
    rehashable = [c for c in HASHED if c != "prev_hash"]
    column = t.column if t.kind == "edit" else rehashable[CONTENT.index(t.column) % len(rehashable)]
    set_fields(engine, at, **{column: altered(column, row(engine, at)[column])})
    if t.kind == "edit":
        return at, at - 1
    rehash(engine, at)  # a careful intruder: the record fits itself, not the next one
    return (at + 1, at) if at < length else (at, at)  # the next record, or the head


def verify(engine: Engine) -> Any:
    session = new_session(engine, readonly=True)
    try:
        return verify_chain(session, batch=7)
    finally:
        session.close()


def test_any_single_tampering_is_found_at_its_first_broken_record(
    long_trail: str, templates: Any, backend: str
) -> None:
    @settings(
        max_examples=40 if backend == "sqlite" else 12,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(data=st.data(), tampering=tamperings)
    def check(data: st.DataObject, tampering: Tampering) -> None:
        url = templates.clone(long_trail)
        engine = make_engine(url)
        try:
            length = data.draw(st.integers(2, last_seq(engine)), label="length")
            cut_to(engine, length)
            assert verify(engine).ok
            broken, sound = tamper(engine, tampering, length)
            result = verify(engine)
            assert (result.ok, result.broken_seq, result.checked) == (False, broken, sound), result
        finally:
            engine.dispose()
            templates.drop(url)

    check()
