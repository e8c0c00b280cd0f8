"""The operators' check of registration certificates: foreign vehicles the insurance registry
does not know wait, oldest first, with their uploaded certificate; the operator confirms or
rejects (with a reason the owner reads on their vehicles page).

Decisions go through kezek.vehicles.ownership, as the API's do; the file is served as the API
serves it, to operators and admins only.
"""

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from kezek.deps import DbSession
from kezek.errors import AppError, ValidationFailed
from kezek.vehicles import service
from kezek.vehicles.certificate_endpoints import certificate_response
from kezek.vehicles.ownership import decide_certificate
from kezek.vehicles.schemas import CertificateDecision, CertificateDecisionIn
from kezek.web.auth import CheckpointPageUser, refused
from kezek.web.csrf import csrf_protect
from kezek.web.forms import FormData, error_text, validation_errors
from kezek.web.i18n import N_, locale_of
from kezek.web.templating import flash, render

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf_protect)])

PAGE = "/checkpoint/vehicles"
DECIDED = {
    CertificateDecision.CONFIRM: N_(
        "The vehicle %(plate)s is confirmed. Its owner sees it on their page."
    ),
    CertificateDecision.REJECT: N_(
        "The certificate of %(plate)s is rejected. The owner sees your reason and can upload "
        "a new one."
    ),
}


@router.get(PAGE, response_class=HTMLResponse)
def checks_page(request: Request, session: DbSession, _user: CheckpointPageUser) -> HTMLResponse:
    return _page(request, session)


@router.get(PAGE + "/{vehicle_id}/certificate")
def certificate_file(
    request: Request, vehicle_id: int, session: DbSession, _user: CheckpointPageUser
) -> Response:
    """The uploaded file for the page's <img> or link."""
    try:
        vehicle = service.any_vehicle(session, vehicle_id=vehicle_id)
        return certificate_response(request.app.state.media, vehicle)
    except AppError as err:
        raise refused(request, session, err) from None


@router.post(PAGE + "/{vehicle_id}/decision", response_class=HTMLResponse)
def decide(
    request: Request,
    vehicle_id: int,
    session: DbSession,
    _user: CheckpointPageUser,
    form: FormData,
) -> Response:
    locale = locale_of(request)
    typed = {"vehicle_id": str(vehicle_id), "reason": form.get("reason", "")}
    try:
        data = CertificateDecisionIn.model_validate(
            {"decision": form.get("decision", ""), "reason": form.get("reason") or None}
        )
    except ValidationError as invalid:
        texts = list(validation_errors(invalid, locale).values())
        refused(request, session, ValidationFailed(), action="vehicle.certificate_decision")
        errors = {vehicle_id: texts[0]}
        return _page(request, session, errors=errors, values=typed, status_code=422)
    confirm = data.decision == CertificateDecision.CONFIRM
    try:
        vehicle = service.any_vehicle(session, vehicle_id=vehicle_id)
        decide_certificate(
            session, vehicle=vehicle, confirm=confirm, reason=None if confirm else data.reason
        )
    except AppError as err:
        refused(request, session, err, action="vehicle.certificate_decision")
        errors = {vehicle_id: error_text(locale, err)}
        return _page(request, session, errors=errors, values=typed, status_code=err.status_code)
    flash(request, DECIDED[data.decision], plate=vehicle.plate)
    return RedirectResponse(PAGE, status_code=303)


def _page(  # errors: by vehicle id, shown on its card (or above the list if it left it)
    request: Request,
    session: Session,
    *,
    errors: dict[int, str] | None = None,
    values: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    pending = service.pending_vehicles(session)
    context = {
        "to_check": [v for v in pending if v.certificate_file],
        "without_certificate": sum(1 for v in pending if not v.certificate_file),
        "errors": errors or {},
        "values": values or {},
        "active": "vehicle-checks",
    }
    return render(request, "vehicles/checks.html", context, status_code=status_code)
