"""API shapes of the attorney domain."""

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, Field, StringConstraints

from kezek.models.attorney import AttorneyScope


class IntermediaryRef(BaseModel):
    """The intermediary: an IIN, or a passport number with its country (ISO alpha-2)."""

    iin: Annotated[str, StringConstraints(pattern=r"^\d{12}$")] | None = None
    passport_number: Annotated[str, StringConstraints(min_length=3, max_length=20)] | None = None
    passport_country: Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{2}$")] | None = None


class GrantConfirmation(BaseModel):
    """How the owner confirmed the grant: a passed camera check of their own, still fresh."""

    verification_id: int = Field(
        description="The id of a passed camera check of the caller (the `id` answered by "
        "POST /api/v1/identity/verifications with decision `verified`), made at most "
        "`KEZEK_ATTORNEY_CONFIRMATION_SECONDS` (default 300 s) ago; each check confirms one "
        "grant only"
    )


class AttorneyIn(BaseModel):
    intermediary: IntermediaryRef
    owner_company_id: int | None = Field(
        default=None, description="Grant for a company I represent; my own vehicles if absent"
    )
    vehicle_ids: list[int] = Field(default_factory=list, max_length=500)
    whole_fleet: bool = Field(
        default=False, description="Every vehicle of the owner, including ones added later"
    )
    valid_from: date
    valid_to: date
    scopes: list[AttorneyScope] = Field(min_length=1, max_length=3)
    confirmation: GrantConfirmation | None = Field(
        default=None,
        description="The fresh camera check confirming the grant; without it the answer is "
        "403 reauth_required",
    )


class PartyOut(BaseModel):
    id: int
    kind: str
    name: str
    national_id: str


class AttorneyOut(BaseModel):
    id: str = Field(description="The public id (uuid4), also in the document and the QR code")
    status: str = Field(description="valid, not_yet_valid, expired or revoked")
    owner: PartyOut
    intermediary: PartyOut
    whole_fleet: bool
    vehicle_ids: list[int]
    valid_from: date
    valid_to: date
    scopes: list[str]
    issued_at: datetime
    revoked_at: datetime | None
    document: str = Field(description="The canonical JSON that was signed")
    signature: str = Field(description="Ed25519 signature of `document` (base64)")
    key_id: str
    verification_url: str


class AttorneyListOut(BaseModel):
    given: list[AttorneyOut]
    received: list[AttorneyOut]


class PublicKeyOut(BaseModel):
    algorithm: str = "Ed25519"
    key_id: str
    pem: str
    raw_base64: str


class PresentedDocument(BaseModel):
    document: str = Field(max_length=20_000, description="The document's JSON text, as printed")
    signature: str = Field(max_length=200, description="Its signature, base64")


class VerificationOut(BaseModel):
    status: str = Field(description="valid, not_yet_valid, expired, revoked or forged")
    reason: str
    id: str | None
    checked_on: date = Field(description="The day (Asia/Almaty) the status is for")
    document: dict[str, Any] | None = Field(
        description="The document, with the person ids masked but for the last 4 characters"
    )
