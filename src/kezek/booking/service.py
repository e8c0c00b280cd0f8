"""The booking lifecycle. Services flush; the request or job that calls them commits.

Order inside a booking transaction matters for speed and correctness: every check that only
reads comes first (a full slot is refused before any lock is taken), then the owner's account
row is locked for the funds check, and the slot's place is claimed last, so its row lock is
held only for the few inserts before commit.
"""

import secrets
from collections.abc import Sequence
from datetime import date, datetime, timedelta

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kezek.attorneys.service import owners_no_longer_represented, vehicles_for_intermediary
from kezek.audit.service import record
from kezek.booking import capacity, rules_lock
from kezek.booking.authorization import (
    VehicleAction,
    acting_party_ids,
    authorize_vehicle,
)
from kezek.booking.errors import (
    ArrivalWindowClosed,
    BookingClosed,
    BookingNotActive,
    BookingNotFound,
    CargoDeclarationRequired,
    CategoryMismatch,
    DebtOutstanding,
    DriverAlreadyAdded,
    InsufficientFunds,
    NotPriorityCargo,
    NotSameOwner,
    QuotaFull,
    SameSlot,
    SlotFull,
    TooManyDrivers,
    VehicleAlreadyBooked,
    VehicleNotConfirmed,
    VehicleNotFound,
)
from kezek.booking.fees import Fee, booking_fees, reschedule_fee
from kezek.booking.schemas import OUT_OF_TURN_CARGO, BookingIn, DriverIn, RescheduleIn, SubstituteIn
from kezek.booking.slots import Slot, SlotKey, booking_closes_at, resolve_slot
from kezek.compensation.counting import record_unused
from kezek.compensation.deposits import deposit_due, hold_deposit, return_deposit
from kezek.crossings.service import direction_of, get_crossing, local_today
from kezek.db import utcnow
from kezek.ledger.money import format_kzt
from kezek.ledger.service import balance, owner_account, post, system_account
from kezek.models.attorney import AttorneyScope
from kezek.models.booking import (
    WHOLE_DAY,
    Booking,
    BookingDriver,
    BookingStatus,
    CancelReason,
    Priority,
)
from kezek.models.compensation import UnusedKind
from kezek.models.crossing import DirectionKind
from kezek.models.ledger import Account, EntryKind, LedgerEntry
from kezek.models.party import User
from kezek.models.vehicle import RegistryStatus, Vehicle
from kezek.registry.client import Registry

MAX_DRIVERS = 3
REFERENCE_ALPHABET = "ABCDEFGHJKLMNPRSTUVWXYZ23456789"  # no 0/O, 1/I/Q: read over a radio


def create_booking(
    session: Session,
    *,
    user: User,
    data: BookingIn,
    now: datetime | None = None,
    registry: Registry | None = None,
) -> Booking:
    """Book an hour slot for a vehicle and debit the fee, or refuse saying which rule refused."""
    now = now or utcnow()
    vehicle = _registered_vehicle(session, data.vehicle_id)
    authorize_vehicle(
        session,
        user=user,
        vehicle=vehicle,
        action=VehicleAction.BOOK,
        on=data.date,
        registry=registry,
    )
    _check_priority_cargo(data)
    rules_lock.share_for_booking(session, crossing_code=data.crossing, kind=data.direction)
    crossing = get_crossing(session, code=data.crossing)
    direction = direction_of(crossing, data.direction)
    slot = resolve_slot(
        crossing=crossing,
        direction=direction,
        day=data.date,
        hour=data.hour,
        category=vehicle.category,
        priority=data.priority,
        now=now,
    )
    _refuse_if_full(session, slot, data.priority)
    _refuse_if_vehicle_booked(session, vin=vehicle.vin, kind=data.direction)
    fees = booking_fees(session, priority=data.priority, on=local_today(crossing, now))
    deposit = deposit_due(session, crossing_id=crossing.id, at=now)
    account = _account_with_funds(
        session, owner_id=vehicle.owner_id, need=sum(f.amount for f in fees) + deposit
    )
    _claim(session, slot, data.priority)
    booking = Booking(
        reference=_new_reference(),
        owner_id=vehicle.owner_id,
        vehicle_id=vehicle.id,
        vin=vehicle.vin,
        plate=vehicle.plate,
        trailer_plate=data.trailer_plate,
        crossing_id=crossing.id,
        direction_id=direction.id,
        direction_kind=data.direction,
        day=slot.day,
        hour=slot.hour,
        slot_start=slot.starts_at,
        slot_end=slot.ends_at,
        pool=slot.counter.pool,
        category=vehicle.category,
        cargo_category=data.cargo_category,
        priority=data.priority,
        cargo_declaration=data.cargo_declaration,
        status=BookingStatus.ACTIVE,
        created_by=user.id,
        created_at=now,
        drivers=[_driver_row(d) for d in data.drivers],
    )
    session.add(booking)
    _flush_booking(session, booking)
    for fee in fees:
        _charge(
            session,
            booking=booking,
            account=account,
            fee=fee,
            key=f"{fee.kind}:{booking.id}",
            user=user,
        )
    hold_deposit(session, booking, account_id=account.id, amount=deposit)
    record(
        session,
        action="booking.create",
        object_type="booking",
        object_id=booking.id,
        on_behalf_of=booking.owner_id,
        payload={
            "reference": booking.reference,
            "vehicle": vehicle.plate,
            "vin": vehicle.vin,
            "crossing": crossing.code,
            "direction": data.direction,
            "date": str(slot.day),
            "hour": slot.hour,
            "priority": data.priority,
            "fees_tiyn": sum(f.amount for f in fees),
            "deposit_tiyn": deposit,
        },
    )
    return booking


def cancel_booking(
    session: Session,
    *,
    user: User,
    booking_id: int,
    now: datetime | None = None,
    registry: Registry | None = None,
) -> Booking:
    """The owner's cancellation: the place goes back, the fee does not (it was for the slot),
    and it counts as an unused reservation (beyond the month's threshold, a compensation)."""
    booking = _mine(session, user=user, booking_id=booking_id, lock=True)
    authorize_vehicle(
        session,
        user=user,
        vehicle=booking.vehicle,
        action=VehicleAction.CANCEL,
        on=booking.day,
        registry=registry,
    )
    _require_active(booking)
    now = now or utcnow()
    window_end = arrival_window(booking)[1]
    if now > window_end:
        # Cancelling then would only rename a no-show (the sweep may not have run yet).
        raise ArrivalWindowClosed(
            f"Booking {booking.reference} could be used until {window_end:%Y-%m-%d %H:%M} UTC."
        )
    # The owner's account before the slot's counter, in the order booking creation takes them.
    owner_account(session, party_id=booking.owner_id, lock=True)
    capacity.release(session, counter_of(booking))
    booking.status = BookingStatus.CANCELLED
    booking.cancel_reason = CancelReason.USER
    booking.cancelled_at = now
    session.flush()
    record(
        session,
        action="booking.cancel",
        object_type="booking",
        object_id=booking.id,
        on_behalf_of=booking.owner_id,
        payload={"reference": booking.reference, "vehicle": booking.plate, "reason": "user"},
    )
    record_unused(session, booking, kind=UnusedKind.CANCELLATION, at=now)
    return_deposit(session, booking, why="cancelled")
    return booking


def reschedule_booking(
    session: Session,
    *,
    user: User,
    booking_id: int,
    data: RescheduleIn,
    now: datetime | None = None,
    registry: Registry | None = None,
) -> Booking:
    """Move to another date or hour at the same crossing and direction, for 100 MRP."""
    now = now or utcnow()
    rules_lock.share_for_existing(session, booking_id=booking_id)
    booking = _mine(session, user=user, booking_id=booking_id, lock=True)
    authorize_vehicle(
        session,
        user=user,
        vehicle=booking.vehicle,
        action=VehicleAction.BOOK,
        on=data.date,
        registry=registry,
    )
    _require_active(booking)
    _refuse_if_started(booking, now)
    if (data.date, data.hour) == (booking.day, booking.hour):
        raise SameSlot(f"Booking {booking.reference} is already at {data.date} {data.hour:02d}:00.")
    crossing, direction = booking.crossing, booking.direction
    slot = resolve_slot(
        crossing=crossing,
        direction=direction,
        day=data.date,
        hour=data.hour,
        category=booking.category,
        priority=Priority(booking.priority),
        now=now,
    )
    same_counter = slot.counter.hour == WHOLE_DAY and slot.counter.day == booking.day
    if not same_counter:
        _refuse_if_full(session, slot, Priority(booking.priority))
    fee = reschedule_fee(session, on=local_today(crossing, now))
    account = _account_with_funds(session, owner_id=booking.owner_id, need=fee.amount)
    if not same_counter:
        _claim(session, slot, Priority(booking.priority))
        capacity.release(session, counter_of(booking))
    before = {"date": str(booking.day), "hour": booking.hour}
    booking.day, booking.hour = slot.day, slot.hour
    booking.slot_start, booking.slot_end = slot.starts_at, slot.ends_at
    booking.pool = slot.counter.pool
    booking.reschedule_count += 1
    session.flush()
    _charge(
        session,
        booking=booking,
        account=account,
        fee=fee,
        key=f"{fee.kind}:{booking.id}:{booking.reschedule_count}",
        user=user,
    )
    record(
        session,
        action="booking.reschedule",
        object_type="booking",
        object_id=booking.id,
        on_behalf_of=booking.owner_id,
        payload={
            "reference": booking.reference,
            "before": before,
            "after": {"date": str(slot.day), "hour": slot.hour},
            "fee_tiyn": fee.amount,
        },
    )
    return booking


def add_driver(
    session: Session,
    *,
    user: User,
    booking_id: int,
    data: DriverIn,
    registry: Registry | None = None,
) -> Booking:
    booking = _mine(session, user=user, booking_id=booking_id, lock=True)
    authorize_vehicle(
        session,
        user=user,
        vehicle=booking.vehicle,
        action=VehicleAction.BOOK,
        on=booking.day,
        registry=registry,
    )
    _require_active(booking)
    if any(d.national_id == data.national_id for d in booking.drivers):
        raise DriverAlreadyAdded(f"{data.full_name} is already on booking {booking.reference}.")
    if len(booking.drivers) >= MAX_DRIVERS:
        raise TooManyDrivers(f"Booking {booking.reference} already names {MAX_DRIVERS} drivers.")
    booking.drivers.append(_driver_row(data))
    session.flush()
    record(
        session,
        action="booking.add_driver",
        object_type="booking",
        object_id=booking.id,
        on_behalf_of=booking.owner_id,
        payload={"reference": booking.reference, "driver": data.national_id},
    )
    return booking


def substitute_vehicle(
    session: Session,
    *,
    user: User,
    booking_id: int,
    data: SubstituteIn,
    registry: Registry | None = None,
) -> Booking:
    """Replace a broken-down vehicle by another of the same owner and category (logged)."""
    booking = _mine(session, user=user, booking_id=booking_id, lock=True)
    authorize_vehicle(
        session,
        user=user,
        vehicle=booking.vehicle,
        action=VehicleAction.BOOK,
        on=booking.day,
        registry=registry,
    )
    _require_active(booking)
    replacement = _registered_vehicle(session, data.vehicle_id)
    if replacement.owner_id != booking.owner_id:
        # The one path that could turn a booking into a tradeable good: refused outright.
        raise NotSameOwner(
            f"{replacement.plate} does not belong to the owner of booking {booking.reference}."
        )
    # Whoever substitutes must also be entitled to book the replacement (an insured driver of
    # one truck may not move the booking to a truck they are not insured for).
    authorize_vehicle(
        session,
        user=user,
        vehicle=replacement,
        action=VehicleAction.BOOK,
        on=booking.day,
        registry=registry,
    )
    if replacement.category != booking.category:
        raise CategoryMismatch(
            f"{replacement.plate} is a {replacement.category}; "
            f"the booking is for a {booking.category}."
        )
    if replacement.id == booking.vehicle_id:
        raise SameSlot(f"{replacement.plate} is already the vehicle of this booking.")
    _refuse_if_vehicle_booked(
        session, vin=replacement.vin, kind=DirectionKind(booking.direction_kind)
    )
    before = {"vehicle_id": booking.vehicle_id, "plate": booking.plate, "vin": booking.vin}
    booking.vehicle_id, booking.vin, booking.plate = (
        replacement.id,
        replacement.vin,
        replacement.plate,
    )
    booking.vehicle = replacement
    _flush_booking(session, booking)
    record(
        session,
        action="booking.substitute",
        object_type="booking",
        object_id=booking.id,
        on_behalf_of=booking.owner_id,
        payload={
            "reference": booking.reference,
            "before": before,
            "after": {
                "vehicle_id": replacement.id,
                "plate": replacement.plate,
                "vin": replacement.vin,
            },
            "reason": data.reason,
        },
    )
    return booking


def get_booking(session: Session, *, user: User, booking_id: int) -> Booking:
    booking = session.scalar(
        select(Booking).where(Booking.id == booking_id, _readable_by(session, user))
    )
    if booking is None:
        raise BookingNotFound(f"You have no booking {booking_id}.")
    return booking


def list_bookings(
    session: Session,
    *,
    user: User,
    status: BookingStatus | None = None,
    crossing: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    limit: int = 100,
    offset: int = 0,
) -> Sequence[Booking]:
    """The bookings of the parties the user acts for, the latest slot first."""
    query = select(Booking).where(_readable_by(session, user))
    if status:
        query = query.where(Booking.status == status)
    if crossing:
        query = query.where(Booking.crossing_id == get_crossing(session, code=crossing).id)
    if date_from:
        query = query.where(Booking.day >= date_from)
    if date_to:
        query = query.where(Booking.day <= date_to)
    query = query.order_by(Booking.slot_start.desc(), Booking.id.desc()).limit(limit).offset(offset)
    return session.scalars(query).all()


def fees_charged(session: Session, *, booking_id: int) -> int:
    """Fees debited for a booking, net of their refunds, in tiyn (a deposit or a compensation
    for the booking is not a fee: their entries have keys of their own)."""
    fee_kinds = (EntryKind.BOOKING_FEE, EntryKind.PRIORITY_FEE, EntryKind.RESCHEDULE_FEE)
    fee_refund = (LedgerEntry.kind == EntryKind.REFUND) & LedgerEntry.event_key.startswith(
        "refund:"
    )
    rows = session.execute(
        select(LedgerEntry.kind, func.sum(LedgerEntry.amount))
        .where(LedgerEntry.booking_id == booking_id)
        .where(LedgerEntry.kind.in_(fee_kinds) | fee_refund)
        .group_by(LedgerEntry.kind)
    ).all()
    return sum(total if kind != EntryKind.REFUND else -total for kind, total in rows)


def counter_of(booking: Booking) -> SlotKey:
    """The counter a booking holds a place on (capacity is irrelevant for a release)."""
    hour = booking.hour if booking.priority == Priority.NORMAL else WHOLE_DAY
    return SlotKey(booking.direction_id, booking.day, hour, booking.pool, 0)


def arrival_window(booking: Booking) -> tuple[datetime, datetime]:
    crossing = booking.crossing
    return (
        booking.slot_start - timedelta(hours=crossing.arrival_early_hours),
        booking.slot_end + timedelta(hours=crossing.arrival_grace_hours),
    )


# --- steps --------------------------------------------------------------------------------


def _registered_vehicle(session: Session, vehicle_id: int) -> Vehicle:
    """The vehicle, if its registration stands: a foreign vehicle waiting for an operator's
    certificate check (or refused by it) cannot be booked yet."""
    vehicle = _vehicle(session, vehicle_id)
    if vehicle.registry_status in (RegistryStatus.PENDING, RegistryStatus.REJECTED):
        raise VehicleNotConfirmed(
            f"The registration of {vehicle.plate} is {vehicle.registry_status}: an operator "
            "must confirm its registration certificate before it can be booked."
        )
    return vehicle


def _vehicle(session: Session, vehicle_id: int) -> Vehicle:
    vehicle = session.get(Vehicle, vehicle_id)
    if vehicle is None or not vehicle.is_active:
        raise VehicleNotFound(f"No vehicle with id {vehicle_id}.")
    return vehicle


def _visible_to(session: Session, user: User) -> ColumnElement[bool]:
    """The bookings of the parties the user acts for, those the user made for others (as an
    intermediary: found after the attorney ends, so that acting on them is refused with the
    reason; reading them is decided by _readable_by), and those of the vehicles a standing
    attorney with the view scope covers."""
    return or_(
        Booking.owner_id.in_(acting_party_ids(session, user=user)),
        Booking.created_by == user.id,
        _of_viewable_vehicles(session, user),
    )


def _readable_by(session: Session, user: User) -> ColumnElement[bool]:
    """What a user may read: as _visible_to, less what they booked for an owner whose
    attorneys to them were all revoked or are over (revocation takes effect at once, for
    reading too). Acting on such a booking still finds it, to refuse it with the reason."""
    gone = owners_no_longer_represented(session, user.person_id)
    if not gone:
        return _visible_to(session, user)
    return or_(
        Booking.owner_id.in_(acting_party_ids(session, user=user)),
        (Booking.created_by == user.id) & Booking.owner_id.not_in(gone),
        _of_viewable_vehicles(session, user),
    )


def _of_viewable_vehicles(session: Session, user: User) -> ColumnElement[bool]:
    """Bookings, by their owner, of vehicles an attorney standing today lets the user view."""
    viewable = [
        c.vehicle.id
        for c in vehicles_for_intermediary(session, user.person_id)
        if AttorneyScope.VIEW in c.scopes
    ]
    return Booking.vehicle_id.in_(viewable or [-1])


def _mine(session: Session, *, user: User, booking_id: int, lock: bool = False) -> Booking:
    query = select(Booking).where(Booking.id == booking_id, _visible_to(session, user))
    if lock:
        # Cancel, reschedule and check-in of one booking take turns on its row.
        query = query.with_for_update(of=Booking)
    booking = session.scalar(query)
    if booking is None:  # someone else's booking is as invisible as a missing one
        raise BookingNotFound(f"You have no booking {booking_id}.")
    return booking


def _require_active(booking: Booking) -> None:
    if booking.status != BookingStatus.ACTIVE:
        raise BookingNotActive(
            f"Booking {booking.reference} is {booking.status.replace('_', '-')}."
        )


def _refuse_if_started(booking: Booking, now: datetime) -> None:
    """A booking moves only while its own slot could still be booked: once the lead time before
    it has begun, moving it would turn a no-show into a paid postponement."""
    if now > booking_closes_at(booking.crossing, booking.slot_start):
        raise BookingClosed(
            f"Booking {booking.reference} starts at {booking.day} {booking.hour:02d}:00; "
            "it can no longer be moved."
        )


def _check_priority_cargo(data: BookingIn) -> None:
    if data.priority != Priority.OUT_OF_TURN:
        return
    if data.cargo_category not in OUT_OF_TURN_CARGO:
        allowed = ", ".join(sorted(OUT_OF_TURN_CARGO))
        raise NotPriorityCargo(
            f"{data.cargo_category} cargo does not pass out of turn; {allowed} do."
        )
    if not data.cargo_declaration:
        raise CargoDeclarationRequired()


def _refuse_if_full(session: Session, slot: Slot, priority: Priority) -> None:
    if capacity.looks_full(session, slot.counter):
        raise _full_error(slot, priority)


def _claim(session: Session, slot: Slot, priority: Priority) -> None:
    if not capacity.claim(session, slot.counter):
        raise _full_error(slot, priority)


def _full_error(slot: Slot, priority: Priority) -> Exception:
    if priority == Priority.NORMAL:
        return SlotFull(
            f"{slot.day} {slot.hour:02d}:00 is fully booked ({slot.counter.capacity} places)."
        )
    return QuotaFull(
        f"The {priority.replace('_', '-')} quota of {slot.day} "
        f"({slot.counter.capacity} places) is used up."
    )


def _refuse_if_vehicle_booked(session: Session, *, vin: str, kind: DirectionKind) -> None:
    held = session.scalar(
        select(Booking).where(
            Booking.vin == vin,
            Booking.direction_kind == kind,
            Booking.status == BookingStatus.ACTIVE,
        )
    )
    if held is not None:
        raise VehicleAlreadyBooked(
            f"{held.plate} already holds booking {held.reference} for {held.day} "
            f"{held.hour:02d}:00 at {held.crossing.code} ({kind}); cancel it first."
        )


def _flush_booking(session: Session, booking: Booking) -> None:
    """Flush, turning a lost race on the one-active-booking-per-VIN index into its refusal."""
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as err:
        if "uq_bookings_active_vin_direction" in str(err.orig) or "bookings.vin" in str(err.orig):
            raise VehicleAlreadyBooked(
                f"{booking.plate} was booked in this direction by a request made at the same time."
            ) from err
        raise


def _account_with_funds(session: Session, *, owner_id: int, need: int) -> Account:
    account = owner_account(session, party_id=owner_id, lock=True)
    have = balance(session, account_id=account.id)
    if have < 0:
        raise DebtOutstanding(f"The account owes {format_kzt(-have)}; settle it before booking.")
    if have < need:
        raise InsufficientFunds(
            f"The fee is {format_kzt(need)} and the balance {format_kzt(have)}; top up first."
        )
    return account


def _charge(
    session: Session, *, booking: Booking, account: Account, fee: Fee, key: str, user: User
) -> None:
    post(
        session,
        event_key=key,
        kind=fee.kind,
        debit_account_id=account.id,
        credit_account_id=system_account(session, fee.income_account).id,
        amount=fee.amount,
        booking_id=booking.id,
        memo=f"{fee.memo} {booking.reference}",
        created_by=user.id,
    )


def _driver_row(data: DriverIn) -> BookingDriver:
    return BookingDriver(full_name=data.full_name, national_id=data.national_id, phone=data.phone)


def _new_reference() -> str:
    return "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
