"""Vehicles: the unit a booking is made for, owned by a person or a company."""

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kezek.db import Base, UTCDateTime, utcnow
from kezek.models.party import Party


class RegistryStatus(enum.StrEnum):
    """What the insurance registry check found when the vehicle was registered."""

    CONFIRMED = "confirmed"  # the registry names the owner (or a holder) as registered
    PENDING = "pending"  # a foreign vehicle the registry does not know: an operator checks
    REJECTED = "rejected"  # an operator found the registration certificate wanting
    UNCHECKED = "unchecked"  # registered while no registry was configured


class Vehicle(Base):
    """A registered vehicle. The VIN is unique: it belongs to one owner at a time."""

    __tablename__ = "vehicles"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("parties.id"), index=True)
    plate: Mapped[str] = mapped_column(String(16), index=True)
    vin: Mapped[str] = mapped_column(String(17), unique=True)
    category: Mapped[str] = mapped_column(String(10))
    country: Mapped[str] = mapped_column(String(2))
    make: Mapped[str] = mapped_column(String(60), default="")
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Rows made before the registry link (and by tests, directly) count as confirmed.
    registry_status: Mapped[str] = mapped_column(
        String(10), default=RegistryStatus.CONFIRMED, server_default=RegistryStatus.CONFIRMED
    )
    registry_reason: Mapped[str | None] = mapped_column(String(300))
    certificate_file: Mapped[str | None] = mapped_column(String(80))
    certificate_media_type: Mapped[str | None] = mapped_column(String(40))

    owner: Mapped[Party] = relationship(lazy="joined")
