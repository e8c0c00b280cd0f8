"""Claiming and releasing places on the per-slot counters.

The capacity invariant rests on one statement: `UPDATE ... SET taken = taken + 1 WHERE
taken < capacity RETURNING`. The database evaluates the condition on the row it locks, so two
claims of the last place cannot both succeed, whatever the isolation level; a refused claim
writes nothing. The check constraint on the table backs it up.
"""

from collections.abc import Callable

from sqlalchemy import case, select, update
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
    """Take one place; False when none is left."""
    _ensure_counter(session, key)
    if not ATOMIC_CLAIM:
        return _claim_racy(session, key)
    pause_before_write()
    claimed = session.execute(
        update(SlotCounter)
        .where(*_where(key), SlotCounter.taken < SlotCounter.capacity)
        .values(taken=SlotCounter.taken + 1)
        .returning(SlotCounter.taken)
        .execution_options(synchronize_session=False)
    ).first()
    return claimed is not None


def release(session: Session, key: SlotKey) -> None:
    """Give one place back (cancellation, move, reschedule)."""
    session.execute(
        update(SlotCounter)
        .where(*_where(key), SlotCounter.taken > 0)
        .values(taken=SlotCounter.taken - 1)
        .execution_options(synchronize_session=False)
    )


def _ensure_counter(session: Session, key: SlotKey) -> None:
    """Counters are made on first use, with the capacity the rules give that hour now.

    The rules can change after the first booking of an hour (a lane opens or closes), so an
    existing counter takes the current capacity, never below the places already taken: the
    check constraint holds, and a lowered hour refuses claims until it is under its capacity
    again (moving the excess is the capacity-drop job's work).
    """
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = insert(SlotCounter).values(
        direction_id=key.direction_id,
        day=key.day,
        hour=key.hour,
        pool=key.pool,
        capacity=key.capacity,
        taken=0,
    )
    current = case(
        (statement.excluded.capacity > SlotCounter.taken, statement.excluded.capacity),
        else_=SlotCounter.taken,
    )
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["direction_id", "day", "hour", "pool"],
            set_={"capacity": current},
            where=SlotCounter.capacity != statement.excluded.capacity,
        )
    )


def _claim_racy(session: Session, key: SlotKey) -> bool:
    """Check, then write what was read: the lost-update race (for the test that shows it)."""
    row = session.execute(
        select(SlotCounter.id, SlotCounter.taken, SlotCounter.capacity).where(*_where(key))
    ).one()
    if row.taken >= row.capacity:
        return False
    pause_before_write()
    session.execute(
        update(SlotCounter)
        .where(SlotCounter.id == row.id)
        .values(taken=row.taken + 1)
        .execution_options(synchronize_session=False)
    )
    return True
