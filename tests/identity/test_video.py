"""Reading uploaded videos: WebM as browsers record it, MP4, and refusals instead of a 500."""

import contextlib
import io
import os
from fractions import Fraction

import av
import numpy as np
import pytest

from kezek.errors import InvalidInput
from kezek.identity.errors import NotAVideo, VideoTooLarge, VideoTooLong, VideoTooShort
from kezek.identity.synthetic import write_video
from kezek.identity.video import read_video, upright

from .conftest import photo


def gradient_frames(count: int, width: int = 64, height: int = 48) -> list[np.ndarray]:
    return [np.full((height, width, 3), (i * 7) % 256, np.uint8) for i in range(count)]


def browser_like_webm(
    count: int = 40, start_ms: int = 5000, step_ms: int = 66, codec: str = "libvpx"
) -> bytes:
    """WebM as MediaRecorder writes it: live mode (no duration, no cues), timestamps not at 0."""
    buffer = io.BytesIO()
    with av.open(buffer, "w", format="webm", options={"live": "1"}) as container:
        stream = container.add_stream(codec, rate=30)
        stream.options = {"deadline": "realtime", "cpu-used": "8"}
        stream.width, stream.height, stream.pix_fmt = 64, 48, "yuv420p"
        stream.codec_context.time_base = Fraction(1, 1000)
        for index, image in enumerate(gradient_frames(count)):
            frame = av.VideoFrame.from_ndarray(image, format="rgb24")
            frame.pts, frame.time_base = start_ms + index * step_ms, Fraction(1, 1000)
            container.mux(stream.encode(frame))
        container.mux(stream.encode())
    return buffer.getvalue()


@pytest.mark.parametrize("codec", ["libvpx", "libvpx-vp9"])
def test_a_browser_webm_without_duration_is_read_from_its_own_timestamps(codec):
    frames = read_video(browser_like_webm(codec=codec))
    assert frames[0].t == 0
    assert 2.4 < frames[-1].t < 2.7
    assert 20 <= len(frames) <= 27  # ~10 a second out of 15
    assert all(b.t > a.t for a, b in zip(frames, frames[1:], strict=False))


def test_frames_are_sampled_ten_a_second_and_scaled_to_640():
    data = write_video(gradient_frames(30, 1280, 720), fps=15, format="mp4")
    frames = read_video(data)
    assert len(frames) == 20
    assert frames[0].image.shape == (360, 640, 3)
    assert frames[0].image.dtype == np.uint8


@pytest.mark.parametrize(
    "data",
    [
        os.urandom(50_000),
        b"",
        photo("obama/obama.jpg"),
        photo("collins/astronaut.png"),
        b"\x1a\x45\xdf\xa3" + os.urandom(2000),  # an EBML (WebM) header, then garbage
    ],
    ids=["random", "empty", "jpeg", "png", "webm_header"],
)
def test_what_is_not_a_video_is_refused(data):
    with pytest.raises(NotAVideo):
        read_video(data)


def test_a_truncated_webm_is_refused_cleanly():
    data = write_video(gradient_frames(45), fps=15)
    for cut in (200, len(data) // 3):
        with pytest.raises((NotAVideo, VideoTooShort)):
            read_video(data[:cut])


def test_a_corrupted_webm_never_fails_with_anything_but_a_refusal():
    data = bytearray(write_video(gradient_frames(45), fps=15))
    rng = np.random.default_rng(4)
    for offset in rng.integers(200, len(data), 30):
        data[offset] ^= 0xFF
    with contextlib.suppress(InvalidInput):
        read_video(bytes(data))


def test_limits():
    with pytest.raises(VideoTooLarge):
        read_video(b"\0" * (30 * 1024 * 1024 + 1))
    with pytest.raises(VideoTooLong):
        read_video(write_video(gradient_frames(21 * 5), fps=5))
    with pytest.raises(VideoTooShort):
        read_video(write_video(gradient_frames(15), fps=15))


def test_a_display_rotation_is_applied_counterclockwise():
    image = np.zeros((2, 3, 3), np.uint8)
    image[0, 2] = 255  # the top-right pixel
    turned = upright(image, 90.0)
    assert turned.shape == (3, 2, 3)
    assert turned[0, 0, 0] == 255  # top-right goes to top-left when turned counterclockwise
    assert upright(image, 0.0) is image
    assert upright(image, -90.0)[2, 1, 0] == 255
