"""The whole selfie check of a clip: liveness, one person throughout, the document's person."""

import json

import numpy as np
import pytest

from kezek.identity.clip import MESSAGES, analyse_clip
from kezek.identity.errors import NotAVideo

from .clips import STEPS, clip, document

OBAMA_DOCUMENT = "obama/obama2.jpg"  # another photo than the one the clips are made from


@pytest.mark.parametrize("format", ["webm", "mp4"])
def test_the_person_of_the_document_answering_the_challenge_passes(format):
    verdict = analyse_clip(clip("answer", format), STEPS, document(OBAMA_DOCUMENT))
    assert verdict.passed, verdict.measures
    assert verdict.reason is None and verdict.message is None
    assert verdict.measures["distance_to_document"] < 0.6
    assert verdict.embedding.shape == (128,)
    assert np.linalg.norm(verdict.embedding - document(OBAMA_DOCUMENT)) < 0.6
    assert "landmarks" in verdict.model_versions and "embedding" in verdict.model_versions
    json.dumps(verdict.measures)  # stored as JSON beside the attempt


def test_another_persons_document_fails_with_face_mismatch():
    verdict = analyse_clip(clip("answer"), STEPS, document("biden/biden.jpg"))
    assert verdict.reason == "face_mismatch"
    assert verdict.measures["distance_to_document"] > 0.6
    assert verdict.message == MESSAGES["face_mismatch"]


def test_a_person_who_changes_half_way_fails_with_face_changed():
    verdict = analyse_clip(clip("mixed"), STEPS, document(OBAMA_DOCUMENT))
    assert verdict.reason == "face_changed"


def test_a_photo_held_up_between_turns_of_another_head_fails_with_face_changed():
    for document_name in (OBAMA_DOCUMENT, "biden/biden.jpg"):  # whichever the document shows
        verdict = analyse_clip(clip("photo_between_turns"), STEPS, document(document_name))
        assert verdict.reason == "face_changed", verdict.measures


def test_two_faces_fail_before_any_embedding():
    two = analyse_clip(clip("two_faces"), STEPS, document(OBAMA_DOCUMENT))
    assert two.reason == "several_faces_in_video" and two.embedding is None


def test_an_unreadable_upload_is_refused_not_judged():
    with pytest.raises(NotAVideo):
        analyse_clip(b"not a video", STEPS, document(OBAMA_DOCUMENT))


def test_every_reason_has_a_message():
    assert set(MESSAGES) == {
        "no_face_in_video",
        "several_faces_in_video",
        "face_lost",
        "no_head_turn",
        "turns_not_as_asked",
        "face_changed",
        "face_mismatch",
    }
