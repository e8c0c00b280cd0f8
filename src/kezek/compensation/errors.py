"""Refusals of the compensation domain."""

from kezek.errors import Conflict, InvalidInput, NotFound


class UnusedNotFound(NotFound):
    code = "unused_reservation_not_found"
    message = "No such unused reservation."


class AlreadyVoided(Conflict):
    code = "already_voided"
    message = "This unused reservation was already voided."


class PolicyRetroactive(InvalidInput):
    code = "policy_retroactive"
    message = "A policy change takes effect now or later, never in the past."


class AppealNotFound(NotFound):
    code = "appeal_not_found"
    message = "No such appeal."


class NotCharged(Conflict):
    code = "not_charged"
    message = (
        "Only an unused reservation of a month in which a compensation was charged (and not "
        "refunded) can be appealed."
    )


class AppealOpen(Conflict):
    code = "appeal_open"
    message = "An appeal against this compensation is already waiting for a decision."


class AppealDecided(Conflict):
    code = "appeal_decided"
    message = "This appeal was already decided."


class AttachmentInvalid(InvalidInput):
    code = "attachment_invalid"
    message = "The attachment must be a JPEG, PNG or PDF file."


class AttachmentTooLarge(InvalidInput):
    code = "attachment_too_large"
    message = "The attachment is larger than 10 MB."


class ReasonMissing(InvalidInput):
    code = "reason_missing"
    message = "Give a reason."
