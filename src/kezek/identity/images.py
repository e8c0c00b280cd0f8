"""Reading an uploaded photo: type checked by content, EXIF orientation applied, RGB, sane size.

HEIC/HEIF (iPhone photos) are read through pillow-heif's opener; since browsers and most tools
cannot show them, they are stored as a JPEG of the upright image (`stored_photo`).
"""

import io
import warnings
from dataclasses import dataclass

import numpy as np
import pillow_heif
from PIL import Image, ImageOps, UnidentifiedImageError

from kezek.identity.errors import ImageTooLarge, NotAnImage

pillow_heif.register_heif_opener()

ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP", "HEIF")
# Formats kept as uploaded; anything else accepted is converted to JPEG before it is stored.
KEPT_AS_IS = {
    "JPEG": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "WEBP": ("image/webp", "webp"),
}
STORED_JPEG_QUALITY = 92
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


@dataclass(frozen=True)
class StoredPhoto:
    data: bytes
    media_type: str
    extension: str


def stored_photo(data: bytes) -> StoredPhoto:
    """What to keep of an accepted photo: the original bytes of a JPEG, PNG or WebP; a JPEG of
    the upright image for HEIC/HEIF. Call it on a photo `read_image` accepted."""
    try:
        kind = Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS).format  # the header only
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise NotAnImage() from exc
    if kind in KEPT_AS_IS:
        media_type, extension = KEPT_AS_IS[kind]
        return StoredPhoto(data, media_type, extension)
    image = _open(data)
    upright = ImageOps.exif_transpose(image).convert("RGB")
    out = io.BytesIO()
    upright.save(out, format="JPEG", quality=STORED_JPEG_QUALITY)
    return StoredPhoto(out.getvalue(), "image/jpeg", "jpg")


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
