"""The admin's crossing editor: settings, weekly hours, dated exceptions, capacity changes.

Each form posts to its own address. With HTMX the answer is that form's section, redrawn in
place; without it, a redirect back to the editor (or the editor with the errors shown).
"""

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from kezek.booking.capacity_changes import DropTally, apply_capacity_drops
from kezek.crossings import service
from kezek.deps import DbSession
from kezek.errors import AppError, ValidationFailed
from kezek.models.crossing import Crossing, DirectionKind
from kezek.web.auth import AdminPageUser, refused
from kezek.web.crossing_view import capacity_in_force
from kezek.web.csrf import csrf_protect
from kezek.web.forms import FORM_LEVEL, FormData, error_text
from kezek.web.i18n import N_, locale_of
from kezek.web.pages import admin_forms as forms
from kezek.web.pages.admin_forms import FormInvalid, hours_section
from kezek.web.templating import flash, render

REBOOKED = N_(
    "Bookings that no longer fit: %(moved)s moved to the nearest free hour, "
    "%(cancelled)s cancelled with the fees refunded."
)

router = APIRouter(
    prefix="/admin/crossings", include_in_schema=False, dependencies=[Depends(csrf_protect)]
)


@router.get("", response_class=HTMLResponse)
def crossing_list(request: Request, session: DbSession, _admin: AdminPageUser) -> HTMLResponse:
    crossings = service.list_crossings(session)
    return render(request, "admin/crossings.html", {"crossings": crossings, "active": "admin"})


def editor_context(
    crossing: Crossing,
    *,
    section: str | None = None,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    saved: bool = False,
) -> dict[str, Any]:
    today = service.local_today(crossing)
    filled = forms.initial_forms(crossing, today)
    if section and values and errors:
        filled[section] = {k: v for k, v in values.items() if k != "csrf_token"}
    return {
        "crossing": crossing,
        "forms": filled,
        "errors": {section: errors} if section and errors else {},
        "saved": section if saved else None,
        "today": today,
        "in_force": {r.id for d in crossing.directions for r in capacity_in_force(d, today)},
        "active": "admin",
    }


@router.get("/{code}", response_class=HTMLResponse)
def editor(request: Request, code: str, session: DbSession, _admin: AdminPageUser) -> HTMLResponse:
    crossing = service.get_crossing(session, code=code)
    return render(request, "admin/crossing.html", editor_context(crossing))


def _section_template(section: str) -> str:
    return "admin/_hours.html" if section.startswith("hours-") else f"admin/_{section}.html"


def _answer(
    request: Request,
    crossing: Crossing,
    section: str,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 422,
    rebooked: DropTally | None = None,
) -> Response:
    htmx = request.headers.get("hx-request") == "true"
    context = editor_context(
        crossing, section=section, values=values, errors=errors, saved=not errors
    )
    context["section"] = section
    context["rebooked"] = rebooked
    template = _section_template(section) if htmx else "admin/crossing.html"
    if errors:
        return render(request, template, context, status_code=status_code)
    if htmx:
        return render(request, template, context)
    flash(request, N_("Saved."))
    if rebooked and (rebooked.moved or rebooked.cancelled):
        flash(request, REBOOKED, moved=rebooked.moved, cancelled=rebooked.cancelled)
    return RedirectResponse(f"/admin/crossings/{crossing.code}#{section}", status_code=303)


def _apply(
    request: Request,
    session: Session,
    code: str,
    section: str,
    form: dict[str, str],
    change: Callable[[Crossing, str], None],
) -> Response:
    """Run one edit; a refusal is written to the footprints and shown in its section."""
    crossing = service.get_crossing(session, code=code)
    locale = locale_of(request)
    try:
        change(crossing, locale)
    except FormInvalid as invalid:
        failed = ValidationFailed()
        failed.audit_payload = {"crossing": crossing.code, "fields": sorted(invalid.errors)}
        refused(request, session, failed)
        return _answer(request, crossing, section, values=form, errors=invalid.errors)
    except AppError as err:
        refused(request, session, err)
        errors = {FORM_LEVEL: error_text(locale, err)}
        return _answer(
            request, crossing, section, values=form, errors=errors, status_code=err.status_code
        )
    # Any edit of hours or capacity may leave bookings without a place: they move or are
    # cancelled in the same transaction, and the answer says how many.
    rebooked = apply_capacity_drops(session, crossing=crossing)
    return _answer(request, crossing, section, rebooked=rebooked)


@router.post("/{code}/settings")
def save_settings(
    request: Request, code: str, session: DbSession, _admin: AdminPageUser, form: FormData
) -> Response:
    def change(crossing: Crossing, locale: str) -> None:
        data = forms.settings_in(form, locale)
        service.update_settings(session, crossing=crossing, data=data)

    return _apply(request, session, code, "settings", form, change)


@router.post("/{code}/hours/{direction}")
def save_hours(
    request: Request,
    code: str,
    direction: DirectionKind,
    session: DbSession,
    _admin: AdminPageUser,
    form: FormData,
) -> Response:
    def change(crossing: Crossing, locale: str) -> None:
        week = forms.weekly_hours_in(form, locale)
        service.replace_weekly_hours(session, crossing=crossing, kind=direction, days=week.days)

    return _apply(request, session, code, hours_section(direction), form, change)


@router.post("/{code}/exceptions")
def add_exception(
    request: Request, code: str, session: DbSession, _admin: AdminPageUser, form: FormData
) -> Response:
    def change(crossing: Crossing, locale: str) -> None:
        kinds = forms.directions_of(form, locale)
        data = forms.exception_in(form, locale)
        for kind in kinds:
            service.add_exception(session, crossing=crossing, kind=kind, data=data)

    return _apply(request, session, code, "exceptions", form, change)


@router.post("/{code}/exceptions/{exception_id}/delete")
def delete_exception(
    request: Request,
    code: str,
    exception_id: int,
    session: DbSession,
    _admin: AdminPageUser,
    form: FormData,
) -> Response:
    def change(crossing: Crossing, locale: str) -> None:
        service.delete_exception(session, crossing=crossing, exception_id=exception_id)

    return _apply(request, session, code, "exceptions", {}, change)


@router.post("/{code}/capacity")
def add_capacity(
    request: Request, code: str, session: DbSession, _admin: AdminPageUser, form: FormData
) -> Response:
    def change(crossing: Crossing, locale: str) -> None:
        kinds = forms.directions_of(form, locale)
        data = forms.capacity_in(form, locale)
        for kind in kinds:
            service.add_capacity_rule(session, crossing=crossing, kind=kind, data=data)

    return _apply(request, session, code, "capacity", form, change)
