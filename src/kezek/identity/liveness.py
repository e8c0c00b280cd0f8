"""Liveness: does the face in a selfie video turn its head as the challenge asked?

The measure is the yaw of the 5 landmarks: where the base of the nose lies along the line through
the two eye centres, from their midpoint, in inter-eye distances. Shifting, scaling or rotating a
flat photo in the image plane leaves it unchanged (it is a ratio of lengths along one line), a
tilted photo changes it only through perspective (little), but a head that turns moves the nose,
which stands out of the face, much more than the eye corners.
"""

from dataclasses import dataclass, field
from typing import Any

import dlib
import numpy as np
from PIL import Image

from kezek.identity import faces, models
from kezek.identity.video import Frame

# The sign of the yaw measure when the person turns to THEIR OWN left. In a camera image that is
# not mirrored the person faces us, so their left is the image's right and the nose moves toward
# +x; the measure grows toward +x. A browser preview may be mirrored, the recording is not.
PERSON_LEFT = +1
DIRECTIONS = {"left": PERSON_LEFT, "right": -PERSON_LEFT}

# Selfie faces are large: the detector runs on a frame scaled to this long side (4x fewer pixels
# than 640), which finds faces from ~90 px wide in the 640 px frame. Landmarks use the full frame.
DETECTION_LONG_SIDE = 320
# A turn is a yaw beyond TURN_THRESHOLD from the frontal baseline; it ends when the yaw comes back
# within FRONTAL_BAND. Measured on generated clips (docs/identity.md): a still or waved photo
# stays within 0.05, a 30 degree turn reaches 0.2-0.3.
TURN_THRESHOLD = 0.16
FRONTAL_BAND = 0.07
# More frames than this without a face: the face left the picture (or was covered) too long.
MAX_FACELESS_SHARE = 0.3
FRONTAL_FRAMES_TO_EMBED = 3

MESSAGES = {
    "no_face_in_video": "No face was found in the video; face the camera in good light.",
    "several_faces_in_video": "More than one face is in the video; only you should be in it.",
    "face_lost": "The face left the picture too often; keep your face in the frame.",
    "no_head_turn": "The head did not turn; turn your head as the instructions say.",
    "turns_not_as_asked": "The head turns were not the ones asked, or not in the asked order.",
}


@dataclass(frozen=True)
class Observation:
    """What one frame shows: how many faces, and for exactly one face its landmarks and yaw."""

    t: float
    faces: int
    yaw: float | None = None
    shape: dlib.full_object_detection | None = None


@dataclass(frozen=True)
class Turn:
    direction: str  # the person's own "left" or "right"
    start: int  # observation indices
    end: int
    peak: int
    peak_yaw: float  # from the baseline


@dataclass(frozen=True)
class LivenessResult:
    passed: bool
    reason: str | None
    measures: dict[str, Any]
    frontal: list[int] = field(default_factory=list)  # observation indices to embed
    peaks: list[int] = field(default_factory=list)


def yaw_of(points: np.ndarray) -> float:
    """The nose's offset along the eye line from the eyes' midpoint, in inter-eye distances.

    `points` are dlib's 5 landmarks: 0-1 the corners of the eye on the image's right, 2-3 of the
    eye on the image's left, 4 the base of the nose. Positive = nose toward the image's right.
    """
    points = np.asarray(points, dtype=float)
    left_eye, right_eye, nose = points[2:4].mean(0), points[0:2].mean(0), points[4]
    axis = right_eye - left_eye
    span = float(np.linalg.norm(axis))
    if span < 1:
        return 0.0
    return float(np.dot(nose - (left_eye + right_eye) / 2, axis) / span**2)


def observe(frame: Frame) -> Observation:
    """Faces on a reduced copy of the frame; landmarks and yaw of a single face on the frame."""
    found = _detect(frame.image)
    if len(found) != 1:
        return Observation(t=frame.t, faces=len(found))
    shape = faces.landmarks_of(frame.image, found[0])
    return Observation(t=frame.t, faces=1, yaw=yaw_of(faces.points_of(shape)), shape=shape)


def _detect(image: np.ndarray) -> list[dlib.rectangle]:
    factor = max(1, round(max(image.shape[:2]) / DETECTION_LONG_SIDE))
    small = np.asarray(Image.fromarray(image).reduce(factor)) if factor > 1 else image
    boxes, _, _ = models.detector().run(small, 0, faces.MIN_DETECTION_SCORE)
    return [_scaled(box, factor) for box in boxes]


def _scaled(box: dlib.rectangle, factor: int) -> dlib.rectangle:
    return dlib.rectangle(
        box.left() * factor, box.top() * factor, box.right() * factor, box.bottom() * factor
    )


def check_challenge(observations: list[Observation], steps: list[str]) -> LivenessResult:
    """Whether the observed head turns answer `steps` (e.g. ["left", "right", "left"])."""
    if not steps or set(steps) - set(DIRECTIONS):
        raise ValueError(f"steps must be a non-empty list of {sorted(DIRECTIONS)}: {steps}")
    measures: dict[str, Any] = _face_counts(observations) | {"steps": list(steps)}
    reason = _face_presence_problem(measures)
    if reason:
        return LivenessResult(False, reason, measures)
    yaws = [o.yaw for o in observations if o.yaw is not None]
    baseline = frontal_baseline(yaws)
    turns = detect_turns(observations, baseline)
    measures |= _yaw_measures(yaws, baseline, turns)
    reason = _turns_problem([turn.direction for turn in turns], steps)
    frontal = frontal_frames(observations, baseline)
    peaks = [turn.peak for turn in turns]
    return LivenessResult(reason is None, reason, measures, frontal, peaks)


def _face_counts(observations: list[Observation]) -> dict[str, Any]:
    return {
        "frames": len(observations),
        "frames_with_a_face": sum(o.faces == 1 for o in observations),
        "frames_with_several_faces": sum(o.faces > 1 for o in observations),
        "seconds": round(observations[-1].t, 3) if observations else 0.0,
    }


def _face_presence_problem(counts: dict[str, Any]) -> str | None:
    if counts["frames_with_several_faces"]:
        return "several_faces_in_video"
    if not counts["frames_with_a_face"]:
        return "no_face_in_video"
    if 1 - counts["frames_with_a_face"] / counts["frames"] > MAX_FACELESS_SHARE:
        return "face_lost"
    return None


def frontal_baseline(yaws: list[float]) -> float:
    """The yaw the face holds most of the time (the densest FRONTAL_BAND), not the mean: a clip
    with two left turns and one right turn would drag a mean or median toward the left."""
    values = np.asarray(yaws)
    neighbours = [(np.abs(values - value) <= FRONTAL_BAND).sum() for value in values]
    densest = values[int(np.argmax(neighbours))]
    return float(np.median(values[np.abs(values - densest) <= FRONTAL_BAND]))


def detect_turns(observations: list[Observation], baseline: float) -> list[Turn]:
    """Excursions beyond TURN_THRESHOLD from the baseline, each ended by a return near it (or by
    a swing beyond the threshold the other way); frames without a face do not end a turn.

    A turn already under way in the first frames is not counted: it was not seen to start (a
    recording of Chromium's looping fake camera may begin in the middle of one)."""
    turns: list[Turn] = []
    current: dict[str, Any] | None = None
    started_in_view = False
    for index, observation in enumerate(observations):
        if observation.yaw is None:
            continue
        offset = observation.yaw - baseline
        sign = 1 if offset > 0 else -1
        if current and _ends_turn(offset, sign, current["sign"]):
            if started_in_view:
                turns.append(_turn(current))
            current, started_in_view = None, True
        if current is None and abs(offset) > TURN_THRESHOLD:
            current = {"sign": sign, "start": index, "end": index, "peak": index, "yaw": offset}
        elif current is None:
            started_in_view = True
        else:
            current["end"] = index
            if abs(offset) > abs(current["yaw"]):
                current["peak"], current["yaw"] = index, offset
    if current and started_in_view:
        turns.append(_turn(current))
    return turns


def _ends_turn(offset: float, sign: int, turn_sign: int) -> bool:
    """Back near frontal, or already beyond the threshold the other way (a fast swing)."""
    return abs(offset) < FRONTAL_BAND or (abs(offset) > TURN_THRESHOLD and sign != turn_sign)


def _turn(current: dict[str, Any]) -> Turn:
    direction = "left" if current["sign"] == DIRECTIONS["left"] else "right"
    return Turn(direction, current["start"], current["end"], current["peak"], current["yaw"])


def _turns_problem(detected: list[str], steps: list[str]) -> str | None:
    """The asked steps must appear consecutively and in order among the detected turns, with at
    most two answers' worth of turns in all (Chromium's fake camera loops its file)."""
    if not detected:
        return "no_head_turn"
    if len(detected) > 2 * len(steps) or not _contains_run(detected, steps):
        return "turns_not_as_asked"
    return None


def _contains_run(sequence: list[str], run: list[str]) -> bool:
    return any(sequence[i : i + len(run)] == run for i in range(len(sequence) - len(run) + 1))


def _yaw_measures(yaws: list[float], baseline: float, turns: list[Turn]) -> dict[str, Any]:
    return {
        "yaw_baseline": round(baseline, 4),
        "yaw_min": round(min(yaws) - baseline, 4),
        "yaw_max": round(max(yaws) - baseline, 4),
        "turns": [turn.direction for turn in turns],
        "turn_peaks": [round(turn.peak_yaw, 4) for turn in turns],
        "turn_threshold": TURN_THRESHOLD,
    }


def frontal_frames(observations: list[Observation], baseline: float) -> list[int]:
    """Up to FRONTAL_FRAMES_TO_EMBED frames near the baseline, spread over the clip."""
    frontal = [
        index
        for index, o in enumerate(observations)
        if o.yaw is not None and abs(o.yaw - baseline) < FRONTAL_BAND
    ]
    if len(frontal) <= FRONTAL_FRAMES_TO_EMBED:
        return frontal
    picks = np.linspace(0, len(frontal) - 1, FRONTAL_FRAMES_TO_EMBED).round().astype(int)
    return [frontal[i] for i in picks]
