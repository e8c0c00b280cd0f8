"""Reading an uploaded photo: type checked by content, EXIF orientation applied, RGB, sane size."""

import io
import warnings

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from kezek.identity.errors import ImageTooLarge, NotAnImage

ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP")
MAX_BYTES = 20 * 1024 * 1024
MAX_PIXELS = 50_000_000
# Faces on a document or selfie are large; beyond this the detector only gets slower.
WORKING_LONG_SIDE = 1024


def read_image(data: bytes) -> np.ndarray:
    """The photo as an RGB uint8 array (height x width x 3), upright and at most 1024 px long."""
    if len(data) > MAX_BYTES:
        raise ImageTooLarge()
    image = _open(data)
    image = ImageOps.exif_transpose(image)
    image = image.convert("RGB")
    return np.asarray(_shrink(image))


def _open(data: bytes) -> Image.Image:
    """Pillow recognises the format by its magic bytes; the file name is never consulted."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS)
            if image.width * image.height > MAX_PIXELS:
                raise ImageTooLarge()
            image.load()
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
        raise ImageTooLarge() from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise NotAnImage() from exc
    return image


def _shrink(image: Image.Image) -> Image.Image:
    scale = WORKING_LONG_SIDE / max(image.size)
    if scale >= 1:
        return image
    size = (round(image.width * scale), round(image.height * scale))
    return image.resize(size, Image.Resampling.LANCZOS)
