"""Liveness on generated clips: a head that turns as asked passes, photos and wrong turns fail."""

import math
from functools import cache

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kezek.identity import synthetic
from kezek.identity.liveness import (
    FRONTAL_BAND,
    Observation,
    check_challenge,
    detect_turns,
    observe,
    yaw_of,
)
from kezek.identity.video import Frame, read_video

from .clips import STEPS, clip, portrait

EYES_AND_NOSE = np.array([(140, 100), (120, 100), (60, 100), (80, 100), (100, 140)], float)


@cache
def observations_of(kind: str, format: str = "webm") -> list[Observation]:
    return [observe(frame) for frame in read_video(clip(kind, format))]


def yaws(values: list[float]) -> list[Observation]:
    return [Observation(t=i / 10, faces=1, yaw=v) for i, v in enumerate(values)]


def test_a_nose_toward_the_image_right_is_the_persons_own_left_turn():
    # Not mirrored: the person faces the camera, so their left is the image's right.
    nose_right = EYES_AND_NOSE.copy()
    nose_right[4, 0] += 30
    assert yaw_of(EYES_AND_NOSE) == 0
    assert yaw_of(nose_right) == pytest.approx(0.5)  # 30 px over 60 px between the eyes
    turns = detect_turns(yaws([0, 0, yaw_of(nose_right), 0, 0, -0.5, 0]), baseline=0)
    assert [turn.direction for turn in turns] == ["left", "right"]


def test_a_generated_left_turn_moves_the_nose_toward_the_image_right_and_reads_as_left():
    face = portrait("obama/obama.jpg")
    turned_left = synthetic.turned(face, synthetic.head_of(face), synthetic.TURN_DEGREES["left"])
    before = observe(Frame(0, face.image))
    after = observe(Frame(0, turned_left))
    assert after.shape.part(4).x > before.shape.part(4).x + 10
    assert after.yaw > before.yaw + 0.16


@pytest.mark.parametrize("format", ["webm", "mp4"])
def test_a_clip_that_answers_the_challenge_passes(format):
    result = check_challenge(observations_of("answer", format), STEPS)
    assert result.passed, result.measures
    assert result.measures["turns"] == STEPS
    assert len(result.frontal) == 3 and len(result.peaks) == 3


def test_the_wrong_order_fails():
    observations = observations_of("answer")
    for steps in (["right", "left", "right"], ["left", "left"], ["right", "right", "left"]):
        assert check_challenge(observations, steps).reason == "turns_not_as_asked"
    assert check_challenge(observations, ["right", "left"]).passed  # a consecutive part of it


def test_a_still_photo_fails():
    result = check_challenge(observations_of("still"), STEPS)
    assert result.reason == "no_head_turn"
    assert abs(result.measures["yaw_min"]) < 0.05 and result.measures["yaw_max"] < 0.05


def test_a_photo_moved_tilted_and_rotated_fails():
    result = check_challenge(observations_of("moved"), STEPS)
    assert result.reason in ("no_head_turn", "turns_not_as_asked"), result.measures
    assert not result.passed


def test_two_faces_fail():
    assert check_challenge(observations_of("two_faces"), STEPS).reason == "several_faces_in_video"


def test_no_face_and_a_face_that_leaves():
    nobody = [Observation(t=i / 10, faces=0) for i in range(30)]
    assert check_challenge(nobody, STEPS).reason == "no_face_in_video"
    half = yaws([0.0] * 15) + nobody[15:]
    assert check_challenge(half, STEPS).reason == "face_lost"


def test_at_most_two_answers_worth_of_turns():
    one_answer = [0, 0, 0.3, 0, 0, -0.3, 0, 0, 0.3, 0, 0]
    looped = one_answer * 2  # Chromium's fake camera loops its file
    assert check_challenge(yaws(looped), STEPS).passed
    assert check_challenge(yaws(looped + one_answer), STEPS).reason == "turns_not_as_asked"


@pytest.mark.parametrize("phase", range(11))
def test_two_loops_of_the_answer_pass_from_whatever_frame_the_recording_starts(phase):
    one_answer = [0, 0, 0.3, 0.3, 0, -0.3, -0.3, 0, 0.3, 0.3, 0]
    looped = (one_answer * 3)[phase : phase + 2 * len(one_answer)]
    result = check_challenge(yaws(looped), STEPS)
    assert result.passed, result.measures["turns"]


def test_a_turn_already_under_way_when_the_clip_starts_is_not_counted():
    turns = detect_turns(yaws([0.3, 0.3, 0, 0, -0.3, 0, 0.3]), baseline=0)
    assert [turn.direction for turn in turns] == ["right", "left"]


def test_the_baseline_is_the_frontal_pose_even_when_most_turns_go_one_way():
    # Two long left turns and one short right: a median would sit between frontal and left.
    values = (
        [0.05] * 8 + [0.35] * 7 + [0.05] * 4 + [0.35] * 7 + [0.05] * 3 + [-0.25] * 2 + [0.05] * 3
    )
    result = check_challenge(yaws(values), ["left", "left", "right"])
    assert result.measures["yaw_baseline"] == pytest.approx(0.05)
    assert result.passed


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    shift=st.tuples(st.floats(-60, 60), st.floats(-40, 40)),
    scale=st.floats(0.75, 1.2),
    rotation=st.floats(-25, 25),
)
def test_moving_a_flat_photo_in_its_plane_barely_changes_the_yaw(shift, scale, rotation):
    """Shifted, scaled or turned in its plane, a photo stays well inside the frontal band: the
    landmarks move by a pixel or so (a yaw of about 0.04 at most was seen), far from a turn."""
    face = portrait("obama/obama.jpg")
    size = (face.image.shape[1], face.image.shape[0])
    moved = synthetic.warp_photo(
        face.image, synthetic.photo_motion(shift, scale, rotation, tilt=0, size=size)
    )
    original, seen = observe(Frame(0, face.image)), observe(Frame(0, moved))
    assert seen.yaw is not None
    assert math.isclose(seen.yaw, original.yaw, abs_tol=FRONTAL_BAND)


def test_y4m_for_chromiums_fake_camera(tmp_path):
    frames = [np.full((48, 64, 3), value, np.uint8) for value in (0, 128, 255)]
    synthetic.write_y4m(frames, tmp_path / "camera.y4m", fps=15)
    data = (tmp_path / "camera.y4m").read_bytes()
    header, _, body = data.partition(b"\n")
    assert header == b"YUV4MPEG2 W64 H48 F15:1 Ip A1:1 C420jpeg"
    frame_bytes = len(b"FRAME\n") + 64 * 48 * 3 // 2
    assert len(body) == 3 * frame_bytes and body.startswith(b"FRAME\n")
    with pytest.raises(ValueError):
        synthetic.write_y4m([np.zeros((47, 64, 3), np.uint8)], tmp_path / "odd.y4m")


def test_the_steps_are_checked():
    for steps in ([], ["left", "up"], ["LEFT"]):
        with pytest.raises(ValueError):
            check_challenge(yaws([0, 0.3, 0]), steps)
