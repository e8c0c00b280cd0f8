"""Checkpoint requests and answers."""

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator

from kezek.booking.schemas import PLATE_RE, normalize_plate
from kezek.models.crossing import DirectionKind


def _plate(value: str) -> str:
    plate = normalize_plate(value)
    if not PLATE_RE.match(plate):
        raise ValueError("a plate has 2 to 12 Latin letters and digits")
    return plate


class ArrivalIn(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    crossing: Annotated[str, Field(min_length=2, max_length=32)]
    direction: DirectionKind
    plate: Annotated[str, Field(min_length=2, max_length=20)]
    trailer_plate: Annotated[str | None, Field(max_length=20)] = None

    @field_validator("plate")
    @classmethod
    def _normalise_plate(cls, value: str) -> str:
        return _plate(value)

    @field_validator("trailer_plate")
    @classmethod
    def _normalise_trailer(cls, value: str | None) -> str | None:
        return _plate(value) if value else None


class ArrivalOut(BaseModel):
    """A booking as the checkpoint sees it."""

    booking_id: int
    reference: str
    status: str
    plate: str
    trailer_plate: str | None
    crossing: str
    direction: DirectionKind
    date: date
    hour: int
    slot_start: datetime
    arrival_from: datetime
    arrival_until: datetime
    checked_in_at: datetime | None
    no_show_at: datetime | None
    priority: str
    cargo_category: str
    trailer_mismatch: bool = False


class QueueOut(BaseModel):
    crossing: str
    direction: DirectionKind
    now: datetime
    until: datetime
    arrivals: list[ArrivalOut]
