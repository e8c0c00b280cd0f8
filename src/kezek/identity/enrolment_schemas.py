"""What the document and duplicate-review APIs read and answer."""

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field


class DocumentOut(BaseModel):
    document_id: int
    face_box: list[int] = Field(
        description="The face on the photo as it was analysed (upright, at most 1024 px on its "
        "long side): left, top, right, bottom",
        examples=[[212, 140, 398, 326]],
    )
    identity_status: str = Field(
        description="unverified until the camera check passes against this photo; a replaced "
        "photo makes a verified identity unverified again"
    )
    duplicates_flagged: int = Field(
        description="How many other identities have a matching face; each opens a review for "
        "an analyst (the upload is not refused)"
    )


class ReviewPerson(BaseModel):
    person_id: int
    full_name: str
    national_id: str
    document_id: int
    identity_status: str


class ReviewOut(BaseModel):
    id: int
    status: str = Field(description="open, different_people or same_person")
    distance: float = Field(description="Distance of the two faces (smaller is closer)")
    newer: ReviewPerson = Field(description="Who enrolled the matching face last")
    other: ReviewPerson = Field(description="Who had enrolled it before")
    created_at: datetime
    resolved_at: datetime | None
    resolution_note: str | None


class DecisionIn(BaseModel):
    outcome: Literal["different_people", "same_person"] = Field(
        description="same_person rejects the newer identity; different_people clears the match"
    )
    note: str | None = Field(default=None, max_length=500)
