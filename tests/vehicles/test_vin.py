"""VIN rules (ISO 3779): the alphabet, the length, and the check digit where it is used."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kezek.vehicles.plates import is_valid_plate, normalize_plate
from kezek.vehicles.vin import TRANSLITERATION, VinError, check_digit, make_vin, parse_vin

VIN_ALPHABET = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"


def _code(value: str) -> str:
    with pytest.raises(VinError) as caught:
        parse_vin(value)
    return caught.value.code


@st.composite
def checked_vins(draw: st.DrawFn) -> str:
    """A VIN of a region that uses the check digit, with its digit set right."""
    region = draw(st.sampled_from("12345L"))
    rest = draw(st.text(alphabet=VIN_ALPHABET, min_size=16, max_size=16))
    body = region + rest
    return body[:8] + check_digit(body) + body[9:]


def test_a_published_north_american_vin_passes() -> None:
    assert parse_vin("1M8GDM9AXKP042788") == "1M8GDM9AXKP042788"
    assert parse_vin(" 1m8gdm9axkp-042788 ") == "1M8GDM9AXKP042788"


def test_a_mistyped_north_american_vin_fails_its_check_digit() -> None:
    assert _code("1M8GDM9AXKP042789") == "vin_check_digit"


def test_european_vins_have_no_check_digit() -> None:
    assert parse_vin("WDB9340321L123456") == "WDB9340321L123456"


@pytest.mark.parametrize(
    "value",
    ["1M8GDM9AXKP04278", "1M8GDM9AXKP0427880", "1M8GDM9AXKPO42788", "WDB934032IL123456", "Q" * 17],
)
def test_wrong_length_or_letters_i_o_q_are_invalid(value: str) -> None:
    assert _code(value) == "vin_invalid"


@given(checked_vins())
def test_any_vin_with_its_check_digit_passes(vin: str) -> None:
    assert parse_vin(vin) == vin


@given(checked_vins(), st.integers(1, 16), st.sampled_from(VIN_ALPHABET))
def test_changing_one_character_breaks_the_check_digit(vin: str, at: int, char: str) -> None:
    # Letters share numbers (D and M are both 4), so a change is only visible when the number
    # changes; then, 11 being prime and every weight but position 9's non-zero, it always is.
    changed = vin[:at] + char + vin[at + 1 :]
    visible = char != vin[at] if at == 8 else TRANSLITERATION[char] != TRANSLITERATION[vin[at]]
    if visible:
        assert _code(changed) == "vin_check_digit"
    else:
        assert parse_vin(changed) == changed


@given(st.integers(0, 999_999))
def test_make_vin_makes_valid_distinct_vins(serial: int) -> None:
    assert parse_vin(make_vin(serial)) == make_vin(serial)
    assert make_vin(serial) != make_vin(serial + 1)


def test_plates_are_normalised_to_one_spelling() -> None:
    assert normalize_plate(" 123 abc-02 ") == "123ABC02"
    assert is_valid_plate("123ABC02")
    assert not is_valid_plate("123АВС02")  # Cyrillic look-alikes are not Latin letters
    assert not is_valid_plate("A")
