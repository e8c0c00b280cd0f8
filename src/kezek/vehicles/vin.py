"""Vehicle identification numbers (ISO 3779): 17 characters, never I, O or Q.

Position 9 is a check digit in North America (WMI starting 1-5) and China (L); elsewhere it is
free, so it is checked only there (a European VIN with any position 9 is valid).
"""

import re

VIN_RE = re.compile(r"^[A-HJ-NPR-Z0-9]{17}$")
# ISO 3779 transliteration of letters to numbers (I, O and Q never occur).
TRANSLITERATION = {
    **{str(d): d for d in range(10)},
    **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
    **dict(zip("JKLMN", range(1, 6), strict=True)),
    "P": 7,
    "R": 9,
    **dict(zip("STUVWXYZ", range(2, 10), strict=True)),
}
_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
CHECK_DIGIT_REGIONS = tuple("12345L")


class VinError(ValueError):
    """`code` says which rule failed: vin_invalid or vin_check_digit."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


def normalize_vin(value: str) -> str:
    return value.strip().replace(" ", "").replace("-", "").upper()


def check_digit(vin: str) -> str:
    """The check digit of a 17-character VIN (position 9 is ignored by its weight 0)."""
    total = sum(TRANSLITERATION[char] * weight for char, weight in zip(vin, _WEIGHTS, strict=True))
    remainder = total % 11
    return "X" if remainder == 10 else str(remainder)


def uses_check_digit(vin: str) -> bool:
    return vin[:1] in CHECK_DIGIT_REGIONS


def parse_vin(value: str) -> str:
    """The normalised VIN, or VinError saying what is wrong with it."""
    vin = normalize_vin(value)
    if not VIN_RE.match(vin):
        raise VinError("vin_invalid", "A VIN has 17 Latin letters and digits, never I, O or Q.")
    if uses_check_digit(vin) and vin[8] != check_digit(vin):
        raise VinError(
            "vin_check_digit",
            f"The check digit (9th character) of {vin} should be {check_digit(vin)}: "
            "a character is mistyped.",
        )
    return vin


def make_vin(serial: int, *, wmi: str = "1FU", vds: str = "JGLDR", year: str = "T") -> str:
    """A valid VIN with a correct check digit, distinct per serial (for demos and tests)."""
    body = f"{wmi}{vds}0{year}A{serial % 1_000_000:06d}"
    return body[:8] + check_digit(body) + body[9:]
