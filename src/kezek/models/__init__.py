"""All ORM models, imported here so Alembic and the app see one metadata."""

from kezek.models.audit import AuditHead, AuditRecord
from kezek.models.crossing import (
    CapacityRule,
    Crossing,
    Direction,
    ScheduleException,
    WeeklyHours,
)
from kezek.models.party import CompanyMember, Party, User, UserRole

__all__ = [
    "AuditHead",
    "AuditRecord",
    "CapacityRule",
    "CompanyMember",
    "Crossing",
    "Direction",
    "Party",
    "ScheduleException",
    "User",
    "UserRole",
    "WeeklyHours",
]
