"""Verifying attorneys: a stored one by id, or a document someone presents with its signature.

Outcomes (Status): valid, not_yet_valid, expired, revoked, or forged. Forged wins over
everything: the signature does not verify under the service key, the stored row no longer
agrees with its signed document (an edited row), or a presented document is not the one we
issued under that id. Reasons are stable codes (see docs/attorneys.md).
"""

import json
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kezek.attorneys.documents import Status, Verdict, canonical_bytes, row_matches_document
from kezek.attorneys.documents import status_on as _status_on
from kezek.attorneys.service import almaty_today
from kezek.attorneys.signing import ServiceKey
from kezek.models.attorney import Attorney


def by_public_id(session: Session, public_id: str) -> Attorney | None:
    return session.scalar(select(Attorney).where(Attorney.public_id == public_id))


def verify_stored(attorney: Attorney, *, key: ServiceKey, today: date | None = None) -> Verdict:
    """Re-check the stored document's signature and its agreement with the row, then the
    dates and revocation."""
    document = _parsed(attorney.document)
    if document is None or not key.verifies(attorney.document.encode("utf-8"), attorney.signature):
        return Verdict(Status.FORGED, "signature_invalid", attorney, document)
    if canonical_bytes(document) != attorney.document.encode("utf-8"):
        return Verdict(Status.FORGED, "not_canonical", attorney, document)
    if not row_matches_document(attorney, document):
        return Verdict(Status.FORGED, "record_altered", attorney, document)
    status, reason = _status_on(attorney, today or almaty_today())
    return Verdict(status, reason, attorney, document)


def verify_presented(
    session: Session, *, text: str, signature: str, key: ServiceKey, today: date | None = None
) -> Verdict:
    """A document as presented (JSON text, any spacing or escapes) and its signature: forged
    unless the signature verifies over its canonical form and we issued exactly that document."""
    document = _parsed(text)
    if document is None:
        return Verdict(Status.FORGED, "document_unreadable")
    if not key.verifies(canonical_bytes(document), signature):
        return Verdict(Status.FORGED, "signature_invalid", document=document)
    public_id = document.get("id")
    attorney = by_public_id(session, public_id) if isinstance(public_id, str) else None
    if attorney is None:
        return Verdict(Status.FORGED, "unknown_document", document=document)
    if attorney.document.encode("utf-8") != canonical_bytes(document):
        return Verdict(Status.FORGED, "differs_from_issued", attorney, document)
    return verify_stored(attorney, key=key, today=today)


def _parsed(text: str) -> dict[str, Any] | None:
    try:
        value = json.loads(text, parse_constant=_reject_constant)
    except (ValueError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")  # NaN and Infinity have no canonical form
