"""Charges to appeal: an owner with eleven cancellations in March 2026 (the eleventh charged),
and small files of each kind."""

from datetime import date, timedelta

from compensation.compensation_support import almaty, book, cancel, unused_of

MARCH = date(2026, 3, 1)
MARCH_SLOT = date(2026, 3, 20)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64


def cancel_in_march(engine, fleet, count: int = 11, *, login: str = "carrier") -> list[int]:
    """`count` bookings of one new vehicle of `login` cancelled in March 2026; their ids."""
    fleet.top_up(login=login, kzt=1_000_000)
    truck = fleet.vehicle(login)
    ids = []
    for i in range(count):
        at = almaty(2026, 3, 2, 9, 5 * i)
        booking_id = book(engine, truck, day=MARCH_SLOT, hour=10, now=at, login=login)
        cancel(engine, booking_id, now=at + timedelta(minutes=1), login=login)
        ids.append(booking_id)
    return ids


def charged_unused_id(engine, login: str = "carrier") -> int:
    """The id of the owner's first charged unused reservation."""
    return next(u.id for u in unused_of(engine, login) if u.charge_entry_id is not None)
