"""Refusals at the checkpoint: each says what was found for the plate."""

from kezek.errors import AppError, Conflict, NotFound


class CheckpointRefusal(AppError):
    """A refusal that may name the booking found for the plate (`found_id`), so a page can
    explain it in its own language with that booking's facts."""

    def __init__(self, detail: str | None = None, *, found_id: int | None = None):
        super().__init__(detail)
        self.found_id = found_id


class NoBookingFound(NotFound, CheckpointRefusal):
    code = "no_booking_found"
    message = "No booking for this plate at this crossing and direction."


class TooEarly(Conflict, CheckpointRefusal):
    code = "too_early"
    message = "The booking's arrival window has not opened yet."


class TooLate(Conflict, CheckpointRefusal):
    code = "too_late"
    message = "The booking's arrival window has closed."


class AlreadyCheckedIn(Conflict, CheckpointRefusal):
    code = "already_checked_in"
    message = "This booking is already checked in."
