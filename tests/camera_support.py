"""Camera checks in tests that need one but not its video analysis (it costs seconds): the rows
a finished check leaves, written straight into the database as the identity tests' fixtures do.

Used to confirm power of attorney grants (kezek.attorneys.confirmation), by the API and page
tests and by the browser tests against the live server's database.
"""

import secrets
from datetime import datetime, timedelta

import numpy as np
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from kezek.db import new_session, utcnow
from kezek.identity.verification import current_document
from kezek.models.identity import (
    AttemptDecision,
    IdentityChallenge,
    IdentityDocument,
    VerificationAttempt,
)
from kezek.models.party import Party, User


def camera_check(
    engine: Engine,
    login: str,
    *,
    passed: bool = True,
    at: datetime | None = None,
) -> int:
    """Record a finished camera check of `login`'s person (passed unless told otherwise), taken
    `at` (now by default); returns the attempt's id, what a grant's confirmation names."""
    at = at or utcnow()
    session = new_session(engine)
    try:
        person = session.scalars(select(User).where(User.login == login)).one().person
        challenge = IdentityChallenge(
            nonce=secrets.token_urlsafe(24),
            person_id=person.id,
            steps=["left", "right", "left"],
            issued_at=at - timedelta(seconds=20),
            expires_at=at + timedelta(seconds=160),
            used_at=at,
        )
        session.add(challenge)
        session.flush()
        attempt = VerificationAttempt(
            person_id=person.id,
            challenge_id=challenge.id,
            document_id=_document(session, person).id,
            decision=AttemptDecision.VERIFIED if passed else AttemptDecision.FAILED,
            reason=None if passed else "no_head_turn",
            message=None if passed else "The head did not turn.",
            distance=0.3,
            measures={"recorded_by": "tests/camera_support.py"},
            source="api",
            created_at=at,
        )
        session.add(attempt)
        session.commit()
        return attempt.id
    finally:
        session.close()


def document_photo(engine: Engine, login: str) -> int:
    """Make sure `login`'s person has a document photo (a row without a file), so the camera
    check can be asked for; returns its id."""
    session = new_session(engine)
    try:
        person = session.scalars(select(User).where(User.login == login)).one().person
        document_id = _document(session, person).id
        session.commit()
        return document_id
    finally:
        session.close()


def _document(session: Session, person: Party) -> IdentityDocument:
    """The person's document photo; the demo people have none, so one without a file is made."""
    document = current_document(session, person)
    if document is None:
        document = IdentityDocument(
            person_id=person.id,
            photo_file=f"test-photo-{secrets.token_hex(8)}.jpg",
            media_type="image/jpeg",
            face_box=[0, 0, 100, 100],
            embedding=np.zeros(128, np.float64).tobytes(),
        )
        session.add(document)
        session.flush()
    return document
