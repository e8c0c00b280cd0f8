"""Kazakh national identifiers: IIN (persons) and BIN (companies), 12 digits with a check digit.

Both use the same check digit: weights 1..11, sum mod 11; if that gives 10, weights 3..11,1,2;
a second 10 means the number cannot be valid.
"""

from datetime import date

_WEIGHTS_1 = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
_WEIGHTS_2 = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)
# Seventh IIN digit: century of birth (and sex): 1-2 → 1800s, 3-4 → 1900s, 5-6 → 2000s.
_CENTURY = {1: 1800, 2: 1800, 3: 1900, 4: 1900, 5: 2000, 6: 2000}


def check_digit(first_eleven: str) -> int | None:
    """The 12th digit for these 11, or None when no check digit exists for them."""
    digits = [int(c) for c in first_eleven]
    for weights in (_WEIGHTS_1, _WEIGHTS_2):
        rest = sum(d * w for d, w in zip(digits, weights, strict=True)) % 11
        if rest != 10:
            return rest
    return None


def _twelve_digits(value: str) -> bool:
    # ASCII only: isdigit() also says yes to "８" or "٨", which int() reads as 8, and the same
    # IIN written in other digits would pass as another person's.
    return len(value) == 12 and value.isascii() and value.isdigit()


def iin_problem(iin: str) -> str | None:
    """Why this is not a valid IIN, or None when it is."""
    if not _twelve_digits(iin):
        return "An IIN has exactly 12 digits."
    century = _CENTURY.get(int(iin[6]))
    if century is None:
        return "The 7th digit of an IIN (century and sex) must be 1 to 6."
    try:
        date(century + int(iin[:2]), int(iin[2:4]), int(iin[4:6]))
    except ValueError:
        return "The first 6 digits of an IIN must be a date of birth (YYMMDD)."
    if check_digit(iin[:11]) != int(iin[11]):
        return "The check digit of this IIN is wrong: look for a mistyped digit."
    return None


def bin_problem(bin_: str) -> str | None:
    """Why this is not a valid BIN, or None when it is."""
    if not _twelve_digits(bin_):
        return "A BIN has exactly 12 digits."
    if not 1 <= int(bin_[2:4]) <= 12:
        return "Digits 3-4 of a BIN are the month of registration (01-12)."
    if bin_[4] not in "456":
        return "The 5th digit of a BIN (type of entity) must be 4, 5 or 6."
    if check_digit(bin_[:11]) != int(bin_[11]):
        return "The check digit of this BIN is wrong: look for a mistyped digit."
    return None


def make_iin(birth: date, serial: int, *, female: bool = False) -> str:
    """A valid IIN for a birth date and a serial (demo and test data)."""
    century_digit = {1800: 1, 1900: 3, 2000: 5}[birth.year // 100 * 100] + int(female)
    for s in range(serial, serial + 100):
        first = f"{birth:%y%m%d}{century_digit}{s % 10000:04d}"
        check = check_digit(first)
        if check is not None:
            return f"{first}{check}"
    raise ValueError("no valid IIN near this serial")  # pragma: no cover - cannot happen


def make_bin(registered: date, serial: int) -> str:
    """A valid BIN of a resident legal entity (demo and test data)."""
    for s in range(serial, serial + 100):
        first = f"{registered:%y%m}40{s % 100000:05d}"
        check = check_digit(first)
        if check is not None:
            return f"{first}{check}"
    raise ValueError("no valid BIN near this serial")  # pragma: no cover - cannot happen
