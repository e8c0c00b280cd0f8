"""Duplicate search (1:N): is a newly enrolled face already enrolled under another identity?

A match opens a review for an analyst, never a refusal: look-alikes and twins exist. The search
itself is `nearest_documents`, one small function: brute force over the latest document of every
other person (one vectorised distance computation), fine to tens of thousands of faces; beyond
that, replace it with a pgvector index query (docs/identity.md).
"""

from dataclasses import dataclass

import numpy as np
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from kezek.audit.service import record
from kezek.db import utcnow
from kezek.errors import Conflict, NotFound
from kezek.models.identity import DuplicateReview, IdentityDocument, ReviewStatus
from kezek.models.party import IdentityStatus, Party
from kezek.people.service import set_identity_status


class ReviewNotFound(NotFound):
    code = "review_not_found"
    message = "No such duplicate review."


class ReviewAlreadyResolved(Conflict):
    code = "review_already_resolved"
    message = "This duplicate review was already decided."


# Enrolments search one after the other (PostgreSQL): two people enrolling the same face at once
# would otherwise each miss the other's uncommitted photo. SQLite already serialises writers.
SEARCH_LOCK = (43, 1)


@dataclass(frozen=True)
class Match:
    person_id: int
    document_id: int
    distance: float


def latest_documents_of_others(session: Session, person_id: int) -> tuple[list, list, np.ndarray]:
    """Person ids, document ids and a (n, 128) matrix of the latest document of every other
    person."""
    latest = (
        select(func.max(IdentityDocument.id))
        .where(IdentityDocument.person_id != person_id)
        .group_by(IdentityDocument.person_id)
    )
    rows = session.execute(
        select(IdentityDocument.person_id, IdentityDocument.id, IdentityDocument.embedding).where(
            IdentityDocument.id.in_(latest)
        )
    ).all()
    if not rows:
        return [], [], np.empty((0, 128))
    matrix = np.frombuffer(b"".join(row.embedding for row in rows), dtype=np.float64)
    return [r.person_id for r in rows], [r.id for r in rows], matrix.reshape(len(rows), -1)


def nearest_documents(
    session: Session, *, person_id: int, embedding: np.ndarray, threshold: float
) -> list[Match]:
    """The other persons' current documents whose face lies within `threshold`, closest first."""
    person_ids, document_ids, matrix = latest_documents_of_others(session, person_id)
    if not document_ids:
        return []
    distances = np.linalg.norm(matrix - np.asarray(embedding, dtype=np.float64), axis=1)
    close = np.flatnonzero(distances <= threshold)
    return sorted(
        (Match(person_ids[i], document_ids[i], float(distances[i])) for i in close),
        key=lambda match: match.distance,
    )


def flag_duplicates(
    session: Session, *, document: IdentityDocument, embedding: np.ndarray, threshold: float
) -> list[DuplicateReview]:
    """Open a review for each other identity whose face matches the new document's."""
    if session.get_bind().dialect.name == "postgresql":
        classid, objid = SEARCH_LOCK
        session.execute(
            text("SELECT pg_advisory_xact_lock(:classid, :objid)"),
            {"classid": classid, "objid": objid},
        )
    reviews = []
    for match in nearest_documents(
        session, person_id=document.person_id, embedding=embedding, threshold=threshold
    ):
        review = DuplicateReview(
            person_id=document.person_id,
            document_id=document.id,
            other_person_id=match.person_id,
            other_document_id=match.document_id,
            distance=match.distance,
            status=ReviewStatus.OPEN,
        )
        session.add(review)
        session.flush()
        record(
            session,
            action="identity.duplicate_flagged",
            object_type="identity_review",
            object_id=review.id,
            on_behalf_of=document.person_id,
            payload={
                "document_id": document.id,
                "other_person_id": match.person_id,
                "other_document_id": match.document_id,
                "distance": round(match.distance, 4),
            },
        )
        reviews.append(review)
    return reviews


def reviews(session: Session, status: ReviewStatus | None = ReviewStatus.OPEN) -> list:
    """Reviews in `status` (all when None), oldest first: the queue is worked in order."""
    query = select(DuplicateReview).order_by(DuplicateReview.id)
    if status is not None:
        query = query.where(DuplicateReview.status == status)
    return list(session.scalars(query).unique())


def get_review(session: Session, review_id: int, *, for_update: bool = False) -> DuplicateReview:
    """A review; `for_update` locks its row (PostgreSQL) so two analysts cannot both decide it."""
    if for_update:  # the bare row: FOR UPDATE does not combine with the joined persons
        session.execute(
            select(DuplicateReview.id).where(DuplicateReview.id == review_id).with_for_update()
        )
    review = session.get(DuplicateReview, review_id, populate_existing=for_update)
    if review is None:
        raise ReviewNotFound()
    return review


def decide(
    session: Session,
    *,
    review: DuplicateReview,
    outcome: ReviewStatus,
    note: str | None,
    analyst_id: int,
) -> DuplicateReview:
    """Resolve a review. "same_person" rejects the newer identity (the review's person), which
    closes booking and the camera check to it; "different_people" only clears the match."""
    if review.status != ReviewStatus.OPEN:
        raise ReviewAlreadyResolved(f"This duplicate review was already decided: {review.status}.")
    review.status = outcome
    review.resolved_at = utcnow()
    review.resolved_by = analyst_id
    review.resolution_note = note
    record(
        session,
        action="identity.review_decided",
        object_type="identity_review",
        object_id=review.id,
        on_behalf_of=review.person_id,
        payload={"outcome": outcome, "note": note, "other_person_id": review.other_person_id},
    )
    if outcome == ReviewStatus.SAME_PERSON:
        person = session.get(Party, review.person_id)
        assert person is not None  # a foreign key
        set_identity_status(session, person=person, status=IdentityStatus.REJECTED)
    return review
