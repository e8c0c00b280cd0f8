"""The registry's answers, cached: one row per VIN asked about."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from kezek.db import Base, UTCDateTime


class RegistryRecord(Base):
    """What the insurance registry said of a VIN at `fetched_at`; payload None: it did not
    know the VIN (cached too, so an unknown VIN does not ask again at every request)."""

    __tablename__ = "registry_records"

    vin: Mapped[str] = mapped_column(String(17), primary_key=True)
    payload: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime())
