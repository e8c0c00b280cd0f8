"""Refusals at the checkpoint: each says what was found for the plate."""

from kezek.errors import Conflict, NotFound


class NoBookingFound(NotFound):
    code = "no_booking_found"
    message = "No booking for this plate at this crossing and direction."


class TooEarly(Conflict):
    code = "too_early"
    message = "The booking's arrival window has not opened yet."


class TooLate(Conflict):
    code = "too_late"
    message = "The booking's arrival window has closed."


class AlreadyCheckedIn(Conflict):
    code = "already_checked_in"
    message = "This booking is already checked in."
