"""Generated selfie clips for tests, benchmarks and the browser test, from one shipped photo.

A head turn is a smooth non-rigid warp of the photo: the face is a depth map (an ellipsoid-like
dome with a ridge for the nose) turned about a vertical axis, so the nose moves more than the eye
corners, as in a real turn, while the background stays. The attacks are a still photo, a flat photo
moved around (a homography: shift, scale, in-plane rotation, perspective tilt), a clip whose person
changes half-way, and two faces at once. Writers make WebM/MP4 (PyAV) and YUV4MPEG2 for Chromium's
fake camera (`--use-file-for-fake-video-capture`).
"""

import io
import math
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np
from PIL import Image

from kezek.identity.faces import face_from_image
from kezek.identity.images import read_image

WIDTH, HEIGHT = 640, 480
FPS = 15
# A person turning to their own left, seen by a camera that does not mirror, moves the nose toward
# the image's right (+x). A positive warp angle is that turn.
TURN_DEGREES = {"left": 32.0, "right": -32.0}
LEAD_SECONDS, TURN_SECONDS, GAP_SECONDS, TAIL_SECONDS = 0.4, 0.8, 0.25, 0.35
BACKGROUND = 110
# Libvpx's default "good" deadline takes seconds a clip; browsers encode in real time too.
ENCODER_OPTIONS = {
    "libvpx": {"deadline": "realtime", "cpu-used": "16"},
    "libx264": {"preset": "veryfast"},
}


@dataclass(frozen=True)
class Portrait:
    """A photo cropped and scaled to the frame around its face, with the face's landmarks."""

    image: np.ndarray
    landmarks: tuple[tuple[int, int], ...]


def portrait(path: Path | str, face_width: float = 0.4, size=(WIDTH, HEIGHT)) -> Portrait:
    """The photo at `path` as a frame of `size` whose face spans `face_width` of its width."""
    photo = read_image(Path(path).read_bytes())
    box = face_from_image(photo).box
    centre_x, centre_y = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    crop_width = (box[2] - box[0]) / face_width
    crop_height = crop_width * size[1] / size[0]
    crop = (
        centre_x - crop_width / 2,
        centre_y - crop_height * 0.45,
        centre_x + crop_width / 2,
        centre_y + crop_height * 0.55,
    )
    # EXTENT, unlike a crop, may reach past the photo's edge (grey there).
    image = Image.fromarray(photo).transform(
        size, Image.Transform.EXTENT, crop, Image.Resampling.BICUBIC, fillcolor=(BACKGROUND,) * 3
    )
    framed = np.asarray(image)
    return Portrait(framed, face_from_image(framed).landmarks)


# --- the head turn ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Head:
    """Depth (px toward the camera) of each pixel of a portrait, and where the head is."""

    depth: np.ndarray
    weight: np.ndarray  # 1 on the head, fading to 0 at its edge: how much of the turn a pixel takes
    centre_x: float
    rows: slice


def head_of(face: Portrait) -> Head:
    """A dome over the face's ellipse plus a ridge for the nose, sized from the eye corners."""
    points = np.array(face.landmarks, dtype=float)
    eye_a, eye_b, nose = points[2:4].mean(0), points[0:2].mean(0), points[4]
    eyes = (eye_a + eye_b) / 2
    span = float(np.linalg.norm(eye_b - eye_a))
    nose_drop = max(nose[1] - eyes[1], span * 0.5)
    centre_y = eyes[1] + 0.5 * nose_drop
    y, x = np.mgrid[0 : face.image.shape[0], 0 : face.image.shape[1]].astype(float)
    r2 = ((x - eyes[0]) / (1.15 * span)) ** 2 + ((y - centre_y) / (1.7 * span)) ** 2
    weight = np.clip(1 - r2, 0, 1) ** 2
    ridge_y = (eyes[1] + nose[1]) / 2 + 0.15 * nose_drop
    ridge = np.exp(
        -(((x - nose[0]) / (0.2 * span)) ** 2) / 2 - ((y - ridge_y) / (0.6 * nose_drop)) ** 2 / 2
    )
    depth = 0.9 * span * weight + 0.35 * span * ridge * weight
    top = max(int(centre_y - 1.7 * span), 0)
    bottom = min(int(centre_y + 1.7 * span) + 1, face.image.shape[0])
    return Head(depth, weight, float(eyes[0]), slice(top, bottom))


def turned(face: Portrait, head: Head, degrees: float) -> np.ndarray:
    """The portrait with the head turned by `degrees` about a vertical axis (+ = toward +x)."""
    if abs(degrees) < 1e-6:
        return face.image
    angle = math.radians(degrees)
    depth, weight = head.depth[head.rows], head.weight[head.rows]
    xs = np.arange(face.image.shape[1], dtype=float)
    forward = xs + math.sin(angle) * depth + (math.cos(angle) - 1) * (xs - head.centre_x) * weight
    # Where the surface folds away (occlusion), the nearer point wins: keep each row monotonic.
    forward = np.maximum.accumulate(forward, axis=1)
    # One interpolation for all rows: each row's positions are offset past the previous row's.
    offsets = np.arange(forward.shape[0])[:, None] * 4.0 * xs.size
    source = np.interp(xs + offsets, (forward + offsets).ravel(), np.tile(xs, forward.shape[0]))
    image = face.image.copy()
    image[head.rows] = _sample_rows(face.image[head.rows], source.reshape(forward.shape))
    return image


def _sample_rows(rows: np.ndarray, source: np.ndarray) -> np.ndarray:
    """Each row of `rows` read at the fractional x positions of the same row of `source`."""
    left = np.clip(np.floor(source).astype(int), 0, rows.shape[1] - 2)
    frac = np.clip(source - left, 0, 1)[..., None]
    index = np.arange(rows.shape[0])[:, None]
    return (rows[index, left] * (1 - frac) + rows[index, left + 1] * frac).astype(np.uint8)


def turn_angles(steps: list[str], fps: int = FPS, seconds: float = 0.0) -> list[float]:
    """The head's angle at each frame: frontal, then each asked turn and back, then frontal."""
    angles = [0.0] * round(LEAD_SECONDS * fps)
    for step in steps:
        count = round(TURN_SECONDS * fps)
        bump = [math.sin(math.pi * (i + 0.5) / count) ** 2 for i in range(count)]
        angles += [TURN_DEGREES[step] * b for b in bump]
        angles += [0.0] * round(GAP_SECONDS * fps)
    angles += [0.0] * max(round(TAIL_SECONDS * fps), round(seconds * fps) - len(angles))
    return angles


def turning_clip(face: Portrait, steps: list[str], fps: int = FPS, seconds: float = 0.0):
    """Frames of the portrait's head answering `steps` (the person's own left/right)."""
    head = head_of(face)
    return [turned(face, head, angle) for angle in turn_angles(steps, fps, seconds)]


# --- attacks ---------------------------------------------------------------------------------


def still_clip(face: Portrait, seconds: float = 3.5, fps: int = FPS) -> list[np.ndarray]:
    """A photo held still to the camera."""
    return [face.image] * round(seconds * fps)


def moved_photo_clip(face: Portrait, seconds: float = 3.5, fps: int = FPS) -> list[np.ndarray]:
    """A flat photo waved at the camera: shifted, scaled, rotated in plane and tilted both ways."""
    frames = []
    for index in range(round(seconds * fps)):
        phase = 2 * math.pi * index / (seconds * fps)
        homography = photo_motion(
            shift=(40 * math.sin(phase), 25 * math.sin(2 * phase)),
            scale=1 + 0.15 * math.sin(3 * phase),
            rotation=12 * math.sin(phase * 2),
            tilt=20 * math.sin(phase * 2),
            size=(face.image.shape[1], face.image.shape[0]),
        )
        frames.append(warp_photo(face.image, homography))
    return frames


def photo_motion(shift, scale, rotation, tilt, size, focal: float = 600.0) -> np.ndarray:
    """Homography of a flat photo (pixel coordinates) turned `tilt` degrees about its vertical
    axis at the camera's focal distance, then rotated, scaled and shifted in the image plane."""
    cx, cy = size[0] / 2, size[1] / 2
    centred = np.array([[1, 0, -cx], [0, 1, -cy], [0, 0, 1]], dtype=float)
    t = math.radians(tilt)
    # The photo's plane at depth `focal`, turned: x -> (x cos t, y, focal + x sin t), projected.
    tilted = np.array([[math.cos(t), 0, 0], [0, 1, 0], [math.sin(t) / focal, 0, 1]])
    r = math.radians(rotation)
    similar = np.array(
        [
            [scale * math.cos(r), -scale * math.sin(r), cx + shift[0]],
            [scale * math.sin(r), scale * math.cos(r), cy + shift[1]],
            [0, 0, 1],
        ]
    )
    return similar @ tilted @ centred


def warp_photo(image: np.ndarray, homography: np.ndarray) -> np.ndarray:
    """The image seen through `homography` (its pixels to the frame's), grey where it is not."""
    inverse = np.linalg.inv(homography)
    coefficients = tuple((inverse / inverse[2, 2]).ravel()[:8])
    warped = Image.fromarray(image).transform(
        (image.shape[1], image.shape[0]),
        Image.Transform.PERSPECTIVE,
        coefficients,
        Image.Resampling.BILINEAR,
        fillcolor=(BACKGROUND,) * 3,
    )
    return np.asarray(warped)


def mixed_clip(first: Portrait, second: Portrait, steps: list[str], fps: int = FPS):
    """`first` answers the challenge until the middle of the clip, `second` from then on."""
    a, b = turning_clip(first, steps, fps), turning_clip(second, steps, fps)
    middle = len(a) // 2
    return a[:middle] + b[middle:]


def photo_between_turns_clip(turning: Portrait, photo: Portrait, steps: list[str], fps: int = FPS):
    """`turning` answers the challenge, but a still `photo` of someone else is held up whenever
    the head is near frontal (the frames a check would compare with the document)."""
    frames = turning_clip(turning, steps, fps)
    angles = turn_angles(steps, fps)
    return [photo.image if abs(a) < 8 else f for f, a in zip(frames, angles, strict=True)]


def side_by_side(left: list[np.ndarray], right: list[np.ndarray]) -> list[np.ndarray]:
    """Two clips of half width in one frame: two faces at once."""
    return [np.concatenate([a, b], axis=1) for a, b in zip(left, right, strict=False)]


# --- writers ---------------------------------------------------------------------------------


def write_video(frames: list[np.ndarray], fps: int = FPS, format: str = "webm") -> bytes:
    """The frames encoded as WebM (VP8, as browsers record) or MP4 (H.264)."""
    codec = {"webm": "libvpx", "mp4": "libx264"}[format]
    buffer = io.BytesIO()
    with av.open(buffer, mode="w", format=format) as container:
        stream = container.add_stream(codec, rate=fps)
        stream.width, stream.height = frames[0].shape[1], frames[0].shape[0]
        stream.pix_fmt = "yuv420p"
        stream.bit_rate = 2_000_000
        stream.options = ENCODER_OPTIONS[codec]
        for image in frames:
            frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(image), format="rgb24")
            container.mux(stream.encode(frame))
        container.mux(stream.encode())
    return buffer.getvalue()


def write_y4m(frames: list[np.ndarray], path: Path | str, fps: int = FPS) -> None:
    """YUV4MPEG2 4:2:0, what Chromium's fake camera reads; width and height must be even."""
    height, width = frames[0].shape[:2]
    if width % 2 or height % 2:
        raise ValueError("y4m 4:2:0 needs an even width and height")
    with open(path, "wb") as out:
        out.write(f"YUV4MPEG2 W{width} H{height} F{fps}:1 Ip A1:1 C420jpeg\n".encode())
        for image in frames:
            planar = av.VideoFrame.from_ndarray(np.ascontiguousarray(image), format="rgb24")
            out.write(b"FRAME\n")
            out.write(planar.reformat(format="yuv420p").to_ndarray().tobytes())
