"""The analysts' list of camera checks: what was asked and decided, and the flag that keeps an
attempt's video past its review window (the video itself is served only to analysts)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from kezek.deps import DbSession
from kezek.errors import AppError
from kezek.identity import verification
from kezek.identity.errors import AttemptNotFound, VideoGone
from kezek.models.identity import VerificationAttempt
from kezek.web.auth import refused
from kezek.web.csrf import csrf_protect
from kezek.web.i18n import N_
from kezek.web.pages.identity_reviews import AnalystPageUser
from kezek.web.templating import flash, render

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf_protect)])
PAGE = "/analyst/identity-attempts"


@router.get(PAGE, response_class=HTMLResponse)
def attempts_page(
    request: Request, session: DbSession, user: AnalystPageUser, show: str = "failed"
) -> HTMLResponse:
    failed_only = show != "all"
    context = {
        "attempts": verification.recent_attempts(session, failed_only=failed_only),
        "show": "failed" if failed_only else "all",
        "retention_hours": request.app.state.settings.identity_video_retention_hours,
        "active": "identity-attempts",
    }
    return render(request, "identity/attempts.html", context)


def _attempt(request: Request, session: DbSession, attempt_id: int) -> VerificationAttempt:
    attempt = session.get(VerificationAttempt, attempt_id)
    if attempt is None:
        raise refused(request, session, AttemptNotFound())
    return attempt


@router.get(PAGE + "/{attempt_id}/video")
def attempt_video(
    request: Request, attempt_id: int, session: DbSession, user: AnalystPageUser
) -> Response:
    attempt, media = _attempt(request, session, attempt_id), request.app.state.media
    if attempt.video_file is None or not media.exists(attempt.video_file):
        raise refused(request, session, VideoGone())
    return Response(
        media.read(attempt.video_file),
        media_type=attempt.video_media_type or "application/octet-stream",
        headers={"Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"},
    )


@router.post(PAGE + "/{attempt_id}/flag")
def flag(
    request: Request,
    attempt_id: int,
    session: DbSession,
    user: AnalystPageUser,
    reason: Annotated[str, Form(min_length=3, max_length=300)],
) -> Response:
    try:
        verification.flag_attempt(
            session,
            attempt=_attempt(request, session, attempt_id),
            analyst_id=user.id,
            reason=reason.strip(),
        )
    except AppError as err:
        raise refused(request, session, err) from None
    flash(request, N_("The video of attempt %(id)s is kept for the investigation."), id=attempt_id)
    return RedirectResponse(f"{PAGE}#attempt-{attempt_id}", status_code=303)
