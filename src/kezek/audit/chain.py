"""Hashing of footprints: pure functions, shared by the writer and the verifier."""

import hashlib
import json
from datetime import datetime
from typing import Any


def canonical_json(value: Any) -> str:
    """One text for one value: sorted keys, no spaces, UTF-8 kept as is."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def record_hash(
    *,
    seq: int,
    at: datetime,
    actor_user_id: int | None,
    actor_login: str | None,
    on_behalf_of: int | None,
    action: str,
    outcome: str,
    object_type: str | None,
    object_id: str | None,
    ip: str | None,
    user_agent: str | None,
    device_id: str | None,
    payload: str,
    prev_hash: str,
) -> str:
    fields = {
        "seq": seq,
        "at": at.isoformat(timespec="microseconds"),
        "actor_user_id": actor_user_id,
        "actor_login": actor_login,
        "on_behalf_of": on_behalf_of,
        "action": action,
        "outcome": outcome,
        "object_type": object_type,
        "object_id": object_id,
        "ip": ip,
        "user_agent": user_agent,
        "device_id": device_id,
        "payload": payload,
        "prev_hash": prev_hash,
    }
    return hashlib.sha256(canonical_json(fields).encode()).hexdigest()
