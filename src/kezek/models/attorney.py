"""Powers of attorney: an owner lets an intermediary act for some or all of their vehicles.

Each row keeps the signed document it was issued as (`document`, the canonical JSON the service
key signed, and `signature`). The columns repeat what the document says so queries can use them;
verification checks that they still agree with the signed text (kezek.attorneys.documents).
"""

import enum
from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kezek.db import Base, UTCDateTime, utcnow
from kezek.models.party import Party


class AttorneyScope(enum.StrEnum):
    BOOK = "book"
    CANCEL = "cancel"
    VIEW = "view"


class Attorney(Base):
    __tablename__ = "attorneys"
    __table_args__ = (
        CheckConstraint("valid_to >= valid_from", name="period"),
        CheckConstraint("owner_id <> intermediary_id", name="not_self"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(36), unique=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("parties.id"), index=True)
    intermediary_id: Mapped[int] = mapped_column(ForeignKey("parties.id"), index=True)
    # True: every vehicle the owner has when the attorney is used, including ones added later.
    whole_fleet: Mapped[bool] = mapped_column(default=False)
    vehicle_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    valid_from: Mapped[date] = mapped_column(Date)  # inclusive, Asia/Almaty calendar days
    valid_to: Mapped[date] = mapped_column(Date)  # inclusive
    scopes: Mapped[list[str]] = mapped_column(JSON)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    issued_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    document: Mapped[str] = mapped_column(Text)  # canonical JSON, exactly the signed bytes
    signature: Mapped[str] = mapped_column(String(100))  # base64 Ed25519 signature
    key_id: Mapped[str] = mapped_column(String(16))  # which service key signed it
    # The passed camera check that confirmed the grant. UNIQUE: a check confirms one grant at
    # most, even when two grants race with it. None for attorneys granted before migration 0006.
    confirmation_attempt_id: Mapped[int | None] = mapped_column(
        ForeignKey("identity_attempts.id"), unique=True
    )

    owner: Mapped[Party] = relationship(foreign_keys=[owner_id], lazy="joined")
    intermediary: Mapped[Party] = relationship(foreign_keys=[intermediary_id], lazy="joined")

    def covers_vehicle(self, *, vehicle_id: int, owner_id: int) -> bool:
        if owner_id != self.owner_id:
            return False
        return self.whole_fleet or vehicle_id in self.vehicle_ids
