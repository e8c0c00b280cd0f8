"""Notifications as the API shows them."""

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict


class NotificationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    party_id: int
    kind: str
    payload: dict[str, Any]
    created_at: datetime
    sent_at: datetime | None
