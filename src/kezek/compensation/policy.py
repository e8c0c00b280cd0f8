"""Which compensation rules judge an event, and changing them.

A crossing may have its own versions; otherwise the global ones (crossing_id NULL) apply. A
change adds a version effective from now or later: an event is always judged by the version in
force when it happened, and past versions are never edited.
"""

from dataclasses import asdict, dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from kezek.audit.service import record
from kezek.compensation.errors import PolicyRetroactive
from kezek.db import utcnow
from kezek.models.compensation import ChargeMode, CompensationPolicy


@dataclass(frozen=True)
class PolicyTerms:
    """The settings of one policy version (what an administrator sets)."""

    monthly_threshold: int = 10
    amount_mrp: int = 100
    charge_mode: ChargeMode = ChargeMode.EACH
    charge_no_show_at_once: bool = False
    adaptive: bool = True
    adaptive_lookback_months: int = 3
    adaptive_divisor: int = 2
    adaptive_floor: int = 1
    deposit_enabled: bool = False
    deposit_mrp: int = 20
    deposit_forfeit_no_shows: int = 2
    deposit_window_days: int = 90


def policy_in_force(
    session: Session, *, crossing_id: int | None, at: datetime
) -> CompensationPolicy:
    """The version that judges an event at `crossing_id` at instant `at`: the crossing's own
    latest version in force, else the global one."""
    candidates = (
        select(CompensationPolicy)
        .where(CompensationPolicy.effective_from <= at)
        .where(
            (CompensationPolicy.crossing_id == crossing_id)
            | CompensationPolicy.crossing_id.is_(None)
        )
        .order_by(
            CompensationPolicy.crossing_id.is_(None),  # the crossing's own first
            CompensationPolicy.effective_from.desc(),
            CompensationPolicy.id.desc(),
        )
        .limit(1)
    )
    found = session.scalar(candidates)
    if found is None:  # the migration seeds a global version since 2000: never expected
        raise LookupError("no compensation policy is in force")
    return found


def set_policy(
    session: Session,
    *,
    crossing_id: int | None,
    terms: PolicyTerms,
    effective_from: datetime | None = None,
    created_by: int | None = None,
    now: datetime | None = None,
) -> CompensationPolicy:
    """Add a version for a crossing (or the global default, None) from `effective_from` (now by
    default); refused if that is in the past."""
    now = now or utcnow()
    start = effective_from or now
    if start < now:
        raise PolicyRetroactive(
            f"The change would apply from {start:%Y-%m-%d %H:%M} UTC, before now."
        )
    version = CompensationPolicy(
        crossing_id=crossing_id,
        effective_from=start,
        created_by=created_by,
        created_at=now,
        **asdict(terms),
    )
    session.add(version)
    session.flush()
    record(
        session,
        action="compensation.policy",
        object_type="compensation_policy",
        object_id=version.id,
        payload={"crossing_id": crossing_id, "effective_from": start.isoformat(), **asdict(terms)},
    )
    return version


def policy_versions(session: Session, *, crossing_id: int | None) -> list[CompensationPolicy]:
    """Every version of a crossing's (or the global) policy, newest first."""
    return list(
        session.scalars(
            select(CompensationPolicy)
            .where(
                CompensationPolicy.crossing_id.is_(None)
                if crossing_id is None
                else CompensationPolicy.crossing_id == crossing_id
            )
            .order_by(CompensationPolicy.effective_from.desc(), CompensationPolicy.id.desc())
        )
    )
