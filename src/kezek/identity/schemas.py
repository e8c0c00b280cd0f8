"""What the camera-check API reads and answers."""

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field


class ChallengeOut(BaseModel):
    nonce: str = Field(description="Send it back with the video that answers this challenge")
    steps: list[str] = Field(
        description="Head turns to make, in this order, back to the front between them: the "
        "person's own left/right (mirror-like: turn as if looking over that shoulder)",
        examples=[["left", "right", "left"]],
    )
    issued_at: datetime
    expires_at: datetime


class AttemptOut(BaseModel):
    id: int
    decision: str = Field(description="verified or failed")
    reason: str | None = Field(description="Why it failed: a stable code, e.g. no_head_turn")
    message: str | None = Field(description="The reason for a person to read")
    distance: float | None = Field(description="Face distance to the document photo")
    identity_status: str
    failures_in_a_row: int
    locked_until: datetime | None
    created_at: datetime


class AttemptDetailOut(AttemptOut):
    person_id: int
    steps: list[str]
    source: str
    measures: dict[str, Any]
    model_versions: dict[str, Any]
    video_kept: bool
    flagged_at: datetime | None
    flag_reason: str | None


class DocumentSummary(BaseModel):
    id: int
    uploaded_at: datetime


class IdentityOut(BaseModel):
    identity_status: str
    document: DocumentSummary | None
    challenge: ChallengeOut | None = Field(description="The open challenge, if one was issued")
    failures_in_a_row: int
    attempts_before_lockout: int
    locked_until: datetime | None
    last_attempt: AttemptOut | None


class FlagIn(BaseModel):
    reason: str = Field(min_length=3, max_length=300)
