"""Refusals of the attorney domain; each code names what is missing or wrong."""

from kezek.errors import Conflict, Forbidden, InvalidInput, NotFound


class AttorneyNotFound(NotFound):
    code = "not_found"
    message = "No such power of attorney among those you gave or received."


class NotOwner(Forbidden):
    code = "not_owner"
    message = "Only the owner who gave this power of attorney (or their company) may do this."


class IntermediaryNotFound(InvalidInput):
    code = "intermediary_not_found"
    message = "No person with this IIN or passport is registered."


class IntermediaryNotVerified(InvalidInput):
    code = "intermediary_not_verified"
    message = "The intermediary has not verified their identity yet."


class IntermediaryIsOwner(InvalidInput):
    code = "intermediary_is_owner"
    message = "An owner cannot give a power of attorney to themselves."


class VehicleNotOwned(InvalidInput):
    code = "vehicle_not_owned"
    message = "A listed vehicle does not belong to the owner."


class VehiclesRequired(InvalidInput):
    code = "vehicles_required"
    message = "List the vehicles, or choose the whole fleet (not both)."


class InvalidPeriod(InvalidInput):
    code = "invalid_period"
    message = "The period must end on or after its start, not in the past, within three years."


class ReauthRequired(Forbidden):
    code = "reauth_required"
    message = (
        "Granting a power of attorney needs a fresh camera check of yours: take a new one "
        "(POST /api/v1/identity/challenges, then POST /api/v1/identity/verifications) and name "
        "it in confirmation.verification_id."
    )


class AlreadyRevoked(Conflict):
    code = "already_revoked"
    message = "This power of attorney is already revoked."


# --- what attorney_covering says is missing (kezek.attorneys.service) -------------------------


class NoAttorney(Forbidden):
    code = "no_attorney"
    message = "No power of attorney from the owner covers this vehicle."


class AttorneyExpired(Forbidden):
    code = "attorney_expired"
    message = "The power of attorney for this vehicle does not cover this date."


class AttorneyRevoked(Forbidden):
    code = "attorney_revoked"
    message = "The power of attorney for this vehicle was revoked by the owner."


class AttorneyScope(Forbidden):
    code = "attorney_scope"
    message = "The power of attorney for this vehicle does not allow this action."
