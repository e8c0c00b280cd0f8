"""Refusals of the identity domain: why a photo cannot be used to recognise its face."""

import math
from datetime import datetime

from kezek.errors import AppError, Conflict, Forbidden, InvalidInput, NotFound


class NotAnImage(InvalidInput):
    code = "not_an_image"
    message = "The file is not a JPEG, PNG, WebP or HEIC (HEIF) image."


class ImageTooLarge(InvalidInput):
    code = "image_too_large"
    message = "The image is too large; send a photo under 20 MB and 50 megapixels."


class NoFace(InvalidInput):
    code = "no_face"
    message = "No face was found on the photo; take it facing the camera, in good light."


class SeveralFaces(InvalidInput):
    code = "several_faces"
    message = "More than one face is on the photo; exactly one is needed."


class FaceTooSmall(InvalidInput):
    code = "face_too_small"
    message = "The face is too small on the photo; come closer or crop the photo."


class ImageTooDark(InvalidInput):
    code = "image_too_dark"
    message = "The photo is too dark to recognise the face; take it in better light."


# The camera check: its challenge, its attempts and their lockout.


class DocumentRequired(Conflict):
    code = "document_required"
    message = "Upload a photo of your identity document first; the camera check compares with it."


class IdentityRejected(Forbidden):
    code = "identity_rejected"
    message = "An analyst rejected this identity; the camera check is closed to it."


class ChallengeNotFound(NotFound):
    code = "challenge_not_found"
    message = "No such challenge for you; ask for one at POST /api/v1/identity/challenges."


class ChallengeUsed(Conflict):
    code = "challenge_used"
    message = "This challenge was already answered; ask for a new one."


class ChallengeExpired(Conflict):
    code = "challenge_expired"
    message = "This challenge has expired; ask for a new one and record again."


class VerificationLocked(AppError):
    status_code = 429
    code = "verification_locked"
    message = "Too many failed camera checks in a row; try again later."

    def __init__(self, locked_until: datetime, now: datetime):
        wait = max(1, math.ceil((locked_until - now).total_seconds()))
        super().__init__(
            f"Too many failed camera checks in a row; try again after "
            f"{locked_until:%Y-%m-%d %H:%M} UTC (in {math.ceil(wait / 60)} min).",
            headers={"Retry-After": str(wait)},
        )
        self.locked_until = locked_until


class VideoGone(Conflict):
    code = "video_gone"
    message = "The video of this attempt was already deleted after its review window."


class AttemptNotFound(NotFound):
    code = "attempt_not_found"
    message = "No such verification attempt."


class NotAVideo(InvalidInput):
    code = "not_a_video"
    message = "The file is not a video we can read; send a WebM or MP4 recording."


class VideoTooLarge(InvalidInput):
    code = "video_too_large"
    message = "The video is too large; send a recording under 30 MB and at most 4096 px wide."


class VideoTooLong(InvalidInput):
    code = "video_too_long"
    message = "The video is too long; record at most 20 seconds."


class VideoTooShort(InvalidInput):
    code = "video_too_short"
    message = "The video is too short; record at least 2 seconds while following the instructions."
