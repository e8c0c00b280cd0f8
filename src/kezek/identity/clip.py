"""The selfie check of one uploaded clip: liveness (the head turns as asked) and identity (the
same person throughout, and the person of the document).

`analyse_clip` is a pure function of the bytes, the challenge's steps and the document's
embedding; the caller stores the verdict. An unreadable or out-of-bounds video is refused with an
exception (errors.py: not_a_video, video_too_large, video_too_long, video_too_short).
"""

import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from kezek.config import get_settings
from kezek.identity import faces, liveness, models
from kezek.identity.liveness import LivenessResult, Observation
from kezek.identity.video import Frame, read_video

MESSAGES = liveness.MESSAGES | {
    "face_changed": "The face in the video changed; only you should be in it, from start to end.",
    "face_mismatch": "The face in the video does not match the photo of your document.",
}
# Reasons in order of precedence: an attack (another face, a face swap) is reported before a
# poorly answered challenge, and the match with the document only when the rest passed.
# A face turned ~30 degrees embeds farther from its own frontal frames than two frontal photos do
# (0.40-0.54 on the generated clips; 0.74 for another person turning between frontal frames of a
# held photo): turned frames get this much slack, halfway.
TURNED_FACE_MARGIN = 0.05
PRESENCE_REASONS = ("several_faces_in_video", "no_face_in_video", "face_lost")


@dataclass(frozen=True)
class ClipVerdict:
    """The decision on one clip, what it is based on, and the embedding to keep."""

    passed: bool
    reason: str | None
    message: str | None
    measures: dict[str, Any]
    model_versions: dict[str, str]
    embedding: np.ndarray | None  # mean of the frontal frames' embeddings (128 float64)

    @property
    def distance(self) -> float | None:
        """Face distance of the clip to the document photo (None when no face was embedded)."""
        return self.measures.get("distance_to_document")


def analyse_clip(
    data: bytes, steps: list[str], reference: np.ndarray, threshold: float | None = None
) -> ClipVerdict:
    """Whether the clip answers `steps` with one live face, the person of `reference`."""
    if threshold is None:
        threshold = get_settings().face_match_threshold
    started = time.perf_counter()
    frames = read_video(data)
    decoded = time.perf_counter()
    observations = [liveness.observe(frame) for frame in frames]
    result = liveness.check_challenge(observations, steps)
    observed = time.perf_counter()
    identity = _identity(frames, observations, result, reference, threshold)
    timings = {
        "decode": decoded - started,
        "liveness": observed - decoded,
        "embedding": time.perf_counter() - observed,
    }
    measures = (
        result.measures
        | identity.measures
        | {"timings_s": {name: round(value, 3) for name, value in timings.items()}}
    )
    reason = _reason(result, identity)
    return ClipVerdict(
        passed=reason is None,
        reason=reason,
        message=MESSAGES[reason] if reason else None,
        measures=measures,
        model_versions=models.model_versions(),
        embedding=identity.embedding,
    )


@dataclass(frozen=True)
class IdentityResult:
    changed: bool
    mismatch: bool
    measures: dict[str, Any]
    embedding: np.ndarray | None


def _identity(
    frames: list[Frame],
    observations: list[Observation],
    result: LivenessResult,
    reference: np.ndarray,
    threshold: float,
) -> IdentityResult:
    """Embeddings of the chosen frames: one person throughout, and the document's person."""
    frontal = [_embedding(frames, observations, i) for i in result.frontal]
    peaks = [_embedding(frames, observations, i) for i in result.peaks]
    if not frontal:
        return IdentityResult(False, False, {}, None)
    frontal_spread = _most_apart(frontal)
    turned_spread = max((_nearest(peak, frontal) for peak in peaks), default=0.0)
    to_reference = float(np.median([faces.distance(e, reference) for e in frontal]))
    measures = {
        "embedded_frames": len(frontal) + len(peaks),
        "frontal_spread": round(frontal_spread, 4),
        "turned_spread": round(turned_spread, 4),
        "distance_to_document": round(to_reference, 4),
        "threshold": threshold,
    }
    changed = frontal_spread > threshold or turned_spread > threshold + TURNED_FACE_MARGIN
    embedding = np.mean(frontal, axis=0)
    return IdentityResult(changed, to_reference > threshold, measures, embedding)


def _embedding(frames: list[Frame], observations: list[Observation], index: int) -> np.ndarray:
    shape = observations[index].shape
    assert shape is not None, "only frames with one face are chosen"
    return faces.embed(frames[index].image, shape)


def _most_apart(embeddings: list[np.ndarray]) -> float:
    """The largest, over the frames, of a frame's median distance to the other frames: a person
    who changes during the clip leaves frontal frames far from the others."""
    if len(embeddings) < 2:
        return 0.0
    return max(
        float(np.median([faces.distance(a, b) for j, b in enumerate(embeddings) if j != i]))
        for i, a in enumerate(embeddings)
    )


def _nearest(embedding: np.ndarray, others: list[np.ndarray]) -> float:
    """Distance to the closest of `others`: a turned face far from every frontal frame is not
    the frontal frames' person (a photo held up between turns of someone else's head)."""
    return min(faces.distance(embedding, other) for other in others)


def _reason(result: LivenessResult, identity: IdentityResult) -> str | None:
    if result.reason in PRESENCE_REASONS:
        return result.reason
    if identity.changed:
        return "face_changed"
    if result.reason:
        return result.reason
    return "face_mismatch" if identity.mismatch else None
