"""Generated selfie clips, made once per test session (generation and encoding take seconds)."""

from functools import cache

import numpy as np

from kezek.identity import synthetic
from kezek.identity.faces import face_from_bytes

from .conftest import FACES, photo

STEPS = ["left", "right", "left"]


@cache
def portrait(name: str) -> synthetic.Portrait:
    return synthetic.portrait(FACES / name)


@cache
def frames(kind: str) -> list[np.ndarray]:
    obama = portrait("obama/obama.jpg")
    if kind == "answer":
        return synthetic.turning_clip(obama, STEPS)
    if kind == "still":
        return synthetic.still_clip(obama)
    if kind == "moved":
        return synthetic.moved_photo_clip(obama)
    if kind == "mixed":
        # As synthetic.mixed_clip, reusing the answer already made.
        answer, biden = frames("answer"), synthetic.turning_clip(portrait("biden/biden.jpg"), STEPS)
        return answer[: len(answer) // 2] + biden[len(answer) // 2 :]
    if kind == "photo_between_turns":
        # As synthetic.photo_between_turns_clip, reusing the answer already made.
        photo, answer = portrait("biden/biden.jpg").image, frames("answer")
        angles = synthetic.turn_angles(STEPS)
        return [photo if abs(a) < 8 else f for f, a in zip(answer, angles, strict=True)]
    if kind == "two_faces":
        collins = portrait("collins/astronaut.png").image[:, 160:480]
        return synthetic.side_by_side([f[:, 160:480] for f in frames("answer")], [collins] * 60)
    raise ValueError(kind)


@cache
def clip(kind: str, format: str = "webm") -> bytes:
    return synthetic.write_video(frames(kind), format=format)


@cache
def document(name: str) -> np.ndarray:
    """The embedding of a shipped photo, standing for the document's portrait."""
    return face_from_bytes(photo(name)).embedding
