"""The demo crossings of SPEC.md. Loading is idempotent: an existing crossing is left as it is,
so an admin's edits survive a second `kezek demo`."""

import json
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kezek.audit.service import record
from kezek.models.crossing import (
    CapacityRule,
    Crossing,
    Direction,
    DirectionKind,
    ExceptionKind,
    ScheduleException,
    VehicleCategory,
    WeeklyHours,
)

SEED_FILE = Path(__file__).with_name("seed.json")
HOME_COUNTRY = "KZ"


def seed_crossings(session: Session) -> list[str]:
    """Create the seed crossings that do not exist yet; return the codes created."""
    created = []
    existing = set(session.scalars(select(Crossing.code)))
    for item in json.loads(SEED_FILE.read_text(encoding="utf-8"))["crossings"]:
        if item["code"] not in existing:
            session.add(_crossing(item))
            created.append(item["code"])
    session.flush()
    if created:
        record(session, action="crossing.seed", object_type="crossing", payload={"codes": created})
    return created


def _crossing(item: dict[str, Any]) -> Crossing:
    crossing = Crossing(
        code=item["code"],
        name_en=item["en"],
        name_ru=item["ru"],
        name_kk=item["kk"],
        name_zh=item["zh"],
        neighbour_name=item["neighbour"],
        neighbour_name_zh=item["neighbour_zh"],
        country=HOME_COUNTRY,
        neighbour_country=item["neighbour_country"],
        notes=item.get("notes", ""),
    )
    for kind in DirectionKind:
        crossing.directions.append(_direction(item, kind))
    return crossing


def _direction(item: dict[str, Any], kind: DirectionKind) -> Direction:
    here, there = HOME_COUNTRY, item["neighbour_country"]
    direction = Direction(
        kind=kind,
        from_country=here if kind == DirectionKind.EXIT else there,
        to_country=there if kind == DirectionKind.EXIT else here,
    )
    opening, closing = item["hours"]
    direction.weekly_hours = [
        WeeklyHours(weekday=d, open_hour=opening, close_hour=closing) for d in range(7)
    ]
    direction.capacity_rules = [
        CapacityRule(
            category=VehicleCategory.TRUCK,
            valid_from=date.fromisoformat(day),
            daily_limit=limit,
            hour_overrides={},
            reason=reason,
        )
        for day, limit, reason in item["capacity"]
    ]
    if "extend_from" in item:
        day, hours, reason = item["extend_from"]
        direction.exceptions = [
            ScheduleException(
                date_from=date.fromisoformat(day),
                kind=ExceptionKind.EXTEND,
                extend_hours=hours,
                reason=reason,
            )
        ]
    return direction
