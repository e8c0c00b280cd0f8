"""Refusals of the booking domain: each code names the rule that refused."""

from kezek.errors import AppError, Conflict, Forbidden, InvalidInput, NotFound


class BookingNotFound(NotFound):
    code = "booking_not_found"
    message = "No such booking among yours."


class VehicleNotFound(NotFound):
    code = "vehicle_not_found"
    message = "No such vehicle."


class PlateNotRegistered(NotFound):
    code = "plate_not_registered"
    message = "No vehicle with this plate is registered in Kezek: its owner registers it first."


class SlotFull(Conflict):
    code = "slot_full"
    message = "This hour is fully booked."


class QuotaFull(Conflict):
    code = "quota_full"
    message = "The day's quota for this kind of passage is used up."


class VehicleAlreadyBooked(Conflict):
    code = "vehicle_already_booked"
    message = "This vehicle already holds an active booking in this direction."


class BookingNotActive(Conflict):
    code = "booking_not_active"
    message = "The booking is no longer active."


class ArrivalWindowClosed(Conflict):
    code = "arrival_window_closed"
    message = "The arrival window of this booking has closed: it is a no-show, not a cancellation."


class DriverAlreadyAdded(Conflict):
    code = "driver_already_added"
    message = "This driver is already on the booking."


class SlotClosed(InvalidInput):
    code = "slot_closed"
    message = "The crossing is closed in this hour."


class BookingClosed(InvalidInput):
    code = "booking_closed"
    message = "Booking for this hour has closed (lead time)."


class CrossingInactive(InvalidInput):
    code = "crossing_inactive"
    message = "This crossing does not take bookings now."


class VehicleNotConfirmed(Conflict):
    code = "vehicle_not_confirmed"
    message = (
        "The vehicle's registration is not confirmed: an operator must check its registration "
        "certificate first."
    )


class SameSlot(InvalidInput):
    code = "same_slot"
    message = "The booking is already in this slot."


class CargoDeclarationRequired(InvalidInput):
    code = "cargo_declaration_required"
    message = "Out-of-turn passage needs a cargo declaration number."


class NotPriorityCargo(InvalidInput):
    code = "not_priority_cargo"
    message = "This cargo category does not qualify for out-of-turn passage."


class CategoryMismatch(InvalidInput):
    code = "category_mismatch"
    message = "The substitute vehicle must be of the same category."


class TooManyDrivers(InvalidInput):
    code = "too_many_drivers"
    message = "A booking names at most three drivers."


class IdentityNotVerified(Forbidden):
    code = "identity_not_verified"
    message = "Verify your identity before booking."


class NotAuthorizedForVehicle(Forbidden):
    code = "not_authorized_for_vehicle"
    message = "You are not the owner or holder of this vehicle."


class NotSameOwner(Forbidden):
    code = "not_same_owner"
    message = "A vehicle can only be replaced by another vehicle of the same owner."


class InsufficientFunds(AppError):
    status_code = 402
    code = "insufficient_funds"
    message = "The account balance does not cover the fee; top it up first."


class DebtOutstanding(AppError):
    status_code = 402
    code = "debt_outstanding"
    message = "The account has unpaid debt; settle it before booking."
