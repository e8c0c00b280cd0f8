"""Vehicles API: list my fleet, register a vehicle, find the vehicles I may book for."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, status
from fastapi.responses import JSONResponse

from kezek.booking.authorization import VEHICLE_REFUSALS
from kezek.booking.bookable import bookable_by_plate, bookable_vehicles
from kezek.booking.errors import PlateNotRegistered
from kezek.deps import DbSession, RequestRegistry, require_roles
from kezek.errors import AppError, Busy, Forbidden, NotAuthenticated, error_responses
from kezek.idempotency import (
    IdempotencyInProgress,
    IdempotencyKeyHeader,
    IdempotencyKeyReused,
    request_fingerprint,
    run_idempotent,
)
from kezek.models.party import Role, User
from kezek.models.vehicle import Vehicle
from kezek.registry.errors import (
    RegistryOwnerMismatch,
    RegistryUnavailable,
    RegistryVehicleUnknown,
)
from kezek.vehicles import service
from kezek.vehicles.errors import (
    CountryInvalid,
    NotYourCompany,
    PlateInvalid,
    VinCheckDigit,
    VinInvalid,
    VinTaken,
)
from kezek.vehicles.schemas import BookableVehicleOut, VehicleIn, VehicleOut

router = APIRouter(prefix="/api/v1/vehicles", tags=["vehicles"])

FleetReader = Annotated[User, require_roles(Role.CARRIER, Role.DRIVER, Role.INTERMEDIARY)]
# Carriers register their fleet; admins may register for themselves or their companies too.
Registrar = Annotated[User, require_roles(Role.CARRIER, Role.ADMIN)]
Fingerprint = Annotated[str, Depends(request_fingerprint)]


def vehicle_out(vehicle: Vehicle) -> VehicleOut:
    return VehicleOut(
        id=vehicle.id,
        plate=vehicle.plate,
        vin=vehicle.vin,
        category=vehicle.category,
        country=vehicle.country,
        make=vehicle.make,
        owner_id=vehicle.owner_id,
        owner_name=vehicle.owner.full_name,
        is_active=vehicle.is_active,
        created_at=vehicle.created_at,
        registry_status=vehicle.registry_status,
        registry_reason=vehicle.registry_reason,
        has_certificate=vehicle.certificate_file is not None,
    )


@router.get(
    "", response_model=list[VehicleOut], responses=error_responses(NotAuthenticated, Forbidden)
)
def list_vehicles(session: DbSession, user: FleetReader) -> list[VehicleOut]:
    """The vehicles of the parties I act for: myself and the companies I represent."""
    return [vehicle_out(v) for v in service.vehicles_of(session, user=user)]


@router.get(
    "/bookable",
    response_model=list[BookableVehicleOut],
    responses=error_responses(
        NotAuthenticated,
        Forbidden,
        PlateNotRegistered,
        *VEHICLE_REFUSALS,
    ),
)
def list_bookable(
    session: DbSession,
    user: FleetReader,
    registry: RequestRegistry,
    plate: Annotated[str | None, Query(max_length=20)] = None,
) -> list[BookableVehicleOut]:
    """The vehicles I may book for and why: my own and my companies' (`owner`), those a power
    of attorney from their owner covers today (`attorney`), and those I booked before that the
    insurance registry insures me to drive (`driver`). With `plate`, that one vehicle checked
    with the booking rule: how a driver finds a truck the list does not show yet (asks the
    registry; 503 registry_unavailable when it cannot be reached)."""
    if plate:
        found = [bookable_by_plate(session, user=user, plate=plate, registry=registry)]
    else:
        found = bookable_vehicles(session, user=user)
    return [
        BookableVehicleOut(**vehicle_out(b.vehicle).model_dump(), ground=b.ground) for b in found
    ]


@router.post(
    "",
    response_model=VehicleOut,
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(
        NotAuthenticated,
        Forbidden,
        NotYourCompany,
        VinInvalid,
        VinCheckDigit,
        PlateInvalid,
        CountryInvalid,
        VinTaken,
        RegistryOwnerMismatch,
        RegistryVehicleUnknown,
        RegistryUnavailable,
        IdempotencyKeyReused,
        IdempotencyInProgress,
        Busy,
    ),
)
def register_vehicle(
    body: VehicleIn,
    session: DbSession,
    user: Registrar,
    fingerprint: Fingerprint,
    registry: RequestRegistry,
    idempotency_key: IdempotencyKeyHeader = None,
) -> JSONResponse:
    """Register a vehicle to me, or to a company I represent (`owner_company_id`).

    The insurance registry must name the owner (or a holder): someone else, 409
    registry_owner_mismatch; a VIN it does not know, 409 registry_vehicle_unknown for a vehicle
    registered in Kazakhstan, while a foreign one is stored `pending` until an operator checks
    its registration certificate (upload it to /certificate); registry unreachable, 503
    registry_unavailable and nothing is stored."""
    try:
        return run_idempotent(
            session,
            user_id=user.id,
            key=idempotency_key,
            fingerprint=fingerprint,
            status_code=201,
            action=lambda: vehicle_out(
                service.register_vehicle(session, user=user, data=body, registry=registry)
            ),
        )
    except AppError as err:
        err.audit_action = "vehicle.register"
        err.audit_payload = {"vin": body.vin, "plate": body.plate}
        raise
