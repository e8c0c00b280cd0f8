"""Money is integer tiyn (1 KZT = 100 tiyn) inside, Decimal KZT at the edges, never float."""

from decimal import Decimal

TIYN_PER_KZT = 100


def to_kzt(tiyn: int) -> Decimal:
    return (Decimal(tiyn) / TIYN_PER_KZT).quantize(Decimal("0.01"))


def to_tiyn(kzt: Decimal | int) -> int:
    """Whole tiyn of an amount in KZT; refuses fractions of a tiyn rather than rounding them,
    and floats, whose 0.1 is not 0.1."""
    if isinstance(kzt, float):
        raise TypeError("an amount in KZT is a Decimal (or whole int), never a float")
    tiyn = Decimal(kzt) * TIYN_PER_KZT
    if tiyn != tiyn.to_integral_value():
        raise ValueError("amounts have at most two decimal places")
    return int(tiyn)


def format_kzt(tiyn: int) -> str:
    """12345678 -> '123,456.78 ₸' (grouping is the same in every locale we ship)."""
    return f"{to_kzt(tiyn):,} ₸"
