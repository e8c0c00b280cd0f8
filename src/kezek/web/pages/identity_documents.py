"""The document step of the identity check: upload the photo, see it, go on to the camera check.

A plain multipart form (works without JavaScript); a refusal is shown in the page with the reason
in the person's language, an accepted photo redirects back to the page that shows it. Photos are
served through an authenticated route, never a static path.
"""

from typing import Annotated

from fastapi import APIRouter, Depends, File, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from kezek.deps import DbSession
from kezek.errors import AppError
from kezek.identity.document_endpoints import photo_response
from kezek.identity.enrolment import MAX_PHOTO_BYTES, document_for, enrol_document
from kezek.identity.verification import current_document
from kezek.web.auth import SignedInUser, refused
from kezek.web.csrf import csrf_protect
from kezek.web.forms import error_text
from kezek.web.i18n import locale_of
from kezek.web.templating import render

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf_protect)])


@router.get("/identity/document", response_class=HTMLResponse)
def document_page(
    request: Request, session: DbSession, user: SignedInUser, uploaded: bool = False
) -> HTMLResponse:
    return _page(request, session, user, uploaded=uploaded)


@router.post("/identity/document", response_class=HTMLResponse)
def upload(
    request: Request,
    session: DbSession,
    user: SignedInUser,
    photo: Annotated[UploadFile, File()],
) -> Response:
    try:
        enrol_document(
            session,
            person=user.person,
            data=photo.file.read(MAX_PHOTO_BYTES + 1),
            media=request.app.state.media,
            settings=request.app.state.settings,
        )
    except AppError as err:
        refused(request, session, err)
        error = {"code": err.code, "message": error_text(locale_of(request), err)}
        return _page(request, session, user, error=error, status_code=err.status_code)
    return RedirectResponse("/identity/document?uploaded=1", status_code=303)


@router.get("/identity/documents/{document_id}/photo")
def document_photo(
    request: Request, document_id: int, session: DbSession, user: SignedInUser
) -> Response:
    """The photo for the page's <img>: to its owner and to analysts, 404 to anyone else."""
    try:
        document = document_for(session, document_id=document_id, user=user)
    except AppError as err:
        raise refused(request, session, err) from err
    return photo_response(request.app.state.media, document.photo_file, document.media_type)


def _page(
    request: Request,
    session: DbSession,
    user: SignedInUser,
    *,
    uploaded: bool = False,
    error: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    context = {
        "person": user.person,
        "document": current_document(session, user.person),
        "uploaded": uploaded,
        "error": error,
        "active": "identity",
    }
    return render(request, "identity/document.html", context, status_code=status_code)
