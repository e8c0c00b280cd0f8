"""The camera check page: status, the challenge, and the selfie video recorded in the browser.

The recording and upload are done by static/camera-check.js (the page's CSP allows no inline
script); the two POSTs answer HTML fragments that the script puts in place.

A verified person may take the check again, to confirm a power of attorney grant: the page then
comes with `next` (a local path, e.g. /attorneys), and a passed check links back to it.
"""

from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from kezek.deps import DbSession
from kezek.errors import AppError
from kezek.identity import verification
from kezek.identity.video import MAX_BYTES as MAX_VIDEO_BYTES
from kezek.web.auth import SignedInUser, refused, safe_next
from kezek.web.csrf import csrf_protect
from kezek.web.forms import error_text
from kezek.web.i18n import locale_of
from kezek.web.templating import render

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf_protect)])


@router.get("/identity", response_class=HTMLResponse)
def identity_page(
    request: Request, session: DbSession, user: SignedInUser, next: str = ""
) -> HTMLResponse:
    settings = request.app.state.settings
    context = {
        "person": user.person,
        "state": verification.overview(session, user.person, settings),
        "next": safe_next(next, default=""),
        "confirmation_minutes": max(1, settings.attorney_confirmation_seconds // 60),
        "active": "identity",
    }
    return render(request, "identity/page.html", context)


@router.post("/identity/challenge", response_class=HTMLResponse)
def challenge(request: Request, session: DbSession, user: SignedInUser) -> Response:
    try:
        issued = verification.issue_challenge(session, user.person, request.app.state.settings)
    except AppError as err:
        return _refusal(request, session, err)
    return render(request, "identity/_challenge.html", {"challenge": issued})


@router.post("/identity/verification", response_class=HTMLResponse)
def verify(
    request: Request,
    session: DbSession,
    user: SignedInUser,
    nonce: Annotated[str, Form(max_length=64)],
    video: Annotated[UploadFile, File()],
    next: Annotated[str, Form(max_length=300)] = "",
) -> Response:
    try:
        attempt = verification.submit_video(
            session,
            person=user.person,
            nonce=nonce,
            video=video.file.read(MAX_VIDEO_BYTES + 1),
            media_type=(video.content_type or "").split(";")[0],
            source="browser",
            settings=request.app.state.settings,
            media=request.app.state.media,
        )
    except AppError as err:
        return _refusal(request, session, err)
    result = verification.attempt_out(session, attempt, request.app.state.settings)
    context = {"result": result, "next": safe_next(next, default="")}
    return render(request, "identity/_result.html", context)


def _refusal(request: Request, session: DbSession, err: AppError) -> HTMLResponse:
    refused(request, session, err)
    context = {"code": err.code, "message": error_text(locale_of(request), err)}
    return render(
        request, "identity/_refusal.html", context, status_code=err.status_code, headers=err.headers
    )
