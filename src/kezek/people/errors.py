"""Refusals of the people domain."""

from kezek.errors import AppError, Conflict, InvalidInput


class LoginTaken(Conflict):
    code = "login_taken"
    message = "This login is already taken."


class NationalIdTaken(Conflict):
    code = "national_id_taken"
    message = "A person or company with this identifier is already registered."


class InvalidIin(InvalidInput):
    code = "invalid_iin"
    message = "The IIN is not valid."


class InvalidBin(InvalidInput):
    code = "invalid_bin"
    message = "The BIN is not valid."


class InvalidRole(InvalidInput):
    code = "invalid_role"
    message = "This role cannot be taken here."


class UserNotFound(AppError):
    status_code = 404
    code = "user_not_found"
    message = "No such user."


class AccountDisabled(AppError):
    status_code = 403
    code = "account_disabled"
    message = "This account is disabled."
