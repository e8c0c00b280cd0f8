"""Pages of the compensation for unused reservations: the owner's counter, charges and appeal
form on /account; the analysts' appeal queue (/analyst/appeals) and reports (/analyst/unused,
with CSV)."""

import re
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from kezek.clock import ALMATY, add_months, almaty_month
from kezek.compensation import appeals as service
from kezek.compensation import reports
from kezek.compensation.endpoints import csv_response
from kezek.deps import DbSession, Media
from kezek.errors import AppError, Forbidden
from kezek.models.compensation import AppealStatus
from kezek.models.party import Party, Role, User
from kezek.web import booking_view as view
from kezek.web.auth import BookerPageUser, SignedInUser, refused
from kezek.web.csrf import csrf_protect
from kezek.web.forms import error_text
from kezek.web.i18n import N_, locale_of
from kezek.web.templating import flash, render

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf_protect)])
APPEALS = "/analyst/appeals"
MONTH_PATTERN = re.compile(r"^(\d{4})-(\d{2})$")


def analyst_user(request: Request, user: SignedInUser, session: DbSession) -> User:
    if Role.ANALYST not in user.roles:
        raise refused(request, session, Forbidden())
    return user


AnalystPageUser = Annotated[User, Depends(analyst_user)]


# --- the owner: /account --------------------------------------------------------------------


def chosen_month(value: str | None) -> date:
    """`YYYY-MM` from the query, else this Almaty month."""
    match = MONTH_PATTERN.match(value or "")
    if match and 1 <= int(match[2]) <= 12:
        return date(int(match[1]), int(match[2]), 1)
    return almaty_month()


def account_context(session: DbSession, user: User, month: date) -> dict:
    """What /account shows: the statements, and the month of unused reservations per party."""
    parties = view.my_parties(session, user=user)
    return {
        "statements": [view.statement_of(session, p) for p in parties],
        "unused_months": reports.party_months(session, parties, month=month),
        "month": month,
        "this_month": month == almaty_month(),
        "previous_month": add_months(month, -1),
        "next_month": add_months(month, 1) if month < almaty_month() else None,
        "active": "statement",
    }


@router.post("/account/unused/{unused_id}/appeal", response_class=HTMLResponse)
def appeal(
    request: Request,
    unused_id: int,
    session: DbSession,
    user: BookerPageUser,
    media: Media,
    reason: Annotated[str, Form(max_length=2000)] = "",
    month: Annotated[str, Form()] = "",
    attachment: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """File an appeal from the form under a charged unused reservation."""
    data = attachment.file.read(service.MAX_ATTACHMENT_BYTES + 1) if attachment else b""
    try:
        service.file_appeal(
            session,
            user=user,
            unused_id=unused_id,
            reason=reason,
            attachment=data or None,
            media=media,
        )
    except AppError as err:
        refused(request, session, err)
        context = account_context(session, user, chosen_month(month))
        context.update(appeal_error=error_text(locale_of(request), err), appeal_for=unused_id)
        context["reason"] = reason
        return render(request, "account/statement.html", context, status_code=err.status_code)
    flash(request, N_("Your appeal is sent. An analyst will decide and you will be told."))
    return RedirectResponse(f"/account?month={month}#unused-{unused_id}", status_code=303)


# --- analysts: appeals ------------------------------------------------------------------------


@router.get(APPEALS, response_class=HTMLResponse)
def appeals_page(request: Request, session: DbSession, user: AnalystPageUser) -> HTMLResponse:
    return _appeals_page(request, session)


def _appeals_page(
    request: Request,
    session: DbSession,
    *,
    error: str | None = None,
    error_for: int | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    open_appeals = service.appeals_in(session, AppealStatus.OPEN)
    context = {
        "appeals": open_appeals,
        "charges": {a.id: reports.charge_of(session, a.unused) for a in open_appeals},
        "owners": _parties(session, {a.owner_id for a in open_appeals}),
        "error": error,
        "error_for": error_for,
        "ALMATY": ALMATY,
        "active": "appeals",
    }
    return render(request, "compensation/appeals.html", context, status_code=status_code)


def _parties(session: DbSession, ids: set[int]) -> dict[int, Party]:
    if not ids:
        return {}
    return {p.id: p for p in session.scalars(select(Party).where(Party.id.in_(ids)))}


@router.get(APPEALS + "/{appeal_id}/attachment")
def appeal_attachment(
    appeal_id: int, session: DbSession, user: AnalystPageUser, media: Media
) -> Response:
    appeal = service.get_appeal(session, appeal_id)
    if not appeal.attachment_file or not appeal.attachment_media_type:
        raise service.AppealNotFound("This appeal has no attachment.")
    return Response(
        media.read(appeal.attachment_file),
        media_type=appeal.attachment_media_type,
        headers={"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"},
    )


@router.post(APPEALS + "/{appeal_id}/decision", response_class=HTMLResponse)
def decide(
    request: Request,
    appeal_id: int,
    session: DbSession,
    user: AnalystPageUser,
    decision: Annotated[str, Form(pattern="^(accept|reject)$")],
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    try:
        service.decide_appeal(
            session, appeal_id=appeal_id, accept=decision == "accept", reason=reason, analyst=user
        )
    except AppError as err:
        refused(request, session, err)
        message = error_text(locale_of(request), err)
        return _appeals_page(
            request, session, error=message, error_for=appeal_id, status_code=err.status_code
        )
    if decision == "accept":
        flash(request, N_("Appeal %(id)s accepted: the charge is refunded."), id=appeal_id)
    else:
        flash(request, N_("Appeal %(id)s rejected: the charge stays."), id=appeal_id)
    return RedirectResponse(APPEALS, status_code=303)


# --- analysts: reports ------------------------------------------------------------------------


@router.get("/analyst/unused", response_class=HTMLResponse)
def reports_page(
    request: Request, session: DbSession, user: AnalystPageUser, month: str | None = None
) -> HTMLResponse:
    """The reports; `month` (YYYY-MM) picks the month of the threshold reports."""
    chosen = chosen_month(month)
    context = {
        "frequent_owners": reports.frequent_owners(session),
        "frequent_vehicles": reports.frequent_vehicles(session),
        "over_threshold": reports.over_threshold(session, month=chosen),
        "repeat_offenders": reports.repeat_offenders(session, month=chosen),
        "monthly": reports.monthly_totals(session),
        "month": chosen,
        "month_param": chosen.strftime("%Y-%m"),
        "previous_month": add_months(chosen, -1),
        "next_month": add_months(chosen, 1) if chosen < almaty_month() else None,
        "this_month": chosen == almaty_month(),
        "active": "unused-reports",
    }
    return render(request, "compensation/reports.html", context)


@router.get("/analyst/unused/{report}.csv")
def report_csv(
    report: reports.ReportName,
    session: DbSession,
    user: AnalystPageUser,
    month: str | None = None,
) -> Response:
    return csv_response(session, report, month=chosen_month(month))
