"""Bookings as the checkpoint shows them."""

from kezek.booking.service import arrival_window
from kezek.checkpoint.schemas import ArrivalOut
from kezek.models.booking import Booking
from kezek.models.crossing import DirectionKind


def arrival_out(booking: Booking, *, trailer_mismatch: bool = False) -> ArrivalOut:
    opens, closes = arrival_window(booking)
    return ArrivalOut(
        booking_id=booking.id,
        reference=booking.reference,
        status=booking.status,
        plate=booking.plate,
        trailer_plate=booking.trailer_plate,
        crossing=booking.crossing.code,
        direction=DirectionKind(booking.direction_kind),
        date=booking.day,
        hour=booking.hour,
        slot_start=booking.slot_start,
        arrival_from=opens,
        arrival_until=closes,
        checked_in_at=booking.checked_in_at,
        no_show_at=booking.no_show_at,
        priority=booking.priority,
        cargo_category=booking.cargo_category,
        trailer_mismatch=trailer_mismatch,
    )
