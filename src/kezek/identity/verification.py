"""The camera check: a server-issued challenge, the selfie video that answers it, the decision.

A challenge is a random sequence of head turns with a nonce and a short expiry; asking again while
one is open returns the same one (reloading the page cannot reroll the order to suit a prepared
video). A video is analysed against the person's current document photo; every analysed attempt
is recorded with its scores and decided at once. Five failures in a row lock the check for a while.
The raw video is kept only for the analysts' review window (then the worker deletes it) unless an
analyst flags the attempt; the embedding stays for duplicate search.
"""

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from kezek.audit.service import record
from kezek.config import Settings
from kezek.db import utcnow
from kezek.identity.errors import (
    ChallengeExpired,
    ChallengeNotFound,
    ChallengeUsed,
    DocumentRequired,
    IdentityRejected,
    VerificationLocked,
    VideoGone,
)
from kezek.identity.schemas import (
    AttemptDetailOut,
    AttemptOut,
    ChallengeOut,
    DocumentSummary,
    IdentityOut,
)
from kezek.identity.storage import MediaStore
from kezek.models.identity import (
    AttemptDecision,
    IdentityChallenge,
    IdentityDocument,
    VerificationAttempt,
)
from kezek.models.party import IdentityStatus, Party
from kezek.people.service import set_identity_status

TURNS = ("left", "right")
STEPS_PER_CHALLENGE = 3
VIDEO_EXTENSIONS = {"video/webm": "webm", "video/mp4": "mp4", "video/quicktime": "mov"}


@dataclass(frozen=True)
class Lockout:
    failures_in_a_row: int
    locked_until: datetime | None


def random_steps() -> list[str]:
    """Three turns, not all the same way: six possible orders, drawn from the OS's randomness."""
    while True:
        steps = [secrets.choice(TURNS) for _ in range(STEPS_PER_CHALLENGE)]
        if len(set(steps)) > 1:
            return steps


def current_document(session: Session, person: Party) -> IdentityDocument | None:
    return session.scalars(
        select(IdentityDocument)
        .where(IdentityDocument.person_id == person.id)
        .order_by(IdentityDocument.id.desc())
        .limit(1)
    ).first()


def open_challenge(session: Session, person: Party, now: datetime) -> IdentityChallenge | None:
    return session.scalars(
        select(IdentityChallenge)
        .where(
            IdentityChallenge.person_id == person.id,
            IdentityChallenge.used_at.is_(None),
            IdentityChallenge.expires_at > now,
        )
        .order_by(IdentityChallenge.id.desc())
        .limit(1)
    ).first()


def lockout(session: Session, person: Party, settings: Settings, now: datetime) -> Lockout:
    """Failures since the last success; locked for a while after each `max` failures in a row."""
    recent = session.scalars(
        select(VerificationAttempt)
        .where(VerificationAttempt.person_id == person.id)
        .order_by(VerificationAttempt.id.desc())
        .limit(settings.identity_max_failures)
    ).all()
    failures = 0
    for attempt in recent:
        if attempt.decision != AttemptDecision.FAILED:
            break
        failures += 1
    if failures < settings.identity_max_failures:
        return Lockout(failures, None)
    until = recent[0].created_at + timedelta(minutes=settings.identity_lockout_minutes)
    return Lockout(failures, until if until > now else None)


def issue_challenge(
    session: Session, person: Party, settings: Settings, now: datetime | None = None
) -> IdentityChallenge:
    """The open challenge of the person, or a new one."""
    now = now or utcnow()
    _check_may_attempt(session, person, settings, now)
    challenge = open_challenge(session, person, now)
    if challenge is not None:
        return challenge
    challenge = IdentityChallenge(
        nonce=secrets.token_urlsafe(24),
        person_id=person.id,
        steps=random_steps(),
        issued_at=now,
        expires_at=now + timedelta(seconds=settings.identity_challenge_seconds),
    )
    session.add(challenge)
    session.flush()
    record(
        session,
        action="identity.challenge",
        object_type="identity_challenge",
        object_id=challenge.id,
        on_behalf_of=person.id,
        payload={"steps": challenge.steps, "expires_at": challenge.expires_at.isoformat()},
    )
    return challenge


Analyser = Callable[..., Any]


def submit_video(
    session: Session,
    *,
    person: Party,
    nonce: str,
    video: bytes,
    media_type: str,
    source: str,
    settings: Settings,
    media: MediaStore,
    now: datetime | None = None,
    analyse: Analyser | None = None,
) -> VerificationAttempt:
    """Analyse a selfie video against the challenge it answers, decide, and record the attempt.

    A file that is not a usable video is refused (422) before anything is recorded, and the
    challenge stays open for a better file. Of two uploads racing with one nonce, one is analysed
    into an attempt and the other refused as challenge_used.
    """
    now = now or utcnow()
    document = _check_may_attempt(session, person, settings, now)
    challenge = _challenge_for(session, person, nonce, now)
    steps, reference = list(challenge.steps), np.frombuffer(document.embedding, np.float64)
    challenge_id, document_id = challenge.id, document.id
    # The analysis takes a second or two of CPU: hold no transaction meanwhile (on SQLite, that
    # would be the write lock every booking waits for). Only reads happened so far.
    session.commit()
    verdict = (analyse or _default_analyser())(
        video, steps, reference, settings.face_match_threshold
    )
    challenge = session.get(IdentityChallenge, challenge_id)
    _use_challenge(session, challenge, now)
    document = session.get(IdentityDocument, document_id)
    attempt = _record_attempt(session, person, challenge, document, verdict, source=source, now=now)
    extension = VIDEO_EXTENSIONS.get(media_type, "bin")
    attempt.video_file = media.save_in(session, video, "video", extension)
    attempt.video_media_type = media_type
    if verdict.passed:
        set_identity_status(session, person=person, status=IdentityStatus.VERIFIED)
    return attempt


def _default_analyser() -> Analyser:
    from kezek.identity.clip import analyse_clip

    return analyse_clip


def _check_may_attempt(
    session: Session, person: Party, settings: Settings, now: datetime
) -> IdentityDocument:
    """The document the check compares with, or the refusal of any attempt now.

    A verified person may take the check again: a fresh pass confirms a power of attorney grant
    (kezek.attorneys.confirmation); it leaves the status as it is, and a failure counts toward
    the lockout like any other."""
    if person.identity_status == IdentityStatus.REJECTED:
        raise IdentityRejected()
    document = current_document(session, person)
    if document is None:
        raise DocumentRequired()
    locked_until = lockout(session, person, settings, now).locked_until
    if locked_until is not None:
        raise VerificationLocked(locked_until, now)
    return document


def _challenge_for(session: Session, person: Party, nonce: str, now: datetime) -> IdentityChallenge:
    challenge = session.scalars(
        select(IdentityChallenge).where(
            IdentityChallenge.nonce == nonce, IdentityChallenge.person_id == person.id
        )
    ).first()
    if challenge is None:
        raise ChallengeNotFound()
    if challenge.used_at is not None:
        raise ChallengeUsed()
    if challenge.expires_at <= now:
        raise ChallengeExpired()
    return challenge


def _use_challenge(session: Session, challenge: IdentityChallenge, now: datetime) -> None:
    """Mark the challenge used, once: of two uploads racing with one nonce, the second loses."""
    claimed = session.execute(
        update(IdentityChallenge)
        .where(IdentityChallenge.id == challenge.id, IdentityChallenge.used_at.is_(None))
        .values(used_at=now)
        .returning(IdentityChallenge.id)
    ).first()
    if claimed is None:
        raise ChallengeUsed()
    session.refresh(challenge)


def _record_attempt(
    session: Session,
    person: Party,
    challenge: IdentityChallenge,
    document: IdentityDocument,
    verdict: Any,
    *,
    source: str,
    now: datetime,
) -> VerificationAttempt:
    decision = AttemptDecision.VERIFIED if verdict.passed else AttemptDecision.FAILED
    embedding = getattr(verdict, "embedding", None)
    attempt = VerificationAttempt(
        person_id=person.id,
        challenge_id=challenge.id,
        document_id=document.id,
        decision=decision,
        reason=verdict.reason,
        message=verdict.message,
        distance=verdict.distance,
        measures=verdict.measures,
        model_versions=verdict.model_versions,
        embedding=None if embedding is None else np.asarray(embedding, np.float64).tobytes(),
        source=source,
        created_at=now,
    )
    session.add(attempt)
    session.flush()
    record(
        session,
        action="identity.verification",
        object_type="identity_attempt",
        object_id=attempt.id,
        on_behalf_of=person.id,
        payload={
            "decision": decision,
            "reason": verdict.reason,
            "distance": verdict.distance,
            "source": source,
            "steps": challenge.steps,
        },
        outcome="ok" if verdict.passed else "refused",
    )
    return attempt


def flag_attempt(
    session: Session, *, attempt: VerificationAttempt, analyst_id: int, reason: str
) -> VerificationAttempt:
    """Keep the attempt's video for an investigation (refused once the video is gone)."""
    if attempt.video_file is None:
        raise VideoGone()
    attempt.flagged_at = utcnow()
    attempt.flagged_by = analyst_id
    attempt.flag_reason = reason
    record(
        session,
        action="identity.attempt_flagged",
        object_type="identity_attempt",
        object_id=attempt.id,
        on_behalf_of=attempt.person_id,
        payload={"reason": reason},
    )
    return attempt


def purge_videos(
    session: Session, media: MediaStore, settings: Settings, now: datetime | None = None
) -> int:
    """Delete the raw videos of decided, unflagged attempts past the review window."""
    now = now or utcnow()
    cutoff = now - timedelta(hours=settings.identity_video_retention_hours)
    attempts = session.scalars(
        select(VerificationAttempt).where(
            VerificationAttempt.video_file.is_not(None),
            VerificationAttempt.flagged_at.is_(None),
            VerificationAttempt.created_at <= cutoff,
        )
    ).all()
    for attempt in attempts:
        media.delete_after_commit(session, attempt.video_file)
        attempt.video_file = None
    return len(attempts)


def attempt_out(
    session: Session,
    attempt: VerificationAttempt,
    settings: Settings,
    state: Lockout | None = None,
) -> AttemptOut:
    person = session.get(Party, attempt.person_id)
    state = state or lockout(session, person, settings, utcnow())
    return AttemptOut(
        id=attempt.id,
        decision=attempt.decision,
        reason=attempt.reason,
        message=attempt.message,
        distance=attempt.distance,
        identity_status=person.identity_status,
        failures_in_a_row=state.failures_in_a_row,
        locked_until=state.locked_until,
        created_at=attempt.created_at,
    )


def attempt_detail(
    session: Session, attempt: VerificationAttempt, settings: Settings
) -> AttemptDetailOut:
    return AttemptDetailOut(
        **attempt_out(session, attempt, settings).model_dump(),
        person_id=attempt.person_id,
        steps=attempt.challenge.steps,
        source=attempt.source,
        measures=attempt.measures,
        model_versions=attempt.model_versions,
        video_kept=attempt.video_file is not None,
        flagged_at=attempt.flagged_at,
        flag_reason=attempt.flag_reason,
    )


def overview(session: Session, person: Party, settings: Settings) -> IdentityOut:
    now = utcnow()
    document = current_document(session, person)
    challenge = open_challenge(session, person, now)
    state = lockout(session, person, settings, now)
    last = session.scalars(
        select(VerificationAttempt)
        .where(VerificationAttempt.person_id == person.id)
        .order_by(VerificationAttempt.id.desc())
        .limit(1)
    ).first()
    return IdentityOut(
        identity_status=person.identity_status,
        document=document and DocumentSummary(id=document.id, uploaded_at=document.created_at),
        challenge=challenge and ChallengeOut.model_validate(challenge, from_attributes=True),
        failures_in_a_row=state.failures_in_a_row,
        attempts_before_lockout=_attempts_before_lockout(state, settings),
        locked_until=state.locked_until,
        last_attempt=last and attempt_out(session, last, settings, state),
    )


def _attempts_before_lockout(state: Lockout, settings: Settings) -> int:
    if state.locked_until is not None:
        return 0
    if state.failures_in_a_row >= settings.identity_max_failures:
        return 1  # after a lockout, each further failure locks again
    return settings.identity_max_failures - state.failures_in_a_row


def recent_attempts(
    session: Session, *, failed_only: bool = False, limit: int = 100
) -> list[VerificationAttempt]:
    """The latest attempts, newest first, for the analysts' list."""
    query = select(VerificationAttempt).order_by(VerificationAttempt.id.desc()).limit(limit)
    if failed_only:
        query = query.where(VerificationAttempt.decision == AttemptDecision.FAILED)
    return list(session.scalars(query))
