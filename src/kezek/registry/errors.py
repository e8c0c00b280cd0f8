"""Refusals of the registry link."""

from kezek.errors import AppError, Conflict


class RegistryUnavailable(AppError):
    status_code = 503
    code = "registry_unavailable"
    message = (
        "The insurance registry cannot be reached. Owners still book their own vehicles; "
        "registering a vehicle and booking as an insured driver must wait: try again later."
    )

    def __init__(self, detail: str | None = None):
        super().__init__(detail, headers={"Retry-After": "60"})


class RegistryOwnerMismatch(Conflict):
    code = "registry_owner_mismatch"
    message = "The insurance registry names someone else as this vehicle's owner."


class RegistryVehicleUnknown(Conflict):
    code = "registry_vehicle_unknown"
    message = (
        "The insurance registry does not know this VIN. A vehicle registered in Kazakhstan "
        "must be insured there first: check the VIN against the registration certificate."
    )
