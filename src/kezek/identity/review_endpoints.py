"""The analysts' queue of duplicate faces: two identities enrolled with one face."""

from typing import Annotated

from fastapi import APIRouter, Query

from kezek.deps import DbSession, require_roles
from kezek.errors import Forbidden, NotAuthenticated, error_responses
from kezek.identity import duplicates
from kezek.identity.duplicates import ReviewAlreadyResolved, ReviewNotFound
from kezek.identity.enrolment_schemas import DecisionIn, ReviewOut, ReviewPerson
from kezek.models.identity import DuplicateReview, ReviewStatus
from kezek.models.party import Party, Role, User

router = APIRouter(prefix="/api/v1/identity/reviews", tags=["identity"])
Analyst = Annotated[User, require_roles(Role.ANALYST)]


@router.get(
    "", response_model=list[ReviewOut], responses=error_responses(NotAuthenticated, Forbidden)
)
def list_reviews(
    session: DbSession,
    user: Analyst,
    status: Annotated[
        ReviewStatus, Query(description="open (the default), different_people or same_person")
    ] = ReviewStatus.OPEN,
) -> list[ReviewOut]:
    """Duplicate reviews in one status, oldest first (analysts)."""
    return [review_out(review) for review in duplicates.reviews(session, status)]


@router.post(
    "/{review_id}/decision",
    response_model=ReviewOut,
    responses=error_responses(NotAuthenticated, Forbidden, ReviewNotFound, ReviewAlreadyResolved),
)
def decide(review_id: int, body: DecisionIn, session: DbSession, user: Analyst) -> ReviewOut:
    """Decide a review (analysts): same_person rejects the newer identity, which can then
    neither book nor pass the camera check; different_people clears the match."""
    review = duplicates.decide(
        session,
        review=duplicates.get_review(session, review_id, for_update=True),
        outcome=ReviewStatus(body.outcome),
        note=body.note,
        analyst_id=user.id,
    )
    return review_out(review)


def review_out(review: DuplicateReview) -> ReviewOut:
    return ReviewOut(
        id=review.id,
        status=review.status,
        distance=round(review.distance, 4),
        newer=_person(review.person, review.document_id),
        other=_person(review.other_person, review.other_document_id),
        created_at=review.created_at,
        resolved_at=review.resolved_at,
        resolution_note=review.resolution_note,
    )


def _person(person: Party, document_id: int) -> ReviewPerson:
    return ReviewPerson(
        person_id=person.id,
        full_name=person.full_name,
        national_id=person.national_id,
        document_id=document_id,
        identity_status=person.identity_status,
    )
