"""Claiming and releasing places on the per-slot counters.

The capacity invariant rests on one statement: `UPDATE ... SET taken = taken + 1 WHERE
taken < :capacity RETURNING`. The database evaluates the condition on the row it locks, so two
claims of the last place cannot both succeed, whatever the isolation level; a refused claim
writes nothing. The check constraint on the table backs it up.
"""

from collections.abc import Callable

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from kezek.booking.slots import SlotKey
from kezek.models.booking import SlotCounter

# Switched off only by the test that shows the race this design prevents.
ATOMIC_CLAIM = True


def _no_pause() -> None:
    pass


# Called just before a claim writes; tests set it to a barrier so that every claim has read
# before any writes, which makes the race of a check-then-write claim certain, not a matter of luck.
pause_before_write: Callable[[], None] = _no_pause


def _where(key: SlotKey):  # type: ignore[no-untyped-def]
    return (
        SlotCounter.direction_id == key.direction_id,
        SlotCounter.day == key.day,
        SlotCounter.hour == key.hour,
        SlotCounter.pool == key.pool,
    )


def looks_full(session: Session, key: SlotKey) -> bool:
    """A lock-free read of the committed count: a full slot is refused without queueing on the
    row lock that the claims of its last places hold."""
    row = session.execute(
        select(SlotCounter.taken, SlotCounter.capacity).where(*_where(key))
    ).first()
    if row is None:
        return key.capacity <= 0
    return row.taken >= key.capacity  # the rules of now, whatever the counter was made with


def claim(session: Session, key: SlotKey) -> bool:
    """Take one place; False when none is left.

    One statement in the common case: the claim checks the count against the capacity the
    rules give the hour now (a lane may have opened or closed since the counter was made) and
    writes that capacity with the count. Only the first claim of an hour makes its counter.
    """
    if not ATOMIC_CLAIM:
        _make_counter(session, key)
        return _claim_racy(session, key)
    pause_before_write()
    if _take_place(session, key):
        return True
    if _counter_exists(session, key):
        return False
    _make_counter(session, key)
    return _take_place(session, key)


def release(session: Session, key: SlotKey) -> None:
    """Give one place back (cancellation, move, reschedule)."""
    session.execute(
        update(SlotCounter)
        .where(*_where(key), SlotCounter.taken > 0)
        .values(taken=SlotCounter.taken - 1)
        .execution_options(synchronize_session=False)
    )


def _take_place(session: Session, key: SlotKey) -> bool:
    # The row lock of the UPDATE makes the condition and the write one step: two claims of the
    # last place cannot both pass it, whatever the isolation level.
    taken = session.execute(
        update(SlotCounter)
        .where(*_where(key), SlotCounter.taken < key.capacity)
        .values(taken=SlotCounter.taken + 1, capacity=key.capacity)
        .returning(SlotCounter.taken)
        .execution_options(synchronize_session=False)
    ).first()
    return taken is not None


def _counter_exists(session: Session, key: SlotKey) -> bool:
    return session.execute(select(SlotCounter.id).where(*_where(key))).first() is not None


def _make_counter(session: Session, key: SlotKey) -> None:
    """The counter of an hour's first claim; a concurrent first claim may have made it already."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    session.execute(
        insert(SlotCounter)
        .values(
            direction_id=key.direction_id,
            day=key.day,
            hour=key.hour,
            pool=key.pool,
            capacity=max(key.capacity, 0),
            taken=0,
        )
        .on_conflict_do_nothing(index_elements=["direction_id", "day", "hour", "pool"])
    )


def _claim_racy(session: Session, key: SlotKey) -> bool:
    """Check, then write what was read: the lost-update race (for the test that shows it)."""
    row = session.execute(select(SlotCounter.id, SlotCounter.taken).where(*_where(key))).one()
    if row.taken >= key.capacity:
        return False
    pause_before_write()
    session.execute(
        update(SlotCounter)
        .where(SlotCounter.id == row.id)
        .values(taken=row.taken + 1)
        .execution_options(synchronize_session=False)
    )
    return True
