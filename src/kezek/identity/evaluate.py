"""Evaluation of the face engine on a folder of labelled photos (one subfolder per person).

Every pair of two photos of one person is a genuine pair, every pair of photos of two people an
impostor pair; the report shows both distance distributions and the error rates at a threshold.
"""

import statistics
import time
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path

import numpy as np

from kezek.errors import AppError
from kezek.identity import models
from kezek.identity.faces import distance, face_from_bytes

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp"}


@dataclass
class Evaluation:
    threshold: float
    embeddings: dict[str, tuple[str, np.ndarray]] = field(default_factory=dict)  # file: person
    errors: dict[str, str] = field(default_factory=dict)  # file: error code
    seconds: dict[str, float] = field(default_factory=dict)  # file: detection + embedding
    genuine: list[float] = field(default_factory=list)
    impostor: list[float] = field(default_factory=list)

    @property
    def false_non_matches(self) -> int:
        return sum(d > self.threshold for d in self.genuine)

    @property
    def false_matches(self) -> int:
        return sum(d <= self.threshold for d in self.impostor)


def evaluate(folder: Path, threshold: float) -> Evaluation:
    """Embed every photo under folder/<person>/ and compare all pairs."""
    models.load_all()  # loading time is not a per-image cost
    result = Evaluation(threshold=threshold)
    for path in labelled_images(folder):
        _embed_one(path, folder, result)
    for (_, (person_a, a)), (_, (person_b, b)) in combinations(result.embeddings.items(), 2):
        (result.genuine if person_a == person_b else result.impostor).append(distance(a, b))
    return result


def labelled_images(folder: Path) -> list[Path]:
    """Photos one level down (the subfolder names the person); loose files are not labelled."""
    return sorted(
        path
        for path in folder.glob("*/*")
        if path.is_file() and path.suffix.lower() in IMAGE_SUFFIXES
    )


def _embed_one(path: Path, folder: Path, result: Evaluation) -> None:
    name = str(path.relative_to(folder))
    data = path.read_bytes()
    started = time.perf_counter()
    try:
        face = face_from_bytes(data)
    except AppError as refusal:
        result.errors[name] = refusal.code
        return
    finally:
        result.seconds[name] = time.perf_counter() - started
    result.embeddings[name] = (path.parent.name, face.embedding)


def report_lines(result: Evaluation) -> list[str]:
    """The human-readable report that `kezek identity evaluate` prints."""
    people = {person for person, _ in result.embeddings.values()}
    lines = [
        f"images: {len(result.seconds)} ({len(people)} people), embedded: "
        f"{len(result.embeddings)}, errors: {len(result.errors)}",
        f"threshold: {result.threshold:.2f}",
        _distribution("genuine ", result.genuine),
        _distribution("impostor", result.impostor),
        _rate("false non-match rate (FNMR)", result.false_non_matches, len(result.genuine)),
        _rate("false match rate (FMR)", result.false_matches, len(result.impostor)),
    ]
    lines += [f"error: {name}: {code}" for name, code in sorted(result.errors.items())]
    lines += _timings(result.seconds)
    return lines


def _distribution(label: str, distances: list[float]) -> str:
    if not distances:
        return f"{label} pairs: 0"
    return (
        f"{label} pairs: {len(distances):3d}  min {min(distances):.3f}  "
        f"median {statistics.median(distances):.3f}  max {max(distances):.3f}"
    )


def _rate(label: str, errors: int, pairs: int) -> str:
    share = f"{errors / pairs:.3f}" if pairs else "n/a"
    return f"{label}: {share} ({errors}/{pairs})"


def _timings(seconds: dict[str, float]) -> list[str]:
    if not seconds:
        return []
    lines = ["seconds per image (decoding + detection + landmarks + embedding):"]
    lines += [f"  {name}: {took:.3f}" for name, took in sorted(seconds.items())]
    lines.append(f"  median: {statistics.median(seconds.values()):.3f}")
    return lines
