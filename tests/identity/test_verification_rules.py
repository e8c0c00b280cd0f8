"""The camera check's rules around the analysis: challenges, nonces, decisions, lockout, videos.

The video analysis itself is tested on generated clips (test_liveness, test_clip, and the API
tests); here a scripted verdict stands in for it so each rule is seen on its own.
"""

from dataclasses import dataclass, field
from datetime import timedelta

import numpy as np
import pytest

from identity.conftest import face_of
from kezek.db import utcnow
from kezek.identity import verification
from kezek.identity.errors import (
    ChallengeExpired,
    ChallengeNotFound,
    ChallengeUsed,
    DocumentRequired,
    IdentityRejected,
    VerificationLocked,
    VideoGone,
)
from kezek.identity.storage import MediaStore
from kezek.models.identity import AttemptDecision, IdentityDocument, VerificationAttempt
from kezek.models.party import IdentityStatus, Party
from kezek.people.schemas import RegistrationIn
from kezek.people.service import register


@dataclass
class Verdict:
    passed: bool
    reason: str | None = None
    message: str | None = None
    distance: float | None = 0.35
    measures: dict = field(default_factory=lambda: {"frames": 40})
    model_versions: dict = field(default_factory=lambda: {"detector": "hog"})
    embedding: np.ndarray | None = None


def passing(*_args):
    return Verdict(passed=True, embedding=face_of("obama/obama.jpg").embedding)


def failing(*_args):
    return Verdict(passed=False, reason="no_head_turn", message="The head did not turn.")


@pytest.fixture
def media(tmp_path) -> MediaStore:
    return MediaStore(tmp_path / "media")


def new_person(session, login: str = "newcomer", passport: str = "N1234567") -> Party:
    """A freshly registered, unverified person (a Kyrgyz passport holder)."""
    user = register(
        session,
        data=RegistrationIn(
            login=login,
            password="a-long-password-1",
            full_name="Aru Newcomer",
            passport_number=passport,
            passport_country="KG",
        ),
    )
    session.flush()
    return user.person


@pytest.fixture
def person(session) -> Party:
    return new_person(session)


def enrol(session, person: Party) -> IdentityDocument:
    face = face_of("obama/obama.jpg")
    document = IdentityDocument(
        person_id=person.id,
        photo_file="photo-test.jpg",
        media_type="image/jpeg",
        face_box=list(face.box),
        embedding=face.embedding.tobytes(),
    )
    session.add(document)
    session.flush()
    return document


def submit(session, person, settings, media, nonce, analyse=passing, now=None):
    return verification.submit_video(
        session,
        person=person,
        nonce=nonce,
        video=b"not analysed here",
        media_type="video/webm",
        source="api",
        settings=settings,
        media=media,
        now=now,
        analyse=analyse,
    )


def test_no_challenge_before_a_document_photo(session, settings, person):
    with pytest.raises(DocumentRequired):
        verification.issue_challenge(session, person, settings)


def test_a_challenge_is_three_turns_not_all_alike_and_stays_until_used(session, settings, person):
    enrol(session, person)
    first = verification.issue_challenge(session, person, settings)
    assert len(first.steps) == 3 and set(first.steps) == {"left", "right"}
    assert first.expires_at - first.issued_at == timedelta(
        seconds=settings.identity_challenge_seconds
    )
    # Asking again (a reload of the page) cannot reroll the order.
    assert verification.issue_challenge(session, person, settings).nonce == first.nonce
    later = first.expires_at + timedelta(seconds=1)
    assert verification.issue_challenge(session, person, settings, now=later).nonce != first.nonce


def test_challenge_orders_are_drawn_at_random():
    orders = {tuple(verification.random_steps()) for _ in range(300)}
    assert len(orders) == 6


def test_a_passing_video_verifies_and_is_recorded_with_its_scores(session, settings, person, media):
    enrol(session, person)
    challenge = verification.issue_challenge(session, person, settings)
    attempt = submit(session, person, settings, media, challenge.nonce)
    assert attempt.decision == AttemptDecision.VERIFIED
    assert person.identity_status == IdentityStatus.VERIFIED
    assert attempt.distance == 0.35 and attempt.measures == {"frames": 40}
    assert attempt.model_versions == {"detector": "hog"}
    assert np.frombuffer(attempt.embedding).shape == (128,)
    assert challenge.used_at is not None
    assert media.read(attempt.video_file) == b"not analysed here"


def test_a_verified_person_may_check_again_and_stays_verified_whatever_the_result(
    session, settings, person, media
):
    """A new check confirms a power of attorney grant; it never changes a verified status, and
    its failures count toward the lockout like any other."""
    enrol(session, person)
    first = verification.issue_challenge(session, person, settings)
    submit(session, person, settings, media, first.nonce)
    assert person.identity_status == IdentityStatus.VERIFIED
    for _ in range(settings.identity_max_failures):
        challenge = verification.issue_challenge(session, person, settings)
        assert challenge.id != first.id
        attempt = submit(session, person, settings, media, challenge.nonce, analyse=failing)
        assert attempt.decision == AttemptDecision.FAILED
        assert person.identity_status == IdentityStatus.VERIFIED
    with pytest.raises(VerificationLocked):
        verification.issue_challenge(session, person, settings)


def test_a_failing_video_leaves_the_identity_unverified_with_the_reason(
    session, settings, person, media
):
    enrol(session, person)
    challenge = verification.issue_challenge(session, person, settings)
    attempt = submit(session, person, settings, media, challenge.nonce, analyse=failing)
    assert (attempt.decision, attempt.reason) == (AttemptDecision.FAILED, "no_head_turn")
    assert person.identity_status == IdentityStatus.UNVERIFIED


def test_a_nonce_answers_once_only_for_its_person_and_before_it_expires(
    session, settings, person, media
):
    enrol(session, person)
    challenge = verification.issue_challenge(session, person, settings)
    with pytest.raises(ChallengeNotFound):
        submit(session, person, settings, media, "someone-elses-nonce")
    with pytest.raises(ChallengeExpired):
        submit(session, person, settings, media, challenge.nonce, now=challenge.expires_at)
    submit(session, person, settings, media, challenge.nonce, analyse=failing)
    with pytest.raises(ChallengeUsed):
        submit(session, person, settings, media, challenge.nonce)


def test_an_unreadable_video_records_nothing_and_keeps_the_challenge(
    session, settings, person, media
):
    from kezek.identity.errors import NoFace

    def refuses(*_args):
        raise NoFace()

    enrol(session, person)
    challenge = verification.issue_challenge(session, person, settings)
    with pytest.raises(NoFace):
        submit(session, person, settings, media, challenge.nonce, analyse=refuses)
    assert challenge.used_at is None
    assert session.query(VerificationAttempt).count() == 0
    assert list(media.folder.glob("*")) == [] if media.folder.exists() else True


def test_five_failures_in_a_row_lock_the_check_for_a_while(session, settings, person, media):
    enrol(session, person)
    now = utcnow()
    for minute in range(5):
        at = now + timedelta(minutes=minute)
        challenge = verification.issue_challenge(session, person, settings, now=at)
        submit(session, person, settings, media, challenge.nonce, analyse=failing, now=at)
    last = now + timedelta(minutes=4)
    with pytest.raises(VerificationLocked) as locked:
        verification.issue_challenge(session, person, settings, now=last)
    wait = int(locked.value.headers["Retry-After"])
    assert wait == settings.identity_lockout_minutes * 60
    overview = verification.overview(session, person, settings)
    assert overview.attempts_before_lockout == 0 and overview.locked_until is not None

    # After the delay one more try; its failure locks again at once.
    after = last + timedelta(minutes=settings.identity_lockout_minutes, seconds=1)
    challenge = verification.issue_challenge(session, person, settings, now=after)
    submit(session, person, settings, media, challenge.nonce, analyse=failing, now=after)
    with pytest.raises(VerificationLocked):
        verification.issue_challenge(session, person, settings, now=after)


def test_a_success_resets_the_failure_count(session, settings, person, media):
    enrol(session, person)
    now = utcnow()
    for minute in range(4):
        at = now + timedelta(minutes=minute)
        challenge = verification.issue_challenge(session, person, settings, now=at)
        submit(session, person, settings, media, challenge.nonce, analyse=failing, now=at)
    at = now + timedelta(minutes=5)
    challenge = verification.issue_challenge(session, person, settings, now=at)
    submit(session, person, settings, media, challenge.nonce, now=at)
    assert verification.lockout(session, person, settings, at).failures_in_a_row == 0


def test_an_identity_an_analyst_rejected_cannot_try_again(session, settings, person):
    enrol(session, person)
    person.identity_status = IdentityStatus.REJECTED
    with pytest.raises(IdentityRejected):
        verification.issue_challenge(session, person, settings)


def test_videos_are_deleted_after_the_review_window_unless_flagged(
    session, settings, person, media
):
    enrol(session, person)
    now = utcnow()
    first = verification.issue_challenge(session, person, settings, now=now)
    kept = submit(session, person, settings, media, first.nonce, analyse=failing, now=now)
    second = verification.issue_challenge(session, person, settings, now=now)
    dropped = submit(session, person, settings, media, second.nonce, analyse=failing, now=now)
    verification.flag_attempt(session, attempt=kept, analyst_id=1, reason="looks like a screen")
    kept_file, dropped_file = kept.video_file, dropped.video_file

    within = now + timedelta(hours=settings.identity_video_retention_hours - 1)
    assert verification.purge_videos(session, media, settings, now=within) == 0
    after = now + timedelta(hours=settings.identity_video_retention_hours, seconds=1)
    assert verification.purge_videos(session, media, settings, now=after) == 1
    assert media.exists(dropped_file)  # until the transaction that forgets it commits
    session.commit()
    assert dropped.video_file is None and not media.exists(dropped_file)
    assert kept.video_file == kept_file and media.exists(kept_file)
    assert dropped.embedding is not None or dropped.decision == AttemptDecision.FAILED
    with pytest.raises(VideoGone):
        verification.flag_attempt(session, attempt=dropped, analyst_id=1, reason="too late")


def test_a_rolled_back_attempt_leaves_no_video_behind(session, settings, person, media):
    enrol(session, person)
    challenge = verification.issue_challenge(session, person, settings)
    attempt = submit(session, person, settings, media, challenge.nonce, analyse=failing)
    assert media.exists(attempt.video_file)
    name = attempt.video_file
    session.rollback()
    assert not media.exists(name)
