"""Registration certificates of foreign vehicles the registry does not know: the owner uploads,
an operator checks and confirms or rejects."""

from typing import Annotated

from fastapi import APIRouter, File, Response, UploadFile

from kezek.booking.errors import VehicleNotFound
from kezek.deps import DbSession, Media, require_roles
from kezek.errors import Forbidden, NotAuthenticated, error_responses
from kezek.identity.storage import MediaStore
from kezek.models.party import Role, User
from kezek.models.vehicle import Vehicle
from kezek.vehicles import service
from kezek.vehicles.endpoints import Registrar, vehicle_out
from kezek.vehicles.errors import (
    CertificateInvalid,
    CertificateTooLarge,
    NotPending,
    RejectionReasonMissing,
)
from kezek.vehicles.ownership import (
    MAX_CERTIFICATE_BYTES,
    attach_certificate,
    decide_certificate,
)
from kezek.vehicles.schemas import CertificateDecision, CertificateDecisionIn, VehicleOut

router = APIRouter(prefix="/api/v1/vehicles", tags=["vehicles"])
Checker = Annotated[User, require_roles(Role.OPERATOR, Role.ADMIN)]


@router.post(
    "/{vehicle_id}/certificate",
    response_model=VehicleOut,
    responses=error_responses(
        NotAuthenticated,
        Forbidden,
        VehicleNotFound,
        NotPending,
        CertificateInvalid,
        CertificateTooLarge,
    ),
)
def upload_certificate(
    vehicle_id: int,
    session: DbSession,
    user: Registrar,
    media: Media,
    certificate: Annotated[
        UploadFile,
        File(description="The vehicle registration certificate: JPEG, PNG or PDF, under 10 MB"),
    ],
) -> VehicleOut:
    """Upload the registration certificate of my pending vehicle for an operator to check.
    The type is read from the content; the file is kept under a server-made name."""
    vehicle = service.own_vehicle(session, user=user, vehicle_id=vehicle_id)
    data = certificate.file.read(MAX_CERTIFICATE_BYTES + 1)  # more is refused unread
    return vehicle_out(attach_certificate(session, vehicle=vehicle, data=data, media=media))


@router.get(
    "/pending",
    response_model=list[VehicleOut],
    responses=error_responses(NotAuthenticated, Forbidden),
)
def list_pending(session: DbSession, user: Checker) -> list[VehicleOut]:
    """Vehicles waiting for a certificate check (operators)."""
    return [vehicle_out(v) for v in service.pending_vehicles(session)]


@router.get(
    "/{vehicle_id}/certificate",
    responses={
        200: {"content": {"image/jpeg": {}, "image/png": {}, "application/pdf": {}}},
        **error_responses(NotAuthenticated, Forbidden, VehicleNotFound),
    },
)
def read_certificate(vehicle_id: int, session: DbSession, user: Checker, media: Media) -> Response:
    """The uploaded certificate, for the operator who checks it."""
    return certificate_response(media, service.any_vehicle(session, vehicle_id=vehicle_id))


@router.post(
    "/{vehicle_id}/certificate/decision",
    response_model=VehicleOut,
    responses=error_responses(
        NotAuthenticated, Forbidden, VehicleNotFound, NotPending, RejectionReasonMissing
    ),
)
def decide(
    vehicle_id: int, body: CertificateDecisionIn, session: DbSession, user: Checker
) -> VehicleOut:
    """Confirm or reject a pending vehicle's certificate (operators); rejecting needs a reason."""
    confirm = body.decision == CertificateDecision.CONFIRM
    vehicle = service.any_vehicle(session, vehicle_id=vehicle_id)
    return vehicle_out(
        decide_certificate(session, vehicle=vehicle, confirm=confirm, reason=body.reason)
    )


def certificate_response(media: MediaStore, vehicle: Vehicle) -> Response:
    """The uploaded file as it was checked: never cached, its type not guessed by the browser
    (the operators' page serves it the same way)."""
    if not vehicle.certificate_file or not vehicle.certificate_media_type:
        raise VehicleNotFound("This vehicle has no uploaded certificate.")
    return Response(
        media.read(vehicle.certificate_file),
        media_type=vehicle.certificate_media_type,
        headers={"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"},
    )
