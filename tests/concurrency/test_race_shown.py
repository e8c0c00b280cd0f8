"""The race the atomic claim prevents, first shown happening, then shown gone (PostgreSQL).

Threads book one slot at once, each in its own session as the server's requests would. A
barrier in the claim (capacity.pause_before_write) holds every thread between its read and its
write until all have read. A check-then-write claim then lets all of them through: the slot is
overbooked. The conditional UPDATE re-checks `taken < capacity` on the row it locks, so only the
capacity succeeds, whatever the interleaving.
"""

import threading

import pytest
from sqlalchemy import select

from concurrency.crowd import booking_json, make_crowd, slot_state, small_slot
from kezek.booking import capacity, service
from kezek.booking.errors import SlotFull
from kezek.booking.schemas import BookingIn
from kezek.db import new_session
from kezek.models.party import User

pytestmark = pytest.mark.concurrency

THREADS = 6
CAPACITY = 2


def book_all_at_once(engine, crowd, monkeypatch) -> list[str]:
    """Every carrier books the slot in its own thread; what each got ("booked" or an error)."""
    barrier = threading.Barrier(THREADS, timeout=20)
    monkeypatch.setattr(capacity, "pause_before_write", barrier.wait)
    outcomes: list[str] = []

    def book(carrier) -> None:
        session = new_session(engine)
        try:
            user = session.scalars(select(User).where(User.id == carrier.user_id)).one()
            data = BookingIn.model_validate(booking_json(carrier.vehicle_id))
            service.create_booking(session, user=user, data=data)
            session.commit()
            outcomes.append("booked")
        except SlotFull:  # no thread commits before all have read: refused by the claim itself
            outcomes.append("slot_full")
        except Exception as err:  # noqa: BLE001 - reported by the assertion
            outcomes.append(repr(err))
        finally:
            session.rollback()
            session.close()

    threads = [threading.Thread(target=book, args=(c,)) for c in crowd]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return outcomes


@pytest.fixture
def postgres_engine(engine, backend):
    if backend != "postgresql":
        pytest.skip("SQLite runs one writer at a time: its claims cannot interleave")
    return engine


@pytest.mark.breaks_books
def test_without_the_atomic_claim_the_slot_is_overbooked(postgres_engine, monkeypatch):
    crowd = make_crowd(postgres_engine, THREADS)
    key = small_slot(postgres_engine, capacity=CAPACITY)
    monkeypatch.setattr(capacity, "ATOMIC_CLAIM", False)

    outcomes = book_all_at_once(postgres_engine, crowd, monkeypatch)

    assert outcomes.count("booked") == THREADS, outcomes
    state = slot_state(postgres_engine, key)
    assert state.active_bookings == THREADS > CAPACITY  # the lost updates: overbooked
    assert state.taken < state.active_bookings  # and the counter no longer tells the truth


def test_with_the_atomic_claim_exactly_the_capacity_is_booked(postgres_engine, monkeypatch):
    crowd = make_crowd(postgres_engine, THREADS)
    key = small_slot(postgres_engine, capacity=CAPACITY)

    outcomes = book_all_at_once(postgres_engine, crowd, monkeypatch)

    assert sorted(outcomes) == ["booked"] * CAPACITY + ["slot_full"] * (THREADS - CAPACITY)
    state = slot_state(postgres_engine, key)
    assert state.taken == state.active_bookings == CAPACITY
