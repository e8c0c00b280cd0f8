"""Refusals of the crossings domain."""

from kezek.errors import Conflict, InvalidInput, NotFound


class CrossingNotFound(NotFound):
    code = "crossing_not_found"
    message = "No such crossing."


class ExceptionNotFound(NotFound):
    code = "schedule_exception_not_found"
    message = "No such schedule exception."


class OutsideHorizon(InvalidInput):
    code = "outside_horizon"
    message = "The date is outside the booking horizon of this crossing."


class CategoryNotServed(InvalidInput):
    code = "category_not_served"
    message = "This crossing has no capacity for this vehicle category."


class CrossingCodeTaken(Conflict):
    code = "crossing_code_taken"
    message = "A crossing with this code exists."
