"""The analysts' queue of duplicate faces: both document photos side by side, the two identities,
the distance, and the decision with a note. Plain forms; with HTMX a decision replaces its card."""

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from kezek.deps import DbSession
from kezek.errors import AppError, Forbidden
from kezek.identity import duplicates
from kezek.models.identity import ReviewStatus
from kezek.models.party import Role, User
from kezek.web.auth import SignedInUser, refused
from kezek.web.csrf import csrf_protect
from kezek.web.forms import error_text
from kezek.web.i18n import locale_of
from kezek.web.templating import render

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf_protect)])
PAGE = "/analyst/identity-reviews"


def analyst_user(request: Request, user: SignedInUser, session: DbSession) -> User:
    if Role.ANALYST not in user.roles:
        raise refused(request, session, Forbidden())
    return user


AnalystPageUser = Annotated[User, Depends(analyst_user)]


@router.get(PAGE, response_class=HTMLResponse)
def reviews_page(
    request: Request, session: DbSession, user: AnalystPageUser, decided: int | None = None
) -> HTMLResponse:
    return _page(request, session, decided=decided)


@router.post(PAGE + "/{review_id}/decision", response_class=HTMLResponse)
def decide(
    request: Request,
    review_id: int,
    session: DbSession,
    user: AnalystPageUser,
    outcome: Annotated[str, Form(pattern="^(different_people|same_person)$")],
    note: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    htmx = bool(request.headers.get("HX-Request"))
    try:
        review = duplicates.decide(
            session,
            review=duplicates.get_review(session, review_id, for_update=True),
            outcome=ReviewStatus(outcome),
            note=note.strip() or None,
            analyst_id=user.id,
        )
    except AppError as err:
        refused(request, session, err)
        message = error_text(locale_of(request), err)
        if not htmx:
            return _page(request, session, error=message, status_code=err.status_code)
        review = None if err.status_code == 404 else duplicates.get_review(session, review_id)
        context = {"review": review, "card_error": message}
        return render(request, "identity/reviews_card.html", context, status_code=err.status_code)
    if htmx:
        return render(request, "identity/reviews_card.html", {"review": review})
    return RedirectResponse(f"{PAGE}?decided={review.id}", status_code=303)


def _page(
    request: Request,
    session: DbSession,
    *,
    decided: int | None = None,
    error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    just_decided = None
    if decided is not None:
        try:
            just_decided = duplicates.get_review(session, decided)
        except AppError:
            just_decided = None
    context = {
        "reviews": duplicates.reviews(session, ReviewStatus.OPEN),
        "decided": just_decided,
        "error": error,
        "active": "identity-reviews",
    }
    return render(request, "identity/reviews.html", context, status_code=status_code)
