"""Reading an uploaded selfie video: any container FFmpeg knows, decoded from memory with PyAV.

Browsers' MediaRecorder writes WebM (VP8/VP9) often without a duration and with timestamps that
do not start at zero; fleet software sends MP4 (H.264). Only the frames' own timestamps are used.
"""

import io
import math
from collections.abc import Iterator
from dataclasses import dataclass

import av
import numpy as np

from kezek.identity.errors import NotAVideo, VideoTooLarge, VideoTooLong, VideoTooShort

MAX_BYTES = 30 * 1024 * 1024
MAX_SECONDS = 20.0
MIN_SECONDS = 1.5
MIN_FRAMES = 10
# Larger frames only cost time: selfie faces are large and the detector runs on less anyway.
WORKING_LONG_SIDE = 640
MAX_INPUT_SIDE = 4096
SAMPLES_PER_SECOND = 10
# A decoder fed a hostile file must stop somewhere, whatever its timestamps say.
MAX_DECODED_FRAMES = int(MAX_SECONDS * 240)
# FFmpeg opens single images as one-frame "videos" through these demuxers.
IMAGE_DEMUXER_SUFFIX = "_pipe"


@dataclass(frozen=True)
class Frame:
    """One sampled frame: seconds since the first frame, and the picture (RGB uint8, H x W x 3)."""

    t: float
    image: np.ndarray


def read_video(data: bytes) -> list[Frame]:
    """The frames of a video, at most ~10 a second, at most 640 px long; refuses unusable files."""
    if len(data) > MAX_BYTES:
        raise VideoTooLarge()
    try:
        frames = list(_sampled_frames(data))
    except (av.FFmpegError, ValueError, IndexError, MemoryError) as exc:
        raise NotAVideo() from exc
    _check_length(frames)
    return frames


def _sampled_frames(data: bytes) -> Iterator[Frame]:
    with av.open(io.BytesIO(data), mode="r") as container:
        if container.format.name.endswith(IMAGE_DEMUXER_SUFFIX) or not container.streams.video:
            raise NotAVideo()
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        first_t, next_t = None, 0.0
        for index, frame in enumerate(container.decode(stream)):
            if index >= MAX_DECODED_FRAMES:
                raise VideoTooLong()
            t = _seconds(frame, index)
            first_t = t if first_t is None else first_t
            t -= first_t
            if t > MAX_SECONDS:
                raise VideoTooLong()
            if t + 1e-3 >= next_t:
                # The next sample is due at the next tick of a 1/10 s grid, not 1/10 s from now:
                # a 15 fps clip then gives 10 samples a second, not 7.5.
                next_t = (math.floor(t * SAMPLES_PER_SECOND + 1e-3) + 1) / SAMPLES_PER_SECOND
                yield Frame(t=t, image=_picture(frame))


def _seconds(frame: av.VideoFrame, index: int) -> float:
    """The frame's presentation time; a frame without one is placed 1/30 s after the previous."""
    if frame.time is not None:
        return float(frame.time)
    return index / 30


def _picture(frame: av.VideoFrame) -> np.ndarray:
    if max(frame.width, frame.height) > MAX_INPUT_SIDE:
        raise VideoTooLarge()
    scale = min(1.0, WORKING_LONG_SIDE / max(frame.width, frame.height))
    # Even sizes: the scaler and the detector are happier, and nothing is lost.
    width, height = round(frame.width * scale / 2) * 2, round(frame.height * scale / 2) * 2
    return upright(frame.to_ndarray(format="rgb24", width=width, height=height), frame.rotation)


def upright(image: np.ndarray, rotation: float) -> np.ndarray:
    """The picture as it is meant to be seen: phones store portrait video as landscape frames
    with a display matrix whose rotation FFmpeg gives in degrees counterclockwise."""
    quarter_turns = round(rotation / 90) % 4
    return np.ascontiguousarray(np.rot90(image, quarter_turns)) if quarter_turns else image


def _check_length(frames: list[Frame]) -> None:
    if len(frames) < MIN_FRAMES or frames[-1].t < MIN_SECONDS:
        raise VideoTooShort()
