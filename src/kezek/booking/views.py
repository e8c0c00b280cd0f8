"""Bookings as the API and the pages show them."""

from sqlalchemy.orm import Session

from kezek.booking.schemas import BookingOut, DriverOut, VehicleBrief
from kezek.booking.service import arrival_window, fees_charged
from kezek.ledger.money import to_kzt
from kezek.models.booking import Booking, Priority
from kezek.models.crossing import DirectionKind


def booking_out(session: Session, booking: Booking) -> BookingOut:
    arrival_from, arrival_until = arrival_window(booking)
    return BookingOut(
        id=booking.id,
        reference=booking.reference,
        status=booking.status,
        owner_id=booking.owner_id,
        crossing=booking.crossing.code,
        direction=DirectionKind(booking.direction_kind),
        date=booking.day,
        hour=booking.hour,
        slot_start=booking.slot_start,
        slot_end=booking.slot_end,
        arrival_from=arrival_from,
        arrival_until=arrival_until,
        vehicle=VehicleBrief(
            id=booking.vehicle.id,
            plate=booking.plate,
            vin=booking.vin,
            category=booking.category,
        ),
        trailer_plate=booking.trailer_plate,
        category=booking.category,
        cargo_category=booking.cargo_category,
        priority=Priority(booking.priority),
        cargo_declaration=booking.cargo_declaration,
        drivers=[
            DriverOut(full_name=d.full_name, national_id=d.national_id, phone=d.phone)
            for d in booking.drivers
        ],
        fees_kzt=str(to_kzt(fees_charged(session, booking_id=booking.id))),
        reschedule_count=booking.reschedule_count,
        created_at=booking.created_at,
        cancelled_at=booking.cancelled_at,
        cancel_reason=booking.cancel_reason,
        checked_in_at=booking.checked_in_at,
        no_show_at=booking.no_show_at,
    )
