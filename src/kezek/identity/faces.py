"""Finding the one face on a photo and turning it into a 128-number embedding.

Two embeddings of the same person lie close (Euclidean distance); `same_person` compares the
distance with the configured threshold (`KEZEK_FACE_MATCH_THRESHOLD`, see docs/identity.md).
"""

import threading
from dataclasses import dataclass

import dlib
import numpy as np

from kezek.config import get_settings
from kezek.identity import models
from kezek.identity.errors import FaceTooSmall, ImageTooDark, NoFace, SeveralFaces
from kezek.identity.images import read_image

# HOG scores below this are mostly patterns that look a little like a face (measured on the
# shipped photos: real faces 1.1-2.4, spurious detections -0.4-0.1).
MIN_DETECTION_SCORE = 0.5
# The embedding works on a 150 px chip; a face much smaller than that carries too little detail.
MIN_FACE_PX = 80
# Below this median brightness (0-255) of the face, the embedding is unreliable.
MIN_FACE_BRIGHTNESS = 40
# Below this mean brightness of the whole photo, "no face" is most likely "too dark".
MIN_IMAGE_BRIGHTNESS = 30
# Small photos are upsampled once so faces of 40-80 px reach the detector's 80 px window.
UPSAMPLE_BELOW_LONG_SIDE = 640
CHIP_SIZE = 150
CHIP_PADDING = 0.25
# The ResNet keeps its working buffers in the network object: one embedding at a time per process.
_EMBEDDER_LOCK = threading.Lock()


@dataclass(frozen=True)
class Face:
    """One detected face: its box in the working image, its 5 landmarks and its embedding."""

    box: tuple[int, int, int, int]  # left, top, right, bottom
    score: float
    landmarks: tuple[tuple[int, int], ...]
    embedding: np.ndarray  # 128 float64


def face_from_bytes(data: bytes) -> Face:
    """The one face of an uploaded photo; refuses no face, several, too small, too dark."""
    return face_from_image(read_image(data))


def face_from_image(image: np.ndarray) -> Face:
    """The one face of an RGB image, with its landmarks and embedding."""
    box, score = _one_face_box(image)
    _check_face_quality(image, box)
    shape = landmarks_of(image, box)
    return Face(
        box=(box.left(), box.top(), box.right(), box.bottom()),
        score=score,
        landmarks=points_of(shape),
        embedding=embed(image, shape),
    )


def landmarks_of(image: np.ndarray, box: dlib.rectangle) -> dlib.full_object_detection:
    """The 5 landmarks of the face in `box`: corners of both eyes and the base of the nose."""
    return models.landmark_predictor()(image, box)


def points_of(shape: dlib.full_object_detection) -> tuple[tuple[int, int], ...]:
    return tuple((point.x, point.y) for point in shape.parts())


def detect_faces(image: np.ndarray) -> list[tuple[dlib.rectangle, float]]:
    """Boxes and scores of the confident faces, upsampling small images once."""
    upsample = 1 if max(image.shape[:2]) < UPSAMPLE_BELOW_LONG_SIDE else 0
    boxes, scores, _ = models.detector().run(image, upsample, MIN_DETECTION_SCORE)
    return [(box, score) for box, score in zip(boxes, scores, strict=True)]


def _one_face_box(image: np.ndarray) -> tuple[dlib.rectangle, float]:
    found = detect_faces(image)
    if not found:
        raise ImageTooDark() if _brightness(image) < MIN_IMAGE_BRIGHTNESS else NoFace()
    if len(found) > 1:
        raise SeveralFaces(f"{len(found)} faces are on the photo; exactly one is needed.")
    return found[0]


def _check_face_quality(image: np.ndarray, box: dlib.rectangle) -> None:
    if min(box.width(), box.height()) < MIN_FACE_PX:
        raise FaceTooSmall()
    top, bottom = max(box.top(), 0), min(box.bottom(), image.shape[0])
    left, right = max(box.left(), 0), min(box.right(), image.shape[1])
    if _brightness(image[top:bottom, left:right], np.median) < MIN_FACE_BRIGHTNESS:
        raise ImageTooDark()


def _brightness(pixels: np.ndarray, statistic=np.mean) -> float:
    """Luma (ITU-R BT.601) of RGB pixels, 0-255."""
    luma = pixels[..., 0] * 0.299 + pixels[..., 1] * 0.587 + pixels[..., 2] * 0.114
    return float(statistic(luma))


def embed(image: np.ndarray, shape: dlib.full_object_detection) -> np.ndarray:
    """Align the face on a 150x150 chip (from the 5 landmarks) and embed the chip."""
    chip = dlib.get_face_chip(image, shape, size=CHIP_SIZE, padding=CHIP_PADDING)
    with _EMBEDDER_LOCK:
        return np.array(models.embedder().compute_face_descriptor(chip))


def distance(a: np.ndarray, b: np.ndarray) -> float:
    """Euclidean distance of two embeddings: ~0.3-0.45 same person, ~0.8+ different people."""
    return float(np.linalg.norm(np.asarray(a) - np.asarray(b)))


def same_person(a: np.ndarray, b: np.ndarray, threshold: float | None = None) -> bool:
    """Whether two embeddings are close enough to be one person (threshold from the settings)."""
    if threshold is None:
        threshold = get_settings().face_match_threshold
    return distance(a, b) <= threshold
