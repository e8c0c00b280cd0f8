"""Tampering with the trail as an intruder with write access to the table would (the tests
switch off the append-only guard first)."""

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update

from kezek.audit.chain import record_hash
from kezek.models.audit import AuditRecord

TRAIL = AuditRecord.__table__
CONTENT = [c.name for c in TRAIL.columns if c.name != "seq"]
HASHED = [c for c in CONTENT if c != "hash"]


def row(engine, seq):
    with engine.connect() as conn:
        return dict(conn.execute(select(TRAIL).where(TRAIL.c.seq == seq)).one()._mapping)


def set_fields(engine, seq, **values):
    with engine.begin() as conn:
        conn.execute(update(TRAIL).where(TRAIL.c.seq == seq).values(**values))


def remove(engine, seq):
    with engine.begin() as conn:
        conn.execute(delete(TRAIL).where(TRAIL.c.seq == seq))


def swap(engine, first, second):
    """Exchange the contents of two records, each keeping its place in the sequence."""
    a, b = row(engine, first), row(engine, second)
    set_fields(engine, first, hash="parked")  # the hash column is unique
    set_fields(engine, second, **{c: a[c] for c in CONTENT})
    set_fields(engine, first, **{c: b[c] for c in CONTENT})


def rehash(engine, seq):
    """Recompute a record's own hash after editing it, as a careful intruder would."""
    r = row(engine, seq)
    set_fields(engine, seq, hash=record_hash(**{c: r[c] for c in ["seq", *HASHED]}))


def altered(column: str, value: Any) -> Any:
    """Another value of the same type for `column` (the smallest edit that must be caught)."""
    if isinstance(value, datetime):
        return value.replace(microsecond=(value.microsecond + 1) % 1_000_000)
    if isinstance(value, int):
        return value + 1
    if value is None:
        return 1 if column in ("actor_user_id", "on_behalf_of") else "x"
    return "f" * len(value) if column.endswith("hash") else f"{value}!"
