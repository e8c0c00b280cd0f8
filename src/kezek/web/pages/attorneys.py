"""Powers of attorney in the browser: the owner grants (confirming with a fresh camera check),
lists, revokes and prints them; an intermediary sees what they may act for; anyone can open the
public verification page a QR code points to.

Every change goes through kezek.attorneys, as the API does; refusals are written to the
footprints and shown in the page's language with the typed values kept.

The grant form is confirmed by the owner's newest fresh, unused passed camera check. Without one,
its "Confirm with a camera check" button keeps the typed values in the session (a draft, cleared
by the grant) and sends the owner to /identity?next=/attorneys, which links back after a pass.
"""

import math
import re
from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from kezek.attorneys import issuing
from kezek.attorneys.confirmation import confirming_check, latest_fresh_check, usable_until
from kezek.attorneys.documents import Status, masked_document, status_on
from kezek.attorneys.endpoints import pdf_response, verify_url
from kezek.attorneys.printing import qr_svg
from kezek.attorneys.schemas import AttorneyIn
from kezek.attorneys.service import almaty_today, vehicles_for_intermediary
from kezek.attorneys.verification import by_public_id, verify_stored
from kezek.config import Settings
from kezek.db import utcnow
from kezek.deps import DbSession
from kezek.errors import AppError, Forbidden, ValidationFailed
from kezek.models.attorney import Attorney
from kezek.models.party import Role, User
from kezek.people.service import companies_of
from kezek.vehicles.service import vehicles_of
from kezek.web.auth import MaybeUser, SignedInUser, refused
from kezek.web.csrf import csrf_protect
from kezek.web.forms import FORM_LEVEL, FormData, blank_to_none, error_text, validation_errors
from kezek.web.i18n import N_, locale_of
from kezek.web.templating import flash, render

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf_protect)])

STATUS_TEXT = {
    Status.VALID: N_("Valid"),
    Status.NOT_YET_VALID: N_("Not yet valid"),
    Status.EXPIRED: N_("Expired"),
    Status.REVOKED: N_("Revoked"),
    Status.FORGED: N_("Forged: the signature or the record does not match"),
}
SCOPE_TEXT = {"book": N_("book"), "cancel": N_("cancel"), "view": N_("view")}
DRAFT_KEY = "attorney_draft"
DRAFT_FIELDS = (
    "iin",
    "passport_number",
    "passport_country",
    "owner_company_id",
    "whole_fleet",
    "valid_from",
    "valid_to",
    "scope_book",
    "scope_cancel",
    "scope_view",
)
# The session is a signed cookie (about 4 KB at most): a longer vehicle choice is not kept.
DRAFT_MAX_VEHICLES = 100
VEHICLE_FIELD = re.compile(r"vehicle_\d{1,12}")
CAMERA_CHECK_URL = "/identity?next=/attorneys"


@router.get("/attorneys", response_class=HTMLResponse)
def attorneys_page(request: Request, session: DbSession, user: SignedInUser) -> HTMLResponse:
    return _page(request, session, user, form=request.session.get(DRAFT_KEY))


@router.post("/attorneys/confirm")
def confirm_with_camera(request: Request, user: SignedInUser, form: FormData) -> Response:
    """Keep what the owner typed, then send them to the camera check and back."""
    request.session[DRAFT_KEY] = _draft(form)
    return RedirectResponse(CAMERA_CHECK_URL, status_code=303)


@router.post("/attorneys", response_class=HTMLResponse)
def grant(request: Request, session: DbSession, user: SignedInUser, form: FormData) -> Response:
    locale = locale_of(request)
    try:
        data = _attorney_in(form)
    except ValidationError as err:
        refused(request, session, ValidationFailed(), action="attorney.grant")
        errors = validation_errors(err, locale)
        return _page(request, session, user, form=form, errors=errors, status_code=422)
    try:
        if Role.CARRIER not in user.roles and Role.ADMIN not in user.roles:
            raise Forbidden()
        settings = request.app.state.settings
        latest = latest_fresh_check(session, person_id=user.person_id, settings=settings)
        check = confirming_check(
            session, user=user, verification_id=latest.id if latest else None, settings=settings
        )
        attorney = issuing.grant(
            session,
            user=user,
            data=data,
            key=request.app.state.signing_key.get(),
            confirmation=check,
        )
    except AppError as err:
        refused(request, session, err, action="attorney.grant", payload={"code": err.code})
        errors = {FORM_LEVEL: error_text(locale, err)}
        return _page(request, session, user, form=form, errors=errors, status_code=err.status_code)
    request.session.pop(DRAFT_KEY, None)
    flash(request, N_("The power of attorney was issued and signed."))
    return RedirectResponse(f"/attorneys#attorney-{attorney.public_id}", status_code=303)


@router.post("/attorneys/{public_id}/revoke", response_class=HTMLResponse)
def revoke(request: Request, public_id: str, session: DbSession, user: SignedInUser) -> Response:
    try:
        issuing.revoke(session, user=user, public_id=public_id)
    except AppError as err:
        refused(request, session, err, action="attorney.revoke")
        errors = {FORM_LEVEL: error_text(locale_of(request), err)}
        return _page(request, session, user, errors=errors, status_code=err.status_code)
    flash(request, N_("The power of attorney was revoked. It no longer lets anyone act."))
    return RedirectResponse("/attorneys", status_code=303)


@router.get("/attorneys/{public_id}/pdf")
def pdf(request: Request, public_id: str, session: DbSession, user: SignedInUser) -> Response:
    try:
        attorney = issuing.visible_to(session, user=user, public_id=public_id)
    except AppError as err:
        raise refused(request, session, err) from err
    return pdf_response(request, attorney, request.app.state.signing_key.get())


@router.get("/attorneys/{public_id}/verify", response_class=HTMLResponse)
def verify_page(
    request: Request, public_id: str, session: DbSession, user: MaybeUser
) -> HTMLResponse:
    """Public: what a border officer sees after scanning the QR code."""
    attorney = by_public_id(session, public_id)
    verdict = verify_stored(attorney, key=request.app.state.signing_key.get()) if attorney else None
    document = (
        masked_document(verdict.document)
        if verdict and verdict.document and verdict.status != Status.FORGED
        else None
    )
    url = verify_url(request, public_id)
    context = {
        "public_id": public_id,
        "verdict": verdict,
        "status_text": STATUS_TEXT,
        "scope_text": SCOPE_TEXT,
        "document": document,
        "qr": qr_svg(url) if attorney else None,
        "url": url,
        "today": almaty_today(),
        "active": "attorneys",
    }
    return render(request, "attorneys/verify.html", context, status_code=200 if attorney else 404)


def _attorney_in(form: dict[str, str]) -> AttorneyIn:
    vehicle_ids = [v for k, v in form.items() if k.startswith("vehicle_") and v]
    data: dict[str, Any] = {
        "intermediary": {
            "iin": blank_to_none(form.get("iin")),
            "passport_number": blank_to_none(form.get("passport_number")),
            "passport_country": blank_to_none(form.get("passport_country")),
        },
        "owner_company_id": blank_to_none(form.get("owner_company_id")),
        "whole_fleet": form.get("whole_fleet") == "1",
        "vehicle_ids": vehicle_ids,
        "valid_from": form.get("valid_from", ""),
        "valid_to": form.get("valid_to", ""),
        "scopes": [s for s in ("book", "cancel", "view") if form.get(f"scope_{s}") == "1"],
    }
    return AttorneyIn.model_validate(data)


def _draft(form: dict[str, str]) -> dict[str, str]:
    """The grant form's values worth keeping across the camera check, small enough for a cookie."""
    draft = {k: form[k][:40] for k in DRAFT_FIELDS if form.get(k)}
    vehicles = [k for k, v in form.items() if VEHICLE_FIELD.fullmatch(k) and v][:DRAFT_MAX_VEHICLES]
    draft.update({k: form[k][:20] for k in vehicles})
    return draft


def _confirmation(session: DbSession, user: User, settings: Settings) -> dict[str, Any] | None:
    """The camera check the grant form would be confirmed by, with when it stops being usable."""
    check = latest_fresh_check(session, person_id=user.person_id, settings=settings)
    if check is None:
        return None
    left = (usable_until(check, settings) - utcnow()).total_seconds()
    return {"at": check.created_at, "minutes_left": max(1, math.ceil(left / 60))}


def _page(
    request: Request,
    session: DbSession,
    user: User,
    *,
    form: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    given, received = issuing.given_and_received(session, user=user)
    today = almaty_today()
    can_grant = bool({Role.CARRIER, Role.ADMIN} & user.roles)
    settings = request.app.state.settings
    context = {
        "given": given,
        "received": received,
        "covered": vehicles_for_intermediary(session, user.person_id, on=today),
        "vehicles": vehicles_of(session, user=user),
        "companies": companies_of(session, person_id=user.person_id),
        "user_name": user.person.full_name,
        "can_grant": can_grant,
        "confirmation": _confirmation(session, user, settings) if can_grant else None,
        "status_of": lambda a: _status(a, today),
        "status_text": STATUS_TEXT,
        "scope_text": SCOPE_TEXT,
        "form": dict(form or {}),
        "default_from": today.isoformat(),
        "errors": errors or {},
        "active": "attorneys",
    }
    return render(request, "attorneys/index.html", context, status_code=status_code)


def _status(attorney: Attorney, today: date) -> str:
    return str(status_on(attorney, today)[0])
