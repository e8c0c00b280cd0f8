"""Vehicles: the unit a booking is made for, owned by a person or a company."""

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kezek.db import Base, UTCDateTime, utcnow
from kezek.models.party import Party


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

    owner: Mapped[Party] = relationship(lazy="joined")
