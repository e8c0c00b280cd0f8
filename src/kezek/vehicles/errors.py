"""Refusals of the vehicles domain."""

from kezek.errors import AppError, Conflict, Forbidden, InvalidInput


class VinInvalid(InvalidInput):
    code = "vin_invalid"
    message = "A VIN has 17 Latin letters and digits, never I, O or Q."


class VinCheckDigit(InvalidInput):
    code = "vin_check_digit"
    message = "The VIN's check digit does not match: a character is mistyped."


class PlateInvalid(InvalidInput):
    code = "plate_invalid"
    message = "A plate has 2 to 12 Latin letters and digits."


class CountryInvalid(InvalidInput):
    code = "country_invalid"
    message = "The country is an ISO 3166 alpha-2 code, such as KZ."


class VinTaken(Conflict):
    code = "vin_taken"
    message = "This VIN is registered to another owner."


class NotYourCompany(Forbidden):
    code = "not_company_representative"
    message = "You do not represent this company."


class CertificateInvalid(InvalidInput):
    code = "certificate_invalid"
    message = "The registration certificate must be a JPEG or PNG photo or a PDF scan."


class CertificateTooLarge(AppError):
    status_code = 413
    code = "certificate_too_large"
    message = "The registration certificate file is over 10 MB: send a smaller scan."


class NotPending(Conflict):
    code = "vehicle_not_pending"
    message = "The vehicle is not waiting for a registration certificate check."


class RejectionReasonMissing(InvalidInput):
    code = "reason_required"
    message = "Say why the certificate is rejected, so the owner knows what to fix."
