"""The dlib models, found by file path in the `face_recognition_models` package, loaded once.

Only the 5-point shape predictor and the ResNet embedding are used: both are public domain.
The 68-point predictor shipped beside them must never be loaded (its training data forbids
commercial use). Nothing is downloaded: the files come with the installed package.
"""

import hashlib
import importlib.util
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path

import dlib

MODELS_PACKAGE = "face_recognition_models"
LANDMARKS_FILE = "shape_predictor_5_face_landmarks.dat"
EMBEDDING_FILE = "dlib_face_recognition_resnet_model_v1.dat"


def model_path(file_name: str) -> Path:
    """Where a model file of the package lies, without importing it (it imports pkg_resources)."""
    spec = importlib.util.find_spec(MODELS_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"{MODELS_PACKAGE} is not installed")
    path = Path(next(iter(spec.submodule_search_locations))) / "models" / file_name
    if not path.is_file():
        raise RuntimeError(f"model file missing: {file_name}")
    return path


@lru_cache
def detector() -> dlib.fhog_object_detector:
    """dlib's HOG frontal face detector (built into dlib, no file)."""
    return dlib.get_frontal_face_detector()


@lru_cache
def landmark_predictor() -> dlib.shape_predictor:
    """The 5-point landmark model: eye corners and the base of the nose."""
    return dlib.shape_predictor(str(model_path(LANDMARKS_FILE)))


@lru_cache
def embedder() -> dlib.face_recognition_model_v1:
    """The ResNet that maps an aligned 150x150 face chip to 128 numbers."""
    return dlib.face_recognition_model_v1(str(model_path(EMBEDDING_FILE)))


def load_all() -> None:
    """Load every model now (e.g. at start-up), so the first request does not pay for it."""
    detector()
    landmark_predictor()
    embedder()


@lru_cache
def model_versions() -> dict[str, str]:
    """What produced an embedding, to store beside it: embeddings of other models don't compare."""
    return {
        "dlib": dlib.__version__,
        "face_recognition_models": version("face-recognition-models"),
        "detector": "dlib.get_frontal_face_detector (HOG)",
        "landmarks": f"{LANDMARKS_FILE} sha256:{_sha256(model_path(LANDMARKS_FILE))[:16]}",
        "embedding": f"{EMBEDDING_FILE} sha256:{_sha256(model_path(EMBEDDING_FILE))[:16]}",
    }


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
