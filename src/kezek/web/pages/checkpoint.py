"""The operator's check-in page: choose the crossing and direction (kept in the query string),
check a vehicle in by plate, see the result and the queue of expected arrivals.

Check-in goes through kezek.checkpoint.service, as the API does. With HTMX the answer is the
live part of the page (form, result, queue) redrawn in place; without it, a redirect back to the
page, which shows the result kept in the session (post/redirect/get).
"""

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from kezek.checkpoint import service
from kezek.checkpoint.errors import CheckpointRefusal
from kezek.checkpoint.schemas import ArrivalIn
from kezek.crossings.errors import CrossingNotFound
from kezek.crossings.service import get_crossing, list_crossings
from kezek.deps import DbSession
from kezek.errors import AppError, ValidationFailed
from kezek.models.crossing import Crossing, DirectionKind
from kezek.web import checkpoint_view as view
from kezek.web.auth import CheckpointPageUser, refused
from kezek.web.csrf import csrf_protect
from kezek.web.forms import FormData, blank_to_none
from kezek.web.i18n import N_, locale_of, translate
from kezek.web.templating import render

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf_protect)])

RESULT_KEY = "checkpoint_result"
PLACE_KEY = "checkpoint_place"  # the query string of the crossing and direction chosen last
ACTION = "checkpoint.check_in"
PLATE_RULE = N_("A plate has 2 to 12 Latin letters and digits.")


def _is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def _place(session: Session, crossing: str) -> tuple[list[Crossing], Crossing]:
    """The active crossings, and the chosen one (the first when none or an unknown is asked)."""
    active = list_crossings(session, active_only=True)
    chosen = next((c for c in active if c.code == crossing.upper()), None)
    if chosen is None:
        if not active:
            raise CrossingNotFound("No crossing is active.")
        chosen = active[0]
    return active, chosen


def _kind(direction: str) -> DirectionKind:
    return DirectionKind(direction) if direction in set(DirectionKind) else DirectionKind.EXIT


def _context(
    session: Session,
    crossing: Crossing,
    kind: DirectionKind,
    *,
    result: view.CheckInResult | None = None,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
) -> dict[str, Any]:
    return {
        "crossing": crossing,
        "direction": kind,
        "place_query": urlencode({"crossing": crossing.code, "direction": kind.value}),
        "queue": view.queue_of(session, crossing, kind),
        "result": result,
        "values": values or {},
        "errors": errors or {},
        "active": "checkpoint",
    }


@router.get("/checkpoint", response_class=HTMLResponse)
def checkpoint_page(
    request: Request,
    session: DbSession,
    _user: CheckpointPageUser,
    crossing: str = "",
    direction: str = "",
) -> Response:
    if not crossing:  # the menu's plain link: back to the post the operator chose last
        last = request.session.get(PLACE_KEY)
        if isinstance(last, str) and last:
            return RedirectResponse(f"/checkpoint?{last}", status_code=303)
    crossings, chosen = _place(session, crossing)
    result = view.result_from_session(session, request.session.pop(RESULT_KEY, None))
    context = _context(session, chosen, _kind(direction), result=result)
    request.session[PLACE_KEY] = context["place_query"]
    return render(request, "checkpoint/page.html", {**context, "crossings": crossings})


@router.get("/checkpoint/queue", response_class=HTMLResponse)
def queue_fragment(
    request: Request,
    session: DbSession,
    _user: CheckpointPageUser,
    crossing: str = "",
    direction: str = "exit",
) -> HTMLResponse:
    """The queue alone, for the page's periodic refresh."""
    _crossings, chosen = _place(session, crossing)
    return render(request, "checkpoint/_queue.html", _context(session, chosen, _kind(direction)))


def _answer(
    request: Request,
    session: Session,
    context: dict[str, Any],
    *,
    status_code: int = 200,
) -> Response:
    """With HTMX the live part redrawn; without, back to the page (or the page with the form's
    errors, which cannot survive a redirect)."""
    if _is_htmx(request):
        return render(request, "checkpoint/_live.html", context, status_code=status_code)
    if context["errors"]:
        crossings = list_crossings(session, active_only=True)
        context = {**context, "crossings": crossings}
        return render(request, "checkpoint/page.html", context, status_code=status_code)
    result: view.CheckInResult | None = context["result"]
    if result is not None:
        request.session[RESULT_KEY] = result.to_session()
    return RedirectResponse(f"/checkpoint?{context['place_query']}", status_code=303)


@router.post("/checkpoint")
def check_in(
    request: Request, session: DbSession, user: CheckpointPageUser, form: FormData
) -> Response:
    try:  # the page's hidden field; a crossing that does not exist is refused, not guessed
        crossing = get_crossing(session, code=form.get("crossing", ""))
    except AppError as err:
        raise refused(request, session, err, action=ACTION) from None
    kind = _kind(form.get("direction", ""))
    values = {"plate": form.get("plate", ""), "trailer_plate": form.get("trailer_plate", "")}
    try:
        data = ArrivalIn.model_validate(
            {
                "crossing": crossing.code,
                "direction": kind,
                "plate": values["plate"],
                "trailer_plate": blank_to_none(values["trailer_plate"]),
            }
        )
    except ValidationError as invalid:
        errors = _plate_errors(invalid, locale_of(request))
        failed = ValidationFailed()
        failed.audit_payload = {"crossing": crossing.code, "fields": sorted(errors)}
        refused(request, session, failed, action=ACTION)
        context = _context(session, crossing, kind, values=values, errors=errors)
        return _answer(request, session, context, status_code=422)
    try:
        booking = service.check_in(session, user=user, data=data)
    except CheckpointRefusal as err:
        return _refusal(request, session, err, data, crossing, kind)
    except AppError as err:
        raise refused(request, session, err, action=ACTION) from None
    result = view.check_in_result(
        session,
        plate=data.plate,
        code=None,
        found_id=booking.id,
        trailer_mismatch=service.trailer_mismatch(booking, data.trailer_plate),
    )
    return _answer(request, session, _context(session, crossing, kind, result=result))


def _plate_errors(invalid: ValidationError, locale: str) -> dict[str, str]:
    """The form's only typed fields are plates: each one refused gets the plate rule."""
    text = translate(locale, PLATE_RULE)
    return {str(problem["loc"][0]): text for problem in invalid.errors() if problem["loc"]}


def _refusal(
    request: Request,
    session: Session,
    err: CheckpointRefusal,
    data: ArrivalIn,
    crossing: Crossing,
    kind: DirectionKind,
) -> Response:
    """The refusal goes to the footprints (as the API's) and is shown with what was found."""
    payload = {"detail": err.detail, **data.model_dump(mode="json")}
    refused(request, session, err, action=ACTION, payload=payload)
    result = view.check_in_result(session, plate=data.plate, code=err.code, found_id=err.found_id)
    context = _context(session, crossing, kind, result=result)
    return _answer(request, session, context, status_code=err.status_code)
