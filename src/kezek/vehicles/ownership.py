"""Who may register a vehicle, by the insurance registry; and the operator's check of the
registration certificate of a foreign vehicle the registry does not know."""

from sqlalchemy.orm import Session

from kezek.audit.service import record
from kezek.errors import AppError
from kezek.identity.storage import MediaStore
from kezek.models.party import Party
from kezek.models.vehicle import RegistryStatus, Vehicle
from kezek.registry.client import Registry
from kezek.registry.errors import RegistryOwnerMismatch, RegistryVehicleUnknown
from kezek.vehicles.errors import (
    CertificateInvalid,
    CertificateTooLarge,
    NotPending,
    RejectionReasonMissing,
)

HOME_COUNTRY = "KZ"  # the registry covers the vehicles registered here
MAX_CERTIFICATE_BYTES = 10 * 1024 * 1024
CERTIFICATE_TYPES = {"image/jpeg": "jpg", "image/png": "png", "application/pdf": "pdf"}
# The first bytes of each accepted type: the type is read from the content, never the name.
MAGIC = {
    b"\xff\xd8\xff": "image/jpeg",
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"%PDF-": "application/pdf",
}


def registry_status_for(
    registry: Registry | None, *, vin: str, country: str, owner: Party
) -> RegistryStatus:
    """The status a new vehicle starts with, or the refusal. RegistryUnavailable propagates:
    nothing is stored while the registry cannot be asked."""
    if registry is None:
        return RegistryStatus.UNCHECKED
    found = registry.vehicle(vin)
    if found is None:
        if country == HOME_COUNTRY:
            raise RegistryVehicleUnknown()
        return RegistryStatus.PENDING  # foreign: an operator checks the certificate
    if not found.owned_or_held_by(owner):
        raise RegistryOwnerMismatch(
            f"The insurance registry names as the owner of VIN {vin} {found.owner.masked()}, "
            f"not {owner.national_id}. If the vehicle changed hands, the new owner's insurance "
            "must reach the registry first."
        )
    return RegistryStatus.CONFIRMED


def document_media_type(
    data: bytes,
    *,
    max_bytes: int,
    too_large: type[AppError],
    invalid: type[AppError],
) -> str:
    """The type of an uploaded scan (JPEG, PNG or PDF), read from its content, never its name;
    `too_large` or `invalid` when it is not one."""
    if len(data) > max_bytes:
        raise too_large()
    for magic, media_type in MAGIC.items():
        if data.startswith(magic):
            return media_type
    raise invalid()


def certificate_media_type(data: bytes) -> str:
    """The type of an uploaded certificate, read from its content (JPEG, PNG or PDF)."""
    return document_media_type(
        data,
        max_bytes=MAX_CERTIFICATE_BYTES,
        too_large=CertificateTooLarge,
        invalid=CertificateInvalid,
    )


def attach_certificate(
    session: Session, *, vehicle: Vehicle, data: bytes, media: MediaStore
) -> Vehicle:
    """Store the registration certificate of a pending (or rejected) vehicle for an operator;
    a new upload replaces the previous file and puts the vehicle back to pending."""
    if vehicle.registry_status not in (RegistryStatus.PENDING, RegistryStatus.REJECTED):
        raise NotPending("Only a vehicle waiting for a certificate check takes a certificate.")
    media_type = certificate_media_type(data)
    name = media.save_in(session, data, "certificate", CERTIFICATE_TYPES[media_type])
    if vehicle.certificate_file:
        media.delete_after_commit(session, vehicle.certificate_file)
    vehicle.certificate_file = name
    vehicle.certificate_media_type = media_type
    vehicle.registry_status = RegistryStatus.PENDING
    vehicle.registry_reason = None
    session.flush()
    record(
        session,
        action="vehicle.certificate_upload",
        object_type="vehicle",
        object_id=vehicle.id,
        on_behalf_of=vehicle.owner_id,
        payload={"media_type": media_type, "bytes": len(data)},
    )
    return vehicle


def decide_certificate(
    session: Session, *, vehicle: Vehicle, confirm: bool, reason: str | None
) -> Vehicle:
    """An operator's decision on a pending vehicle's certificate (a reason is required to
    reject, so the owner learns what to fix)."""
    if not confirm and not reason:
        raise RejectionReasonMissing()
    if vehicle.registry_status != RegistryStatus.PENDING or not vehicle.certificate_file:
        raise NotPending("Only a pending vehicle with an uploaded certificate can be decided.")
    vehicle.registry_status = RegistryStatus.CONFIRMED if confirm else RegistryStatus.REJECTED
    vehicle.registry_reason = reason
    session.flush()
    record(
        session,
        action="vehicle.certificate_confirm" if confirm else "vehicle.certificate_reject",
        object_type="vehicle",
        object_id=vehicle.id,
        on_behalf_of=vehicle.owner_id,
        payload={"reason": reason},
    )
    return vehicle
