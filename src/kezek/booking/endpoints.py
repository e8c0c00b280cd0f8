"""Bookings API: book, list, read, cancel, reschedule, add drivers, substitute the vehicle."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, status
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from kezek.booking import service
from kezek.booking.authorization import VEHICLE_REFUSALS
from kezek.booking.errors import (
    ArrivalWindowClosed,
    BookingClosed,
    BookingNotActive,
    BookingNotFound,
    CargoDeclarationRequired,
    CategoryMismatch,
    CrossingInactive,
    DebtOutstanding,
    DriverAlreadyAdded,
    InsufficientFunds,
    NotPriorityCargo,
    NotSameOwner,
    QuotaFull,
    SameSlot,
    SlotClosed,
    SlotFull,
    TooManyDrivers,
    VehicleAlreadyBooked,
    VehicleNotConfirmed,
    VehicleNotFound,
)
from kezek.booking.schemas import BookingIn, BookingOut, DriverIn, RescheduleIn, SubstituteIn
from kezek.booking.views import booking_out
from kezek.crossings.errors import CategoryNotServed, CrossingNotFound, OutsideHorizon
from kezek.deps import DbSession, RequestRegistry, require_roles
from kezek.errors import AppError, Busy, Forbidden, NotAuthenticated, error_responses
from kezek.idempotency import (
    IdempotencyInProgress,
    IdempotencyKeyHeader,
    IdempotencyKeyReused,
    request_fingerprint,
    run_idempotent,
)
from kezek.ledger.errors import MrpUnknown
from kezek.models.booking import BookingStatus
from kezek.models.party import Role, User

# Staff roles do not book; who may book for which vehicle is decided in booking.authorization.
Booker = Annotated[User, require_roles(Role.CARRIER, Role.DRIVER, Role.INTERMEDIARY)]
router = APIRouter(prefix="/api/v1/bookings", tags=["bookings"])

Fingerprint = Annotated[str, Depends(request_fingerprint)]
COMMON = (NotAuthenticated, Forbidden, IdempotencyKeyReused, IdempotencyInProgress, Busy)
SLOT_RULES = (
    CrossingNotFound,
    CrossingInactive,
    OutsideHorizon,
    CategoryNotServed,
    SlotClosed,
    BookingClosed,
    SlotFull,
    QuotaFull,
    InsufficientFunds,
    DebtOutstanding,
    MrpUnknown,
)
ACTOR = VEHICLE_REFUSALS  # who may act for the vehicle (kezek.booking.authorization)


@contextmanager
def _footprint_as(action: str, **payload: Any) -> Iterator[None]:
    """Name the refused action and its object in the trail (the handler records the refusal)."""
    try:
        yield
    except AppError as err:
        err.audit_action = action
        err.audit_payload = {k: v for k, v in payload.items() if v is not None}
        raise


@router.post(
    "",
    response_model=BookingOut,
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(
        *COMMON,
        *ACTOR,
        *SLOT_RULES,
        VehicleNotFound,
        VehicleNotConfirmed,
        VehicleAlreadyBooked,
        NotPriorityCargo,
        CargoDeclarationRequired,
    ),
)
def create_booking(
    body: BookingIn,
    session: DbSession,
    user: Booker,
    registry: RequestRegistry,
    fingerprint: Fingerprint,
    idempotency_key: IdempotencyKeyHeader = None,
) -> JSONResponse:
    """Book an hour slot for a vehicle; 1 MRP is debited from the owner's account."""
    with _footprint_as(
        "booking.create",
        vehicle_id=body.vehicle_id,
        crossing=body.crossing,
        direction=body.direction,
        date=str(body.date),
        hour=body.hour,
    ):
        return run_idempotent(
            session,
            user_id=user.id,
            key=idempotency_key,
            fingerprint=fingerprint,
            status_code=201,
            action=lambda: booking_out(
                session, service.create_booking(session, user=user, data=body, registry=registry)
            ),
        )


@router.get(
    "",
    response_model=list[BookingOut],
    responses=error_responses(NotAuthenticated, Forbidden, CrossingNotFound),
)
def list_bookings(
    session: DbSession,
    user: Booker,
    status_: Annotated[BookingStatus | None, Query(alias="status")] = None,
    crossing: str | None = None,
    from_: Annotated[date | None, Query(alias="from")] = None,
    to: date | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[BookingOut]:
    """Your bookings (and those of the companies you represent), the latest slot first."""
    rows = service.list_bookings(
        session,
        user=user,
        status=status_,
        crossing=crossing,
        date_from=from_,
        date_to=to,
        limit=limit,
        offset=offset,
    )
    return [booking_out(session, b) for b in rows]


@router.get(
    "/{booking_id}",
    response_model=BookingOut,
    responses=error_responses(NotAuthenticated, Forbidden, BookingNotFound),
)
def get_booking(booking_id: int, session: DbSession, user: Booker) -> BookingOut:
    return booking_out(session, service.get_booking(session, user=user, booking_id=booking_id))


def _changed(
    session: Session, user: User, key: str | None, fingerprint: str, change: Any
) -> JSONResponse:
    return run_idempotent(
        session,
        user_id=user.id,
        key=key,
        fingerprint=fingerprint,
        status_code=200,
        action=lambda: booking_out(session, change()),
    )


@router.post(
    "/{booking_id}/cancel",
    response_model=BookingOut,
    responses=error_responses(
        *COMMON, *ACTOR, BookingNotFound, BookingNotActive, ArrivalWindowClosed
    ),
)
def cancel_booking(
    booking_id: int,
    session: DbSession,
    user: Booker,
    registry: RequestRegistry,
    fingerprint: Fingerprint,
    idempotency_key: IdempotencyKeyHeader = None,
) -> JSONResponse:
    """Cancel: the place is freed; the booking fee is not refunded."""
    with _footprint_as("booking.cancel", booking_id=booking_id):
        return _changed(
            session,
            user,
            idempotency_key,
            fingerprint,
            lambda: service.cancel_booking(
                session, user=user, booking_id=booking_id, registry=registry
            ),
        )


@router.post(
    "/{booking_id}/reschedule",
    response_model=BookingOut,
    responses=error_responses(
        *COMMON, *ACTOR, *SLOT_RULES, BookingNotFound, BookingNotActive, SameSlot
    ),
)
def reschedule_booking(
    booking_id: int,
    body: RescheduleIn,
    session: DbSession,
    user: Booker,
    registry: RequestRegistry,
    fingerprint: Fingerprint,
    idempotency_key: IdempotencyKeyHeader = None,
) -> JSONResponse:
    """Move to another date or hour, same crossing and direction; costs 100 MRP."""
    with _footprint_as(
        "booking.reschedule", booking_id=booking_id, date=str(body.date), hour=body.hour
    ):
        return _changed(
            session,
            user,
            idempotency_key,
            fingerprint,
            lambda: service.reschedule_booking(
                session, user=user, booking_id=booking_id, data=body, registry=registry
            ),
        )


@router.post(
    "/{booking_id}/drivers",
    response_model=BookingOut,
    responses=error_responses(
        *COMMON, *ACTOR, BookingNotFound, BookingNotActive, DriverAlreadyAdded, TooManyDrivers
    ),
)
def add_driver(
    booking_id: int,
    body: DriverIn,
    session: DbSession,
    user: Booker,
    registry: RequestRegistry,
    fingerprint: Fingerprint,
    idempotency_key: IdempotencyKeyHeader = None,
) -> JSONResponse:
    """Name another driver on the booking (at most three)."""
    with _footprint_as("booking.add_driver", booking_id=booking_id):
        return _changed(
            session,
            user,
            idempotency_key,
            fingerprint,
            lambda: service.add_driver(
                session, user=user, booking_id=booking_id, data=body, registry=registry
            ),
        )


@router.post(
    "/{booking_id}/substitute",
    response_model=BookingOut,
    responses=error_responses(
        *COMMON,
        *ACTOR,
        BookingNotFound,
        BookingNotActive,
        VehicleNotFound,
        VehicleNotConfirmed,
        NotSameOwner,
        CategoryMismatch,
        SameSlot,
        VehicleAlreadyBooked,
    ),
)
def substitute_vehicle(
    booking_id: int,
    body: SubstituteIn,
    session: DbSession,
    user: Booker,
    registry: RequestRegistry,
    fingerprint: Fingerprint,
    idempotency_key: IdempotencyKeyHeader = None,
) -> JSONResponse:
    """Replace the vehicle by another of the same owner and category (a breakdown); logged."""
    with _footprint_as("booking.substitute", booking_id=booking_id, vehicle_id=body.vehicle_id):
        return _changed(
            session,
            user,
            idempotency_key,
            fingerprint,
            lambda: service.substitute_vehicle(
                session, user=user, booking_id=booking_id, data=body, registry=registry
            ),
        )
