"""Crossings API: public reading and availability, admin editing."""

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response, status

from kezek.booking.capacity_changes import DropTally, apply_capacity_drops
from kezek.crossings import service
from kezek.crossings.errors import (
    CategoryNotServed,
    CrossingNotFound,
    ExceptionNotFound,
    OutsideHorizon,
)
from kezek.crossings.schemas import (
    AvailabilityOut,
    CapacityRuleIn,
    CapacityRuleOut,
    CrossingOut,
    CrossingSettingsIn,
    CrossingSummary,
    DirectionOut,
    ExceptionIn,
    ExceptionOut,
    Names,
    WeeklyHoursOut,
    WeeklyHoursReplace,
)
from kezek.deps import AdminUser, DbSession
from kezek.errors import AppError, Forbidden, NotAuthenticated, error_responses
from kezek.models.crossing import Crossing, Direction, DirectionKind

router = APIRouter(prefix="/api/v1/crossings", tags=["crossings"])

ADMIN_ERRORS = (NotAuthenticated, Forbidden, CrossingNotFound)

# The answer to a change of hours or capacity says what it did to the bookings that no longer fit.
MOVED_HEADER, CANCELLED_HEADER = "Kezek-Bookings-Moved", "Kezek-Bookings-Cancelled"


def rebooking_responses(success: int, *errors: type[AppError]) -> dict[int | str, dict[str, Any]]:
    """The `responses=` of an admin change: its refusals, and the two headers on success."""
    header = {"schema": {"type": "integer", "minimum": 0}}
    headers = {
        MOVED_HEADER: {**header, "description": "bookings moved to the nearest free slot"},
        CANCELLED_HEADER: {**header, "description": "bookings cancelled with fees refunded"},
    }
    return {**error_responses(*errors), success: {"headers": headers}}


def rebook(session: DbSession, crossing: Crossing, response: Response) -> DropTally:
    """Move or cancel the bookings a change left without a place, and say how many."""
    tally = apply_capacity_drops(session, crossing=crossing)
    response.headers[MOVED_HEADER] = str(tally.moved)
    response.headers[CANCELLED_HEADER] = str(tally.cancelled)
    return tally


def summary(crossing: Crossing) -> CrossingSummary:
    return CrossingSummary(
        code=crossing.code,
        names=Names(
            en=crossing.name_en, ru=crossing.name_ru, kk=crossing.name_kk, zh=crossing.name_zh
        ),
        neighbour_name=crossing.neighbour_name,
        neighbour_name_zh=crossing.neighbour_name_zh,
        country=crossing.country,
        neighbour_country=crossing.neighbour_country,
        timezone=crossing.timezone,
        booking_horizon_days=crossing.booking_horizon_days,
        booking_lead_minutes=crossing.booking_lead_minutes,
        is_active=crossing.is_active,
    )


def direction_out(direction: Direction) -> DirectionOut:
    return DirectionOut(
        kind=DirectionKind(direction.kind),
        from_country=direction.from_country,
        to_country=direction.to_country,
        weekly_hours=[
            WeeklyHoursOut(weekday=w.weekday, open_hour=w.open_hour, close_hour=w.close_hour)
            for w in direction.weekly_hours
        ],
        exceptions=[ExceptionOut.model_validate(e) for e in direction.exceptions],
        capacity_rules=[CapacityRuleOut.model_validate(r) for r in direction.capacity_rules],
    )


def detail(crossing: Crossing) -> CrossingOut:
    return CrossingOut(
        **summary(crossing).model_dump(),
        notes=crossing.notes,
        directions=[direction_out(d) for d in crossing.directions],
    )


@router.get("", response_model=list[CrossingSummary], summary="List crossing points")
def list_crossings(session: DbSession) -> list[CrossingSummary]:
    return [summary(c) for c in service.list_crossings(session)]


@router.get("/{code}", response_model=CrossingOut, responses=error_responses(CrossingNotFound))
def get_crossing(code: str, session: DbSession) -> CrossingOut:
    """A crossing with its directions, weekly hours, exceptions and capacity rules."""
    return detail(service.get_crossing(session, code=code))


@router.get(
    "/{code}/availability",
    response_model=AvailabilityOut,
    responses=error_responses(CrossingNotFound, OutsideHorizon, CategoryNotServed),
)
def availability(
    code: str,
    session: DbSession,
    direction: DirectionKind,
    from_: Annotated[
        date | None, Query(alias="from", description="First date; default today")
    ] = None,
    days: Annotated[int, Query(ge=1, le=service.MAX_AVAILABILITY_DAYS)] = 14,
    category: Annotated[str, Query(pattern=r"^(truck|car|bus)$")] = "truck",
) -> AvailabilityOut:
    """Capacity, booked and free places per date and hour (times in the crossing's zone)."""
    crossing = service.get_crossing(session, code=code)
    return service.availability(
        session, crossing=crossing, kind=direction, start=from_, days=days, category=category
    )


@router.patch(
    "/{code}", response_model=CrossingOut, responses=rebooking_responses(200, *ADMIN_ERRORS)
)
def update_settings(
    code: str, body: CrossingSettingsIn, session: DbSession, response: Response, _: AdminUser
) -> CrossingOut:
    """Booking horizon, lead time, notes, active flag (admin). None of them takes places, so
    the Kezek-Bookings-* headers say 0; they are there like on every admin change."""
    crossing = service.get_crossing(session, code=code)
    changed = service.update_settings(session, crossing=crossing, data=body)
    rebook(session, crossing, response)
    return detail(changed)


@router.put(
    "/{code}/directions/{direction}/hours",
    response_model=DirectionOut,
    responses=rebooking_responses(200, *ADMIN_ERRORS),
)
def replace_hours(
    code: str,
    direction: DirectionKind,
    body: WeeklyHoursReplace,
    session: DbSession,
    response: Response,
    _: AdminUser,
) -> DirectionOut:
    """Replace the weekly hours of a direction; a weekday left out is closed (admin). Bookings
    in hours that close move to the nearest free hour or are cancelled and refunded; the
    Kezek-Bookings-Moved and Kezek-Bookings-Cancelled headers say how many."""
    crossing = service.get_crossing(session, code=code)
    changed = service.replace_weekly_hours(
        session, crossing=crossing, kind=direction, days=body.days
    )
    rebook(session, crossing, response)
    return direction_out(changed)


@router.post(
    "/{code}/directions/{direction}/exceptions",
    response_model=ExceptionOut,
    status_code=status.HTTP_201_CREATED,
    responses=rebooking_responses(201, *ADMIN_ERRORS),
)
def add_exception(
    code: str,
    direction: DirectionKind,
    body: ExceptionIn,
    session: DbSession,
    response: Response,
    _: AdminUser,
) -> ExceptionOut:
    """A closure, other hours or an extension for a date or a period (admin). Bookings left
    without a place are moved or cancelled (see the Kezek-Bookings-* headers)."""
    crossing = service.get_crossing(session, code=code)
    exc = service.add_exception(session, crossing=crossing, kind=direction, data=body)
    rebook(session, crossing, response)
    return ExceptionOut.model_validate(exc)


@router.delete(
    "/{code}/exceptions/{exception_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=rebooking_responses(204, *ADMIN_ERRORS, ExceptionNotFound),
)
def delete_exception(
    code: str, exception_id: int, session: DbSession, response: Response, _: AdminUser
) -> None:
    """Remove an exception (admin); removing an extension can leave bookings without a place
    (see the Kezek-Bookings-* headers)."""
    crossing = service.get_crossing(session, code=code)
    service.delete_exception(session, crossing=crossing, exception_id=exception_id)
    rebook(session, crossing, response)


@router.post(
    "/{code}/directions/{direction}/capacity",
    response_model=CapacityRuleOut,
    status_code=status.HTTP_201_CREATED,
    responses=rebooking_responses(201, *ADMIN_ERRORS),
)
def add_capacity_rule(
    code: str,
    direction: DirectionKind,
    body: CapacityRuleIn,
    session: DbSession,
    response: Response,
    _: AdminUser,
) -> CapacityRuleOut:
    """Daily capacity of a category from a date on, with optional explicit hours (admin).
    Bookings beyond a lowered capacity are moved or cancelled (see the Kezek-Bookings-*
    headers)."""
    crossing = service.get_crossing(session, code=code)
    rule = service.add_capacity_rule(session, crossing=crossing, kind=direction, data=body)
    rebook(session, crossing, response)
    return CapacityRuleOut.model_validate(rule)
