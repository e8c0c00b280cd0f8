"""Unused reservations are counted per owner per Almaty month; those beyond the threshold cost
100 MRP of the event's date, once each; repeat offenders get half the threshold; voiding one on
appeal refunds the charge it caused; debt blocks new bookings."""

import threading
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from compensation.compensation_support import (
    MRP_2026_TIYN,
    almaty,
    balance_of,
    book,
    book_and_cancel,
    cancel,
    compensations,
    unused_of,
)
from kezek.booking.schemas import BookingIn
from kezek.booking.service import create_booking
from kezek.checkpoint.no_shows import sweep_no_shows
from kezek.clock import almaty_month
from kezek.compensation.counting import month_counter, record_unused, void_unused
from kezek.compensation.policy import PolicyTerms, set_policy
from kezek.db import new_session
from kezek.errors import AppError
from kezek.models.booking import Booking
from kezek.models.compensation import UnusedKind
from kezek.models.crossing import Crossing
from kezek.models.party import User

MARCH_SLOT = date(2026, 3, 20)
CHARGE = 100 * MRP_2026_TIYN


def carrier_id(engine) -> int:
    session = new_session(engine)
    try:
        return session.scalars(select(User).where(User.login == "carrier")).one().person_id
    finally:
        session.close()


def cancel_twelve_in_march(engine, fleet, kzt: int = 1_000_000) -> list[int]:
    fleet.top_up(kzt=kzt)
    truck = fleet.vehicle()
    return [
        book_and_cancel(engine, truck, at=almaty(2026, 3, 2, 9, 5 * i), slot_day=MARCH_SLOT)
        for i in range(12)
    ]


def test_twelve_cancellations_in_march_cost_two_compensations(engine, fleet):
    cancel_twelve_in_march(engine, fleet)
    unused = unused_of(engine)
    assert [u.ordinal for u in unused] == list(range(1, 13))
    assert [u.over_threshold for u in unused] == [False] * 10 + [True, True]
    assert {u.month for u in unused} == {date(2026, 3, 1)}
    charges = compensations(engine)
    assert [c.amount for c in charges] == [CHARGE, CHARGE]  # 100 x 4,325 KZT each
    assert [c.booking_id for c in charges] == [u.booking_id for u in unused[10:]]

    session = new_session(engine)
    try:
        owner = carrier_id(engine)
        april = month_counter(session, owner_id=owner, month=date(2026, 4, 1))
        march = month_counter(session, owner_id=owner, month=date(2026, 3, 1))
        july = month_counter(session, owner_id=owner, month=date(2026, 7, 1))
    finally:
        session.close()
    assert (april.used, april.threshold) == (0, 5)  # a repeat offender: halved
    assert (march.used, march.threshold, march.charged_kzt) == (12, 10, 2 * CHARGE)
    assert july.threshold == 10  # March is outside the 3 months before July


def test_a_retried_count_charges_nothing_more(engine, fleet):
    bookings = cancel_twelve_in_march(engine, fleet)
    session = new_session(engine)
    try:
        for booking_id in bookings[-3:]:
            booking = session.get(Booking, booking_id)
            record_unused(session, booking, kind=UnusedKind.CANCELLATION, at=booking.cancelled_at)
        session.commit()
    finally:
        session.close()
    assert len(unused_of(engine)) == 12
    assert len(compensations(engine)) == 2


def test_the_month_is_almaty_s(engine, fleet):
    """23:30 on 31 March in Almaty is still March there, though April has begun nowhere."""
    fleet.top_up(kzt=1_000_000)
    truck = fleet.vehicle()
    booking = book(engine, truck, day=date(2026, 4, 10), hour=10, now=almaty(2026, 3, 31, 23, 0))
    cancel(engine, booking, now=almaty(2026, 3, 31, 23, 30))
    assert unused_of(engine)[0].month == date(2026, 3, 1)
    booking = book(engine, truck, day=date(2026, 4, 10), hour=11, now=almaty(2026, 4, 1, 0, 10))
    cancel(engine, booking, now=almaty(2026, 4, 1, 0, 20))  # 19:20 UTC on 31 March
    assert unused_of(engine)[1].month == date(2026, 4, 1)


def test_concurrent_cancellations_are_counted_one_after_another(engine, fleet, backend):
    """Twelve bookings of twelve trucks cancelled at once: ordinals 1..12, two charges."""
    fleet.top_up(kzt=1_000_000)
    at = almaty(2026, 3, 3, 9)
    bookings = [book(engine, fleet.vehicle(), day=MARCH_SLOT, hour=10, now=at) for _ in range(12)]
    errors: list[BaseException] = []
    start = threading.Barrier(len(bookings))

    def cancel_one(booking_id: int) -> None:
        start.wait()
        for _attempt in range(50):  # SQLite refuses a second writer: retry as a client would
            try:
                cancel(engine, booking_id, now=at + timedelta(minutes=5))
                return
            except AppError as refused:
                if refused.code != "busy":
                    errors.append(refused)
                    return
        errors.append(RuntimeError("still busy"))

    threads = [threading.Thread(target=cancel_one, args=(b,)) for b in bookings]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    unused = unused_of(engine)
    assert sorted(u.ordinal for u in unused) == list(range(1, 13))
    assert len(compensations(engine)) == 2


def test_voiding_a_counted_cancellation_refunds_the_charge_it_caused(engine, fleet):
    bookings = cancel_twelve_in_march(engine, fleet)
    before = balance_of(engine)
    unused = unused_of(engine)
    session = new_session(engine)
    try:
        void_unused(session, unused_id=unused[2].id, reason="the post was closed", by=1)
        session.commit()
    finally:
        session.close()
    assert balance_of(engine) == before + CHARGE  # the 12th is no longer over the threshold
    after = {u.booking_id: u for u in unused_of(engine)}
    assert after[bookings[11]].refund_entry_id is not None
    assert after[bookings[10]].charged  # 11 counted: one still over
    session = new_session(engine)
    try:
        march = month_counter(session, owner_id=carrier_id(engine), month=date(2026, 3, 1))
        void_unused(session, unused_id=unused[10].id, reason="a charged one", by=1)
        session.commit()
    finally:
        session.close()
    assert (march.used, march.charged_kzt) == (11, CHARGE)
    assert balance_of(engine) == before + 2 * CHARGE


def test_voiding_twice_is_refused(engine, fleet):
    cancel_twelve_in_march(engine, fleet)
    target = unused_of(engine)[11].id
    session = new_session(engine)
    try:
        void_unused(session, unused_id=target, reason="appeal", by=1)
        session.commit()
        with pytest.raises(AppError) as refused:
            void_unused(session, unused_id=target, reason="again", by=1)
        assert refused.value.code == "already_voided"
    finally:
        session.close()


def test_debt_from_a_compensation_blocks_new_bookings(engine, fleet):
    cancel_twelve_in_march(engine, fleet, kzt=500_000)  # 500,000 - 12 fees - 2 x 432,500
    assert balance_of(engine) < 0
    truck = unused_of(engine)[0].vehicle_id
    session = new_session(engine)
    try:
        user = session.scalars(select(User).where(User.login == "carrier")).one()
        data = BookingIn(
            vehicle_id=truck,
            crossing="NUR_ZHOLY",
            direction="exit",
            date=MARCH_SLOT,
            hour=12,
            cargo_category="general",
        )
        with pytest.raises(AppError) as refused:
            create_booking(session, user=user, data=data, now=almaty(2026, 3, 5))
        assert refused.value.code == "debt_outstanding"
    finally:
        session.close()


def test_this_month_counter_starts_empty(engine):
    session = new_session(engine)
    try:
        counter = month_counter(session, owner_id=carrier_id(engine))
    finally:
        session.close()
    assert (counter.month, counter.used, counter.threshold) == (almaty_month(), 0, 10)


def set_terms(engine, *, at, crossing_id=None, **terms) -> None:
    session = new_session(engine)
    try:
        set_policy(session, crossing_id=crossing_id, terms=PolicyTerms(**terms), now=at)
        session.commit()
    finally:
        session.close()


def test_each_event_is_judged_by_the_version_in_force_when_it_happened(engine, fleet):
    fleet.top_up(kzt=2_000_000)
    truck = fleet.vehicle()
    book_and_cancel(engine, truck, at=almaty(2026, 3, 2, 9), slot_day=MARCH_SLOT)
    set_terms(engine, at=almaty(2026, 3, 2, 10), monthly_threshold=1, charge_mode="first")
    for minute in (0, 10, 20):  # 2nd, 3rd, 4th: over a threshold of 1, only the first charged
        book_and_cancel(engine, truck, at=almaty(2026, 3, 2, 11, minute), slot_day=MARCH_SLOT)
    set_terms(engine, at=almaty(2026, 3, 3, 9), monthly_threshold=10)
    book_and_cancel(engine, truck, at=almaty(2026, 3, 3, 10), slot_day=MARCH_SLOT)
    unused = unused_of(engine)
    assert [(u.ordinal, u.threshold, u.over_threshold) for u in unused] == [
        (1, 10, False),
        (2, 1, True),
        (3, 1, True),
        (4, 1, True),
        (5, 10, False),
    ]
    assert [u.charged for u in unused] == [False, True, False, False, False]
    assert len({u.policy_id for u in unused}) == 3


def test_a_crossing_policy_charges_a_no_show_at_once(engine, fleet):
    fleet.top_up(kzt=2_000_000)
    session = new_session(engine)
    try:
        dostyk = session.scalars(select(Crossing).where(Crossing.code == "DOSTYK")).one().id
    finally:
        session.close()
    set_terms(engine, at=almaty(2026, 3, 1), crossing_id=dostyk, charge_no_show_at_once=True)
    truck = fleet.vehicle()
    session = new_session(engine)
    try:
        user = session.scalars(select(User).where(User.login == "carrier")).one()
        data = BookingIn(
            vehicle_id=truck,
            crossing="DOSTYK",
            direction="exit",
            date=date(2026, 3, 5),
            hour=10,
            cargo_category="general",
        )
        create_booking(session, user=user, data=data, now=almaty(2026, 3, 2))
        session.commit()
        sweep_no_shows(session, now=almaty(2026, 3, 6))
        session.commit()
    finally:
        session.close()
    [missed] = unused_of(engine)
    assert (missed.kind, missed.ordinal, missed.charge_reason) == ("no_show", 1, "no_show")
    assert [c.amount for c in compensations(engine)] == [CHARGE]
