"""Notifications API: the signed-in user's messages."""

from typing import Annotated

from fastapi import APIRouter, Query

from kezek.deps import CurrentUser, DbSession
from kezek.errors import NotAuthenticated, error_responses
from kezek.notifications import service
from kezek.notifications.schemas import NotificationOut

router = APIRouter(prefix="/api/v1/notifications", tags=["notifications"])


@router.get("", response_model=list[NotificationOut], responses=error_responses(NotAuthenticated))
def list_notifications(
    session: DbSession,
    user: CurrentUser,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[NotificationOut]:
    """Messages to you and the companies you act for, newest first."""
    rows = service.messages_for(session, user=user, limit=limit, offset=offset)
    return [NotificationOut.model_validate(m) for m in rows]
