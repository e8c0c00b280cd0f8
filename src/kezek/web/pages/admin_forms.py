"""The crossing editor's forms: what they show first, and the schemas they post."""

import re
from datetime import date
from typing import Any

from pydantic import ValidationError

from kezek.crossings.schemas import (
    CapacityRuleIn,
    CrossingSettingsIn,
    ExceptionIn,
    WeeklyHoursIn,
    WeeklyHoursReplace,
)
from kezek.models.crossing import Crossing, Direction, DirectionKind, ExceptionKind
from kezek.web.forms import blank_to_none, validation_errors
from kezek.web.i18n import N_, translate

BOTH = "both"
_OVERRIDE = re.compile(r"^(\d{1,2})\s*[=:]\s*(\d{1,6})$")


class FormInvalid(Exception):
    """A form that cannot become its schema; `errors` maps field -> translated message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(", ".join(errors))
        self.errors = errors


def hours_section(kind: str) -> str:
    return f"hours-{kind}"


def initial_forms(crossing: Crossing, today: date) -> dict[str, dict[str, str]]:
    """Each form of the editor filled from the crossing as it is."""
    forms = {
        "settings": {
            "booking_horizon_days": str(crossing.booking_horizon_days),
            "booking_lead_minutes": str(crossing.booking_lead_minutes),
            "notes": crossing.notes,
            "is_active": "on" if crossing.is_active else "",
        },
        "exceptions": {"direction": BOTH, "kind": ExceptionKind.CLOSED, "date_from": str(today)},
        "capacity": {"direction": BOTH, "category": "truck", "valid_from": str(today)},
    }
    for direction in crossing.directions:
        forms[hours_section(direction.kind)] = _hours_form(direction)
    return forms


def _hours_form(direction: Direction) -> dict[str, str]:
    form: dict[str, str] = {}
    by_day = {w.weekday: w for w in direction.weekly_hours}
    for day in range(7):
        row = by_day.get(day)
        form[f"open_{day}"] = "on" if row else ""
        form[f"from_{day}"] = str(row.open_hour) if row else ""
        form[f"to_{day}"] = str(row.close_hour) if row else ""
    return form


def _validate(schema: Any, data: dict[str, Any], locale: str, **kwargs: Any) -> Any:
    try:
        return schema.model_validate(data)
    except ValidationError as invalid:
        raise FormInvalid(validation_errors(invalid, locale, **kwargs)) from None


def settings_in(form: dict[str, str], locale: str) -> CrossingSettingsIn:
    data = {
        "booking_horizon_days": form.get("booking_horizon_days", ""),
        "booking_lead_minutes": form.get("booking_lead_minutes", ""),
        "notes": form.get("notes", "").strip(),
        "is_active": form.get("is_active") == "on",
    }
    return _validate(CrossingSettingsIn, data, locale)  # type: ignore[no-any-return]


def weekly_hours_in(form: dict[str, str], locale: str) -> WeeklyHoursReplace:
    """The week as ticked: an unticked day is closed. Errors are keyed by day (day_0 ...)."""
    days, errors = [], {}
    for day in range(7):
        if form.get(f"open_{day}") != "on":
            continue
        row = {
            "weekday": day,
            "open_hour": form.get(f"from_{day}", ""),
            "close_hour": form.get(f"to_{day}", ""),
        }
        try:
            days.append(_validate(WeeklyHoursIn, row, locale))
        except FormInvalid as invalid:
            errors[f"day_{day}"] = next(iter(invalid.errors.values()))
    if errors:
        raise FormInvalid(errors)
    return _validate(WeeklyHoursReplace, {"days": days}, locale)  # type: ignore[no-any-return]


def directions_of(form: dict[str, str], locale: str) -> list[DirectionKind]:
    chosen = form.get("direction", "")
    if chosen == BOTH:
        return list(DirectionKind)
    if chosen in {k.value for k in DirectionKind}:
        return [DirectionKind(chosen)]
    raise FormInvalid({"direction": translate(locale, N_("Choose one of the options."))})


def exception_in(form: dict[str, str], locale: str) -> ExceptionIn:
    kind = form.get("kind", "")
    data = {
        "date_from": form.get("date_from", ""),
        "date_to": blank_to_none(form.get("date_to")),
        "kind": kind,
        "reason": form.get("reason", ""),
    }
    if kind == ExceptionKind.HOURS:
        data["open_hour"] = blank_to_none(form.get("open_hour"))
        data["close_hour"] = blank_to_none(form.get("close_hour"))
    if kind == ExceptionKind.EXTEND:
        data["extend_hours"] = blank_to_none(form.get("extend_hours"))
    return _validate(ExceptionIn, data, locale)  # type: ignore[no-any-return]


def _overrides(text: str, locale: str) -> dict[str, str]:
    """ "9=40, 10=35" -> {"9": "40", "10": "35"}; the schema checks the ranges."""
    found = {}
    for item in filter(None, (part.strip() for part in re.split(r"[,;\n]", text))):
        match = _OVERRIDE.match(item)
        if not match:
            message = N_("Write hour=places, separated by commas, for example 9=40, 10=35.")
            raise FormInvalid({"hour_overrides": translate(locale, message)})
        found[str(int(match.group(1)))] = match.group(2)
    return found


def capacity_in(form: dict[str, str], locale: str) -> CapacityRuleIn:
    data = {
        "category": form.get("category", ""),
        "valid_from": form.get("valid_from", ""),
        "daily_limit": form.get("daily_limit", ""),
        "hour_overrides": _overrides(form.get("hour_overrides", ""), locale),
        "reason": form.get("reason", ""),
    }
    return _validate(  # type: ignore[no-any-return]
        CapacityRuleIn, data, locale, field_of=lambda loc: str(loc[0]) if loc else ""
    )
