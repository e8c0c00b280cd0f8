"""The face models load once per test session; each shipped photo is embedded once."""

from functools import cache
from pathlib import Path

import pytest

from kezek.identity import models
from kezek.identity.faces import Face, face_from_bytes

FACES = Path(__file__).resolve().parents[1] / "data" / "faces"


@pytest.fixture(scope="session", autouse=True)
def face_models():
    models.load_all()


def photo(name: str) -> bytes:
    """A shipped test photo by its path under tests/data/faces."""
    return (FACES / name).read_bytes()


@cache
def face_of(name: str) -> Face:
    return face_from_bytes(photo(name))
