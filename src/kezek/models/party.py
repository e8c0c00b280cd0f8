"""People, companies and their logins."""

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kezek.db import Base, UTCDateTime, utcnow


class PartyKind(enum.StrEnum):
    PERSON = "person"
    COMPANY = "company"


class IdentityStatus(enum.StrEnum):
    UNVERIFIED = "unverified"
    VERIFIED = "verified"
    REJECTED = "rejected"


class Role(enum.StrEnum):
    CARRIER = "carrier"
    DRIVER = "driver"
    INTERMEDIARY = "intermediary"
    OPERATOR = "operator"
    ANALYST = "analyst"
    ADMIN = "admin"


# Roles a person may take by registering; staff roles are granted by an admin.
SELF_SERVICE_ROLES = frozenset({Role.CARRIER, Role.DRIVER, Role.INTERMEDIARY})


class Party(Base):
    """A legal party: a person (IIN or passport) or a company (BIN). Owns vehicles and accounts."""

    __tablename__ = "parties"
    __table_args__ = (
        CheckConstraint(
            "(kind = 'person' AND (iin IS NOT NULL OR passport_number IS NOT NULL)) "
            "OR (kind = 'company' AND bin IS NOT NULL)",
            name="identified",
        ),
        UniqueConstraint("passport_country", "passport_number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    full_name: Mapped[str] = mapped_column(String(200))
    iin: Mapped[str | None] = mapped_column(String(12), unique=True)
    bin: Mapped[str | None] = mapped_column(String(12), unique=True)
    passport_number: Mapped[str | None] = mapped_column(String(20))
    passport_country: Mapped[str | None] = mapped_column(String(2))
    identity_status: Mapped[str] = mapped_column(String(12), default=IdentityStatus.UNVERIFIED)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    @property
    def national_id(self) -> str:
        if self.kind == PartyKind.COMPANY:
            return f"BIN {self.bin}"
        if self.iin:
            return f"IIN {self.iin}"
        return f"{self.passport_country} {self.passport_number}"


class User(Base):
    """A login. Always belongs to a person; acts for companies through CompanyMember."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str | None] = mapped_column(String(254))
    password_hash: Mapped[str] = mapped_column(String(200))
    person_id: Mapped[int] = mapped_column(ForeignKey("parties.id"), unique=True)
    is_active: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str | None] = mapped_column(String(5))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    person: Mapped[Party] = relationship(lazy="joined")
    role_rows: Mapped[list["UserRole"]] = relationship(
        lazy="selectin", cascade="all, delete-orphan"
    )

    @property
    def roles(self) -> set[str]:
        return {r.role for r in self.role_rows}


class UserRole(Base):
    __tablename__ = "user_roles"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    role: Mapped[str] = mapped_column(String(20), primary_key=True)


class CompanyMember(Base):
    """A person who represents a company (registered it, or was added by its representative)."""

    __tablename__ = "company_members"

    company_id: Mapped[int] = mapped_column(ForeignKey("parties.id"), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("parties.id"), primary_key=True)
    position: Mapped[str] = mapped_column(String(50), default="representative")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
