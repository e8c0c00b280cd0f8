"""Identity verification: document photos, selfie challenges, attempts and duplicate reviews.

Files (photos, videos) live on disk under server-generated names outside the web root; the rows
hold those names, never a user's file name. Embeddings are 128 float64 values as raw bytes.
"""

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Index, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kezek.db import Base, UTCDateTime, utcnow
from kezek.models.party import Party


class AttemptDecision(enum.StrEnum):
    VERIFIED = "verified"
    FAILED = "failed"


class ReviewStatus(enum.StrEnum):
    OPEN = "open"
    DIFFERENT_PEOPLE = "different_people"  # the analyst cleared the match
    SAME_PERSON = "same_person"  # one person behind two identities: the newer one is rejected


class IdentityDocument(Base):
    """A photo of an identity document's portrait page, with the one face found on it.

    A person may upload again (a new passport, a better photo): the latest row is the current one.
    """

    __tablename__ = "identity_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("parties.id"), index=True)
    photo_file: Mapped[str] = mapped_column(String(80), unique=True)
    media_type: Mapped[str] = mapped_column(String(20))
    face_box: Mapped[list[int]] = mapped_column(JSON)
    embedding: Mapped[bytes] = mapped_column(LargeBinary)
    model_versions: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    person: Mapped[Party] = relationship(lazy="joined")


class IdentityChallenge(Base):
    """The head turns a selfie video must show, issued by the server with a nonce and an expiry."""

    __tablename__ = "identity_challenges"

    id: Mapped[int] = mapped_column(primary_key=True)
    nonce: Mapped[str] = mapped_column(String(64), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("parties.id"), index=True)
    steps: Mapped[list[str]] = mapped_column(JSON)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class VerificationAttempt(Base):
    """One analysed selfie video: what was asked, what was measured, what was decided and why."""

    __tablename__ = "identity_attempts"
    __table_args__ = (Index("ix_identity_attempts_person_created", "person_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("parties.id"))
    challenge_id: Mapped[int] = mapped_column(ForeignKey("identity_challenges.id"), unique=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("identity_documents.id"))
    decision: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str | None] = mapped_column(String(40))
    message: Mapped[str | None] = mapped_column(String(300))
    distance: Mapped[float | None] = mapped_column(Float)
    measures: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    model_versions: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Deleted once decided unless an analyst flags the attempt before that.
    video_file: Mapped[str | None] = mapped_column(String(80))
    video_media_type: Mapped[str | None] = mapped_column(String(40))
    embedding: Mapped[bytes | None] = mapped_column(LargeBinary)
    source: Mapped[str] = mapped_column(String(10), default="browser")  # browser | api
    flagged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    flagged_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    flag_reason: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    challenge: Mapped[IdentityChallenge] = relationship(lazy="joined")
    person: Mapped[Party] = relationship(lazy="joined")


class DuplicateReview(Base):
    """A face enrolled under one identity that matches a face enrolled under another, for an
    analyst to decide. Never an automatic refusal."""

    __tablename__ = "identity_reviews"
    __table_args__ = (UniqueConstraint("document_id", "other_document_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("parties.id"), index=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("identity_documents.id"))
    other_person_id: Mapped[int] = mapped_column(ForeignKey("parties.id"))
    other_document_id: Mapped[int] = mapped_column(ForeignKey("identity_documents.id"))
    distance: Mapped[float] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(20), default=ReviewStatus.OPEN, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolved_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    resolution_note: Mapped[str | None] = mapped_column(String(500))

    person: Mapped[Party] = relationship(foreign_keys=[person_id], lazy="joined")
    other_person: Mapped[Party] = relationship(foreign_keys=[other_person_id], lazy="joined")
