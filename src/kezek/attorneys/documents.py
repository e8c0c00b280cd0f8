"""The signed document of an attorney, its canonical form, and what verification concludes.

Canonical form (the bytes the service key signs): the document as JSON with keys sorted at every
level, no whitespace (separators "," and ":"), non-ASCII letters written as themselves (not
\\u escapes), encoded as UTF-8. Any JSON text that parses to the same object has the same
canonical form, so a document printed with \\u escapes (the PDF) still verifies.
"""

import enum
import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from kezek.models.attorney import Attorney
from kezek.models.party import Party
from kezek.models.vehicle import Vehicle

DOCUMENT_TYPE = "kezek.power-of-attorney"
DOCUMENT_VERSION = 1
TIMEZONE = "Asia/Almaty"  # valid_from and valid_to are calendar days there, both inclusive


def canonical_bytes(document: dict[str, Any]) -> bytes:
    """THE canonical form: sorted keys, no whitespace, UTF-8 (see the module's docstring)."""
    return json.dumps(
        document, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def party_entry(party: Party) -> dict[str, str]:
    entry = {"kind": party.kind, "name": party.full_name}
    if party.bin:
        entry["bin"] = party.bin
    if party.iin:
        entry["iin"] = party.iin
    elif party.passport_number:
        entry["passport"] = f"{party.passport_country} {party.passport_number}"
    return entry


def build_document(
    *,
    public_id: str,
    owner: Party,
    intermediary: Party,
    vehicles: list[Vehicle] | None,
    valid_from: date,
    valid_to: date,
    scopes: list[str],
    issued_at: str,
) -> dict[str, Any]:
    """The document's content; `vehicles` None means the whole fleet (also vehicles added
    later)."""
    return {
        "type": DOCUMENT_TYPE,
        "version": DOCUMENT_VERSION,
        "id": public_id,
        "owner": party_entry(owner),
        "intermediary": party_entry(intermediary),
        "vehicles": "whole_fleet"
        if vehicles is None
        else [{"id": v.id, "plate": v.plate, "vin": v.vin} for v in vehicles],
        "valid_from": valid_from.isoformat(),
        "valid_to": valid_to.isoformat(),
        "timezone": TIMEZONE,
        "scopes": sorted(scopes),
        "issued_at": issued_at,
    }


def row_matches_document(attorney: Attorney, document: dict[str, Any]) -> bool:
    """Whether the row's working columns still say what the signed document says."""
    vehicles = document.get("vehicles")
    listed = [] if vehicles == "whole_fleet" else [v.get("id") for v in vehicles or []]
    return (
        document.get("id") == attorney.public_id
        and attorney.whole_fleet == (vehicles == "whole_fleet")
        and sorted(attorney.vehicle_ids) == sorted(listed)
        and document.get("valid_from") == attorney.valid_from.isoformat()
        and document.get("valid_to") == attorney.valid_to.isoformat()
        and document.get("scopes") == sorted(attorney.scopes)
        and document.get("owner") == party_entry(attorney.owner)
        and document.get("intermediary") == party_entry(attorney.intermediary)
    )


class Status(enum.StrEnum):
    VALID = "valid"
    NOT_YET_VALID = "not_yet_valid"
    EXPIRED = "expired"
    REVOKED = "revoked"
    FORGED = "forged"


@dataclass(frozen=True)
class Verdict:
    """What verification concludes, with the reason (a stable code) and the document."""

    status: Status
    reason: str
    attorney: Attorney | None = None
    document: dict[str, Any] | None = None


def status_on(attorney: Attorney, today: date) -> tuple[Status, str]:
    """The status of a genuine attorney on `today` (Asia/Almaty)."""
    if attorney.revoked_at is not None:
        return Status.REVOKED, "revoked_by_owner"
    if today < attorney.valid_from:
        return Status.NOT_YET_VALID, "before_valid_from"
    if today > attorney.valid_to:
        return Status.EXPIRED, "after_valid_to"
    return Status.VALID, "signature_valid_and_in_period"


def mask_national_id(value: str) -> str:
    """All but the last 4 characters hidden: enough for an officer to compare with a passport."""
    visible = value[-4:]
    return "•" * max(len(value) - 4, 0) + visible


def masked_document(document: dict[str, Any]) -> dict[str, Any]:
    """The document for the public: the intermediary's and owner's person ids masked."""
    masked = json.loads(json.dumps(document))
    for role in ("owner", "intermediary"):
        entry = masked.get(role)
        if isinstance(entry, dict):
            for key in ("iin", "passport"):
                if key in entry:
                    entry[key] = mask_national_id(str(entry[key]))
    return masked
