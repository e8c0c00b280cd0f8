"""Vehicle requests and answers. Plate and VIN rules live in plates.py and vin.py, so their
refusals carry their own codes (plate_invalid, vin_invalid, vin_check_digit)."""

import enum
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field


class VehicleCategory(enum.StrEnum):
    TRUCK = "truck"
    CAR = "car"
    BUS = "bus"


class VehicleIn(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    plate: Annotated[str, Field(min_length=1, max_length=20)]
    vin: Annotated[str, Field(min_length=1, max_length=25)]
    category: VehicleCategory
    country: Annotated[str, Field(min_length=1, max_length=3)]
    make: Annotated[str, Field(max_length=60)] = ""
    owner_company_id: int | None = None


class VehicleOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    plate: str
    vin: str
    category: str
    country: str
    make: str
    owner_id: int
    owner_name: str
    is_active: bool
    created_at: datetime
    registry_status: str = Field(
        description="confirmed: the insurance registry names the owner; pending: a foreign "
        "vehicle the registry does not know, waiting for an operator to check the uploaded "
        "registration certificate; rejected: the operator refused it (see registry_reason); "
        "unchecked: registered while no registry was configured"
    )
    registry_reason: str | None = None
    has_certificate: bool = False


class BookableVehicleOut(VehicleOut):
    ground: str = Field(
        description="Why you may book it: owner (yours or your company's), attorney (a power "
        "of attorney from its owner), driver (the insurance registry insures you to drive it)"
    )


class CertificateDecision(enum.StrEnum):
    CONFIRM = "confirm"
    REJECT = "reject"


class CertificateDecisionIn(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    decision: CertificateDecision
    reason: Annotated[str | None, Field(max_length=300)] = None
