"""My vehicles: the fleet of the parties the user acts for, registering a vehicle (checked with
the insurance registry) and uploading the registration certificate of a pending one.

Everything goes through kezek.vehicles, as the API does; refusals are written to the footprints
and shown next to the field they concern, in the page's language, with the typed values kept.
"""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from kezek.deps import DbSession, get_registry
from kezek.errors import AppError, ValidationFailed
from kezek.models.party import User
from kezek.models.vehicle import RegistryStatus, Vehicle
from kezek.people.service import companies_of
from kezek.vehicles import service
from kezek.vehicles.ownership import MAX_CERTIFICATE_BYTES, attach_certificate
from kezek.vehicles.schemas import VehicleCategory, VehicleIn
from kezek.web.auth import RegistrarPageUser, refused
from kezek.web.csrf import csrf_protect
from kezek.web.forms import FORM_LEVEL, FormData, blank_to_none, error_text, validation_errors
from kezek.web.i18n import N_, locale_of, translate
from kezek.web.messages import VEHICLE_ERROR_TEXT
from kezek.web.templating import flash, render

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf_protect)])

PAGE = "/vehicles"
FIELDS = ("plate", "vin", "category", "country", "make", "owner_company_id")
# The form field each registration refusal is about; the others belong to the whole form.
FIELD_OF_CODE = {
    "vin_invalid": "vin",
    "vin_check_digit": "vin",
    "vin_taken": "vin",
    "registry_owner_mismatch": "vin",
    "registry_vehicle_unknown": "vin",
    "plate_invalid": "plate",
    "country_invalid": "country",
    "not_company_representative": "owner_company_id",
}
REGISTERED = {
    RegistryStatus.CONFIRMED: N_(
        "The vehicle %(plate)s is registered: the insurance registry confirms its owner."
    ),
    RegistryStatus.PENDING: N_(
        "The vehicle %(plate)s is saved. The insurance registry does not know it: upload its "
        "registration certificate below for an operator to check."
    ),
    RegistryStatus.UNCHECKED: N_("The vehicle %(plate)s is registered."),
    # only a VIN registered before (the same owner's) comes back rejected
    RegistryStatus.REJECTED: N_(
        "The vehicle %(plate)s was registered before and an operator rejected its certificate: "
        "upload a new one below."
    ),
}


def vehicle_error_text(locale: str, err: AppError) -> str:
    """A refusal's text, in the words of registering a vehicle where they differ."""
    if err.code in VEHICLE_ERROR_TEXT:
        return translate(locale, VEHICLE_ERROR_TEXT[err.code])
    return error_text(locale, err)


@router.get(PAGE, response_class=HTMLResponse)
def vehicles_page(request: Request, session: DbSession, user: RegistrarPageUser) -> HTMLResponse:
    return _page(request, session, user)


@router.post(PAGE, response_class=HTMLResponse)
def register(
    request: Request, session: DbSession, user: RegistrarPageUser, form: FormData
) -> Response:
    locale = locale_of(request)
    values = {name: form.get(name, "") for name in FIELDS}
    try:
        data = VehicleIn.model_validate(
            {**values, "owner_company_id": blank_to_none(values["owner_company_id"])}
        )
    except ValidationError as invalid:
        errors = validation_errors(invalid, locale)
        failed = ValidationFailed()
        failed.audit_payload = {"fields": sorted(errors)}
        refused(request, session, failed, action="vehicle.register")
        return _page(request, session, user, values=values, errors=errors, status_code=422)
    try:
        vehicle = service.register_vehicle(
            session, user=user, data=data, registry=get_registry(request, session)
        )
    except AppError as err:
        payload = {"detail": err.detail, "vin": data.vin, "plate": data.plate}
        refused(request, session, err, action="vehicle.register", payload=payload)
        errors = {FIELD_OF_CODE.get(err.code, FORM_LEVEL): vehicle_error_text(locale, err)}
        return _page(
            request, session, user, values=values, errors=errors, status_code=err.status_code
        )
    message = REGISTERED.get(vehicle.registry_status, REGISTERED[RegistryStatus.UNCHECKED])
    flash(request, message, plate=vehicle.plate)
    return RedirectResponse(f"{PAGE}#vehicle-{vehicle.id}", status_code=303)


@router.post(PAGE + "/{vehicle_id}/certificate", response_class=HTMLResponse)
def upload_certificate(
    request: Request,
    vehicle_id: int,
    session: DbSession,
    user: RegistrarPageUser,
    certificate: Annotated[UploadFile, File()],
) -> Response:
    try:  # someone else's vehicle is 404, as in the API
        vehicle = service.own_vehicle(session, user=user, vehicle_id=vehicle_id)
    except AppError as err:
        raise refused(request, session, err) from None
    try:
        attach_certificate(
            session,
            vehicle=vehicle,
            data=certificate.file.read(MAX_CERTIFICATE_BYTES + 1),  # more is refused unread
            media=request.app.state.media,
        )
    except AppError as err:
        refused(request, session, err, action="vehicle.certificate_upload")
        errors = {f"certificate-{vehicle_id}": error_text(locale_of(request), err)}
        return _page(request, session, user, errors=errors, status_code=err.status_code)
    flash(
        request,
        N_("The certificate of %(plate)s was uploaded. An operator will check it."),
        plate=vehicle.plate,
    )
    return RedirectResponse(f"{PAGE}#certificate-{vehicle.id}", status_code=303)


def _needs_certificate(vehicle: Vehicle) -> bool:
    return vehicle.registry_status in (RegistryStatus.PENDING, RegistryStatus.REJECTED)


def _page(
    request: Request,
    session: Session,
    user: User,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    vehicles = service.vehicles_of(session, user=user)
    context: dict[str, Any] = {
        "vehicles": vehicles,
        "awaiting": [v for v in vehicles if _needs_certificate(v)],
        "companies": companies_of(session, person_id=user.person_id),
        "user_name": user.person.full_name,
        "categories": list(VehicleCategory),
        "values": values or {"category": VehicleCategory.TRUCK, "country": "KZ"},
        "errors": errors or {},
        "max_mb": MAX_CERTIFICATE_BYTES // (1024 * 1024),
        "active": "vehicles",
    }
    return render(request, "vehicles/index.html", context, status_code=status_code)
