"""Registration plates, written exactly as in the registration certificate."""

import re

PLATE_RE = re.compile(r"^[A-Z0-9]{2,12}$")


def normalize_plate(value: str) -> str:
    """'123 abc-02' -> '123ABC02': one spelling per plate, whatever the typing habits."""
    return re.sub(r"[\s\-]", "", value).upper()


def is_valid_plate(plate: str) -> bool:
    return bool(PLATE_RE.match(plate))
