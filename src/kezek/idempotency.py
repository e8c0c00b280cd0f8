"""Idempotency-Key for POSTs that create or change things (as pretix does it).

The first successful answer is stored in the same transaction as the change it reports, so a
retry gets exactly that answer, never a second change. Failed requests store nothing (their
transaction is rolled back), so a retry after a refusal is tried again. The same key with
another body is a client bug (422); a retry that arrives while the first is still running
gets a retryable 409 instead of waiting or running twice.
"""

import hashlib
import json
import zlib
from collections.abc import Callable
from typing import Annotated

from fastapi import Header, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import text
from sqlalchemy.orm import Session

from kezek.errors import Conflict, InvalidInput
from kezek.models.booking import IdempotencyRecord

IdempotencyKeyHeader = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        max_length=100,
        description="Retries with the same key and body get the first answer again",
    ),
]


class IdempotencyKeyReused(InvalidInput):
    code = "idempotency_key_reused"
    message = "This Idempotency-Key was used for a different request."


class IdempotencyInProgress(Conflict):
    code = "idempotency_in_progress"
    message = "A request with this Idempotency-Key is still being processed; retry shortly."

    def __init__(self, detail: str | None = None):
        super().__init__(detail, headers={"Retry-After": "1"})


async def request_fingerprint(request: Request) -> str:
    """What makes two requests "the same": method, path and body."""
    body = await request.body()
    return hashlib.sha256(
        request.method.encode() + b" " + request.url.path.encode() + b"\n" + body
    ).hexdigest()


def run_idempotent(
    session: Session,
    *,
    user_id: int,
    key: str | None,
    fingerprint: str,
    status_code: int,
    action: Callable[[], BaseModel],
) -> JSONResponse:
    """Run `action` once per (user, key); replay its stored answer for retries."""
    if key is None:
        return JSONResponse(jsonable_encoder(action()), status_code=status_code)
    _hold_key(session, user_id=user_id, key=key)
    stored = session.get(IdempotencyRecord, (user_id, key))
    if stored is not None:
        if stored.request_hash != fingerprint:
            raise IdempotencyKeyReused(f"The Idempotency-Key {key!r} was used for another request.")
        return JSONResponse(
            json.loads(stored.response_body),
            status_code=stored.status_code,
            headers={"Idempotent-Replayed": "true"},
        )
    body = jsonable_encoder(action())
    session.add(
        IdempotencyRecord(
            user_id=user_id,
            key=key,
            request_hash=fingerprint,
            status_code=status_code,
            response_body=json.dumps(body),
        )
    )
    session.flush()
    return JSONResponse(body, status_code=status_code)


def _hold_key(session: Session, *, user_id: int, key: str) -> None:
    """On PostgreSQL, a transaction-scoped advisory lock on the key: a concurrent twin does not
    wait for it but is told to retry. SQLite's writers already run one at a time (BEGIN
    IMMEDIATE), so the twin finds the stored answer when its turn comes."""
    if session.get_bind().dialect.name != "postgresql":
        return
    lock_id = zlib.crc32(f"{user_id}:{key}".encode()) - 2**31
    got = session.execute(text("SELECT pg_try_advisory_xact_lock(42, :k)"), {"k": lock_id}).scalar()
    if not got:
        raise IdempotencyInProgress()
