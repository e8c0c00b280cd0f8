"""Identity API: the person's status, camera-check challenges and selfie-video verifications."""

from typing import Annotated

from fastapi import APIRouter, File, Form, Response, UploadFile, status

from kezek.deps import AppSettings, CurrentUser, DbSession, Media, require_roles
from kezek.errors import Forbidden, NotAuthenticated, error_responses
from kezek.identity import verification
from kezek.identity.errors import (
    AttemptNotFound,
    ChallengeExpired,
    ChallengeNotFound,
    ChallengeUsed,
    DocumentRequired,
    IdentityRejected,
    NotAVideo,
    VerificationLocked,
    VideoGone,
    VideoTooLarge,
    VideoTooLong,
    VideoTooShort,
)
from kezek.identity.schemas import (
    AttemptDetailOut,
    AttemptOut,
    ChallengeOut,
    FlagIn,
    IdentityOut,
)
from kezek.identity.video import MAX_BYTES as MAX_VIDEO_BYTES
from kezek.models.identity import VerificationAttempt
from kezek.models.party import Role, User

router = APIRouter(prefix="/api/v1/identity", tags=["identity"])
Analyst = Annotated[User, require_roles(Role.ANALYST)]
MAY_ATTEMPT = (IdentityRejected, DocumentRequired, VerificationLocked)


@router.get("", response_model=IdentityOut, responses=error_responses(NotAuthenticated))
def my_identity(session: DbSession, user: CurrentUser, settings: AppSettings) -> IdentityOut:
    """Where the caller's identity check stands: document, open challenge, attempts, lockout."""
    return verification.overview(session, user.person, settings)


@router.post(
    "/challenges",
    response_model=ChallengeOut,
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(NotAuthenticated, *MAY_ATTEMPT),
)
def new_challenge(session: DbSession, user: CurrentUser, settings: AppSettings) -> ChallengeOut:
    """The head turns the next selfie video must show, with its nonce and expiry.

    While a challenge is open, asking again returns the same one. A verified person may take the
    check again: a fresh pass confirms a power of attorney grant (POST /api/v1/attorneys,
    `confirmation.verification_id`) and leaves the status as it is."""
    challenge = verification.issue_challenge(session, user.person, settings)
    return ChallengeOut.model_validate(challenge, from_attributes=True)


@router.post(
    "/verifications",
    response_model=AttemptOut,
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(
        NotAuthenticated,
        *MAY_ATTEMPT,
        ChallengeNotFound,
        ChallengeUsed,
        ChallengeExpired,
        NotAVideo,
        VideoTooLarge,
        VideoTooLong,
        VideoTooShort,
    ),
)
def verify(
    session: DbSession,
    user: CurrentUser,
    settings: AppSettings,
    media: Media,
    nonce: Annotated[str, Form(max_length=64, description="The challenge's nonce")],
    video: Annotated[
        UploadFile,
        File(description="A few seconds of selfie video answering the challenge (WebM, MP4)"),
    ],
    source: Annotated[str, Form(pattern="^(browser|api)$")] = "api",
) -> AttemptOut:
    """Answer a challenge with a selfie video (the browser's recording or a fleet app's file).

    The answer is 201 with the decision, verified or failed, and the reason; a file that is not a
    usable video is refused with 422 and the challenge stays open."""
    data = video.file.read(MAX_VIDEO_BYTES + 1)  # more is refused without reading it all
    attempt = verification.submit_video(
        session,
        person=user.person,
        nonce=nonce,
        video=data,
        media_type=(video.content_type or "").split(";")[0],
        source=source,
        settings=settings,
        media=media,
    )
    return verification.attempt_out(session, attempt, settings)


def _attempt(session: DbSession, attempt_id: int) -> VerificationAttempt:
    attempt = session.get(VerificationAttempt, attempt_id)
    if attempt is None:
        raise AttemptNotFound()
    return attempt


@router.get(
    "/verifications/{attempt_id}",
    response_model=AttemptDetailOut,
    responses=error_responses(NotAuthenticated, Forbidden, AttemptNotFound),
)
def attempt_detail(
    attempt_id: int, session: DbSession, user: Analyst, settings: AppSettings
) -> AttemptDetailOut:
    """An attempt with everything measured (analysts)."""
    return verification.attempt_detail(session, _attempt(session, attempt_id), settings)


@router.get(
    "/verifications/{attempt_id}/video",
    responses={
        200: {"content": {"video/webm": {}, "video/mp4": {}}},
        **error_responses(NotAuthenticated, Forbidden, AttemptNotFound, VideoGone),
    },
)
def attempt_video(attempt_id: int, session: DbSession, user: Analyst, media: Media) -> Response:
    """The raw video of an attempt, while it is kept (analysts)."""
    attempt = _attempt(session, attempt_id)
    if attempt.video_file is None or not media.exists(attempt.video_file):
        raise VideoGone()
    return Response(
        media.read(attempt.video_file),
        media_type=attempt.video_media_type or "application/octet-stream",
        headers={"Cache-Control": "private, no-store"},
    )


@router.post(
    "/verifications/{attempt_id}/flag",
    response_model=AttemptDetailOut,
    responses=error_responses(NotAuthenticated, Forbidden, AttemptNotFound, VideoGone),
)
def flag(
    attempt_id: int, body: FlagIn, session: DbSession, user: Analyst, settings: AppSettings
) -> AttemptDetailOut:
    """Keep an attempt's video past its review window, for an investigation (analysts)."""
    attempt = verification.flag_attempt(
        session, attempt=_attempt(session, attempt_id), analyst_id=user.id, reason=body.reason
    )
    return verification.attempt_detail(session, attempt, settings)
