"""Checkpoint API: check a vehicle in by plate; the queue of expected arrivals (operators)."""

from typing import Annotated

from fastapi import APIRouter

from kezek.checkpoint import service
from kezek.checkpoint.errors import AlreadyCheckedIn, NoBookingFound, TooEarly, TooLate
from kezek.checkpoint.schemas import ArrivalIn, ArrivalOut, QueueOut
from kezek.checkpoint.views import arrival_out
from kezek.crossings.errors import CrossingNotFound
from kezek.crossings.service import get_crossing
from kezek.db import utcnow
from kezek.deps import DbSession, require_roles
from kezek.errors import AppError, Forbidden, NotAuthenticated, error_responses
from kezek.models.crossing import DirectionKind
from kezek.models.party import Role, User

Operator = Annotated[User, require_roles(Role.OPERATOR)]
router = APIRouter(prefix="/api/v1/checkpoint", tags=["checkpoint"])


@router.post(
    "/arrivals",
    response_model=ArrivalOut,
    responses=error_responses(
        NotAuthenticated,
        Forbidden,
        CrossingNotFound,
        NoBookingFound,
        TooEarly,
        TooLate,
        AlreadyCheckedIn,
    ),
)
def check_in(body: ArrivalIn, session: DbSession, user: Operator) -> ArrivalOut:
    """Check a vehicle in against the booking whose arrival window holds now; a refusal says
    what was found for the plate (a later booking, a missed one, or none)."""
    try:
        booking = service.check_in(session, user=user, data=body)
    except AppError as err:
        err.audit_action = "checkpoint.check_in"
        err.audit_payload = body.model_dump(mode="json")
        raise
    return arrival_out(
        booking, trailer_mismatch=service.trailer_mismatch(booking, body.trailer_plate)
    )


@router.get(
    "/queue",
    response_model=QueueOut,
    responses=error_responses(NotAuthenticated, Forbidden, CrossingNotFound),
)
def queue(crossing: str, direction: DirectionKind, session: DbSession, _: Operator) -> QueueOut:
    """Expected arrivals of the current and next hour, and of the hours whose arrival window
    closed recently, with their status (active, checked in, no-show)."""
    now = utcnow()
    found = get_crossing(session, code=crossing)
    first, until, rows = service.expected_arrivals(session, crossing=found, kind=direction, now=now)
    return QueueOut(
        crossing=found.code,
        direction=direction,
        now=now,
        until=until,
        arrivals=[arrival_out(b) for b in rows],
    )
