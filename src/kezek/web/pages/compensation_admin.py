"""The admin's compensation policy page: the version in force, the history, and a form that adds
a version (global, or for one crossing), effective now or from a later Almaty time."""

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from kezek.clock import ALMATY
from kezek.compensation.policy import PolicyTerms, policy_in_force, policy_versions, set_policy
from kezek.compensation.schemas import PolicyIn
from kezek.crossings import service as crossings
from kezek.db import utcnow
from kezek.deps import DbSession
from kezek.errors import AppError, ValidationFailed
from kezek.models.crossing import Crossing
from kezek.web.auth import AdminPageUser, refused
from kezek.web.csrf import csrf_protect
from kezek.web.forms import FORM_LEVEL, FormData, error_text, validation_errors
from kezek.web.i18n import N_, locale_of
from kezek.web.templating import flash, render

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf_protect)])
PAGE = "/admin/compensation-policy"
NUMBERS = [
    "monthly_threshold",
    "amount_mrp",
    "adaptive_lookback_months",
    "adaptive_divisor",
    "adaptive_floor",
    "deposit_mrp",
    "deposit_forfeit_no_shows",
    "deposit_window_days",
]
FLAGS = ["charge_no_show_at_once", "adaptive", "deposit_enabled"]


@router.get(PAGE, response_class=HTMLResponse)
def policy_page(
    request: Request, session: DbSession, admin: AdminPageUser, crossing: str = ""
) -> HTMLResponse:
    scope = crossings.get_crossing(session, code=crossing) if crossing else None
    return _page(request, session, scope)


@router.post(PAGE, response_class=HTMLResponse)
def add_version(
    request: Request, session: DbSession, admin: AdminPageUser, form: FormData
) -> Response:
    code = form.get("crossing", "")
    scope = crossings.get_crossing(session, code=code) if code else None
    try:
        data = PolicyIn.model_validate(_policy_fields(form))
    except ValidationError as invalid:
        refused(request, session, ValidationFailed())
        errors = validation_errors(invalid, locale_of(request))
        return _page(request, session, scope, values=form, errors=errors, status_code=422)
    try:
        set_policy(
            session,
            crossing_id=scope.id if scope else None,
            terms=PolicyTerms(**data.model_dump(exclude={"effective_from"})),
            effective_from=data.effective_from,
            created_by=admin.id,
        )
    except AppError as err:
        refused(request, session, err)
        errors = {FORM_LEVEL: error_text(locale_of(request), err)}
        return _page(request, session, scope, values=form, errors=errors, status_code=422)
    flash(request, N_("A new version of the compensation policy is saved."))
    return RedirectResponse(f"{PAGE}?crossing={code}", status_code=303)


def _policy_fields(form: dict[str, str]) -> dict[str, Any]:
    fields: dict[str, Any] = {name: form.get(name, "") for name in NUMBERS}
    fields |= {name: form.get(name) == "on" for name in FLAGS}
    fields["charge_mode"] = form.get("charge_mode", "each")
    start = form.get("effective_from", "").strip()
    if start:
        try:
            fields["effective_from"] = datetime.fromisoformat(start).replace(tzinfo=ALMATY)
        except ValueError:
            fields["effective_from"] = start  # the model refuses it with a field message
    return fields


def _page(
    request: Request,
    session: DbSession,
    scope: Crossing | None,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    crossing_id = scope.id if scope else None
    in_force = policy_in_force(session, crossing_id=crossing_id, at=utcnow())
    if values is None:
        values = {name: str(getattr(in_force, name)) for name in NUMBERS}
        values |= {name: "on" if getattr(in_force, name) else "" for name in FLAGS}
        values["charge_mode"] = in_force.charge_mode
    context = {
        "scope": scope,
        "crossings": crossings.list_crossings(session),
        "in_force": in_force,
        "versions": policy_versions(session, crossing_id=crossing_id),
        "values": values,
        "errors": errors or {},
        "numbers": NUMBERS,
        "flags": FLAGS,
        "ALMATY": ALMATY,
        "active": "admin",
    }
    return render(request, "admin/compensation_policy.html", context, status_code=status_code)
