"""All ORM models, imported here so Alembic and the app see one metadata."""

from kezek.models.attorney import Attorney
from kezek.models.audit import AuditHead, AuditRecord
from kezek.models.booking import (
    Booking,
    BookingDriver,
    IdempotencyRecord,
    OutboxMessage,
    SlotCounter,
)
from kezek.models.compensation import (
    Appeal,
    CompensationPolicy,
    UnusedReservation,
)
from kezek.models.crossing import (
    CapacityRule,
    Crossing,
    Direction,
    ScheduleException,
    WeeklyHours,
)
from kezek.models.identity import (
    DuplicateReview,
    IdentityChallenge,
    IdentityDocument,
    VerificationAttempt,
)
from kezek.models.ledger import Account, LedgerEntry, MrpRate
from kezek.models.party import CompanyMember, Party, User, UserRole
from kezek.models.registry import RegistryRecord
from kezek.models.vehicle import Vehicle

__all__ = [
    "Account",
    "Appeal",
    "CompensationPolicy",
    "UnusedReservation",
    "Attorney",
    "Booking",
    "BookingDriver",
    "IdempotencyRecord",
    "LedgerEntry",
    "MrpRate",
    "OutboxMessage",
    "SlotCounter",
    "Vehicle",
    "RegistryRecord",
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
    "DuplicateReview",
    "IdentityChallenge",
    "IdentityDocument",
    "VerificationAttempt",
]
