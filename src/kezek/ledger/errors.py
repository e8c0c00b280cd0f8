"""Refusals of the ledger domain."""

from kezek.errors import AppError, Conflict, InvalidInput, NotFound


class MrpUnknown(AppError):
    status_code = 503
    code = "mrp_unknown"
    message = "The MRP for this year is not set."


class AccountNotFound(NotFound):
    code = "account_not_found"
    message = "No such account."


class TopUpReferenceUsed(Conflict):
    code = "top_up_reference_used"
    message = "This payment reference was already recorded with other details."


class InvalidAmount(InvalidInput):
    code = "invalid_amount"
    message = "The amount must be positive, with at most two decimal places."


class InvalidMrp(InvalidInput):
    code = "invalid_mrp"
    message = "The MRP must be a positive amount of at most 1,000,000 KZT, for a year 2000-2100."


class MrpYearStarted(Conflict):
    code = "mrp_year_started"
    message = "The MRP of a year that has started cannot change: fees are charged at it."
