"""The fresh camera check that confirms a grant (SPEC: "a fresh biometric or second-factor check").

A grant names a passed camera check (an identity attempt decided `verified`) of the caller's own
person, made at most `attorney_confirmation_seconds` ago and not yet used by another grant. The
attorney keeps it in `confirmation_attempt_id`, which is UNIQUE: the database holds each check to
one grant even when two grants race with it (the loser is refused like any reused check).
"""

from datetime import datetime, timedelta

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from kezek.attorneys.errors import ReauthRequired
from kezek.config import Settings
from kezek.db import utcnow
from kezek.models.attorney import Attorney
from kezek.models.identity import AttemptDecision, VerificationAttempt
from kezek.models.party import User

TAKE_A_NEW_CHECK = (
    "Take a new camera check (POST /api/v1/identity/challenges, then POST "
    "/api/v1/identity/verifications, or the /identity page) and name it in "
    "confirmation.verification_id."
)


def confirming_check(
    session: Session,
    *,
    user: User,
    verification_id: int | None,
    settings: Settings,
    now: datetime | None = None,
) -> VerificationAttempt:
    """The check named by a grant, or reauth_required saying why it cannot confirm it."""
    now = now or utcnow()
    if verification_id is None:
        raise ReauthRequired(f"A grant needs a fresh camera check. {TAKE_A_NEW_CHECK}")
    attempt = session.get(VerificationAttempt, verification_id)
    if (
        attempt is None
        or attempt.person_id != user.person_id
        or attempt.decision != AttemptDecision.VERIFIED
    ):
        raise ReauthRequired(
            f"Camera check {verification_id} is not a passed check of yours. {TAKE_A_NEW_CHECK}"
        )
    if attempt.created_at < fresh_since(settings, now):
        raise ReauthRequired(
            f"Camera check {verification_id} is older than "
            f"{settings.attorney_confirmation_seconds} seconds. {TAKE_A_NEW_CHECK}"
        )
    if _used(session, attempt.id):
        raise ReauthRequired(
            f"Camera check {verification_id} already confirmed another grant; a check confirms "
            f"one only. {TAKE_A_NEW_CHECK}"
        )
    return attempt


def latest_fresh_check(
    session: Session, *, person_id: int, settings: Settings, now: datetime | None = None
) -> VerificationAttempt | None:
    """The person's newest passed check that may still confirm a grant (for the page)."""
    since = fresh_since(settings, now or utcnow())
    used = exists().where(Attorney.confirmation_attempt_id == VerificationAttempt.id)
    return session.scalars(
        select(VerificationAttempt)
        .where(
            VerificationAttempt.person_id == person_id,
            VerificationAttempt.decision == AttemptDecision.VERIFIED,
            VerificationAttempt.created_at >= since,
            ~used,
        )
        .order_by(VerificationAttempt.id.desc())
        .limit(1)
    ).first()


def fresh_since(settings: Settings, now: datetime) -> datetime:
    return now - timedelta(seconds=settings.attorney_confirmation_seconds)


def usable_until(attempt: VerificationAttempt, settings: Settings) -> datetime:
    """When the check stops being fresh enough to confirm a grant."""
    return attempt.created_at + timedelta(seconds=settings.attorney_confirmation_seconds)


def _used(session: Session, attempt_id: int) -> bool:
    return (
        session.scalar(select(exists().where(Attorney.confirmation_attempt_id == attempt_id)))
        is True
    )
