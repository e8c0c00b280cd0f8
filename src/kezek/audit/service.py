"""Writing and verifying the trail.

`record()` queues a footprint on the session; it is written, chained, when that session commits,
so it lands in the same transaction as the change it records. `record_refusal()` writes at once
in a transaction of its own, because the refused request's transaction is rolled back.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, SessionTransaction

from kezek.audit.chain import canonical_json, record_hash
from kezek.audit.context import ActorContext, current_actor
from kezek.db import new_session
from kezek.models.audit import GENESIS_HASH, AuditHead, AuditRecord

PENDING_KEY = "kezek_pending_footprints"


@dataclass(frozen=True)
class Footprint:
    action: str
    outcome: str
    object_type: str | None
    object_id: str | None
    on_behalf_of: int | None
    payload: dict[str, Any]
    actor: ActorContext
    at: datetime


def record(
    session: Session,
    *,
    action: str,
    object_type: str | None = None,
    object_id: object = None,
    on_behalf_of: int | None = None,
    payload: dict[str, Any] | None = None,
    outcome: str = "ok",
) -> None:
    """Queue a footprint; it is chained and written when `session` commits."""
    if not session.in_transaction():
        # Begin now: a rollback before any SQL ran must drop this footprint too, and only a
        # begun transaction reports its rollback (see _drop_pending).
        session.begin()
    session.info.setdefault(PENDING_KEY, []).append(
        Footprint(
            action=action,
            outcome=outcome,
            object_type=object_type,
            object_id=None if object_id is None else str(object_id),
            on_behalf_of=on_behalf_of,
            payload=payload or {},
            actor=current_actor().snapshot(),
            at=datetime.now(UTC),
        )
    )


def record_refusal(
    engine: Engine | None,
    *,
    action: str,
    reason: str,
    object_type: str | None = None,
    object_id: object = None,
    payload: dict[str, Any] | None = None,
) -> None:
    """Write a refused attempt in its own transaction (the request's own is rolled back)."""
    session = new_session(engine)
    try:
        record(
            session,
            action=action,
            object_type=object_type,
            object_id=object_id,
            payload={"reason": reason, **(payload or {})},
            outcome="refused",
        )
        session.commit()
    finally:
        session.close()


def write_pending(session: Session) -> None:
    """Append the session's queued footprints to the chain (runs just before commit)."""
    pending: list[Footprint] = session.info.pop(PENDING_KEY, [])
    if not pending:
        return
    # Every writer locks the head row, so records are appended one transaction at a time and
    # the chain cannot fork; it is held only from here to the commit that follows.
    head = session.execute(
        select(AuditHead).where(AuditHead.id == 1).with_for_update()
    ).scalar_one_or_none()
    if head is None:
        head = AuditHead(id=1, seq=0, hash=GENESIS_HASH)
        session.add(head)
    for fp in pending:
        row = _chained_row(fp, seq=head.seq + 1, prev_hash=head.hash)
        session.add(row)
        head.seq, head.hash = row.seq, row.hash
    session.flush()


def _chained_row(fp: Footprint, *, seq: int, prev_hash: str) -> AuditRecord:
    fields: dict[str, Any] = {
        "seq": seq,
        "at": fp.at,
        "actor_user_id": fp.actor.user_id,
        "actor_login": fp.actor.login,
        "on_behalf_of": fp.on_behalf_of,
        "action": fp.action,
        "outcome": fp.outcome,
        "object_type": fp.object_type,
        "object_id": fp.object_id,
        # Cut to the column sizes: the client chooses these, and an over-long one would make
        # PostgreSQL refuse the footprint, and with it the change or the refusal's record.
        "ip": (fp.actor.ip or "")[:45] or None,
        "user_agent": (fp.actor.user_agent or "")[:300] or None,
        "device_id": (fp.actor.device_id or "")[:100] or None,
        "payload": canonical_json(fp.payload),
        "prev_hash": prev_hash,
    }
    return AuditRecord(**fields, hash=record_hash(**fields))


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    broken_seq: int | None = None
    reason: str | None = None


def verify_chain(session: Session, *, batch: int = 1000) -> VerifyResult:
    """Walk the whole trail in order and name the first record that does not fit."""
    expected_seq, prev_hash, checked = 1, GENESIS_HASH, 0
    for rec in _records_in_order(session, batch):
        problem = _check_record(rec, expected_seq=expected_seq, prev_hash=prev_hash)
        if problem:
            return VerifyResult(False, checked, broken_seq=rec.seq, reason=problem)
        expected_seq, prev_hash, checked = rec.seq + 1, rec.hash, checked + 1
    head = session.get(AuditHead, 1)
    last_seq = expected_seq - 1
    if head is not None and (head.seq, head.hash) != (last_seq, prev_hash):
        return VerifyResult(
            False,
            checked,
            broken_seq=last_seq + 1 if head.seq > last_seq else head.seq,
            reason=_head_mismatch(head, last_seq),
        )
    return VerifyResult(True, checked)


def _head_mismatch(head: AuditHead, last_seq: int) -> str:
    if head.seq == last_seq:  # the count agrees, the content does not
        return (
            f"record {last_seq} does not match the hash the head kept for it: "
            "the last record (or the head) was edited"
        )
    return (
        f"the trail ends at {last_seq} but its head says {head.seq}: "
        "records after it were removed or the head was edited"
    )


def _records_in_order(session: Session, batch: int) -> Iterator[AuditRecord]:
    last = 0
    while True:
        rows = session.scalars(
            select(AuditRecord).where(AuditRecord.seq > last).order_by(AuditRecord.seq).limit(batch)
        ).all()
        if not rows:
            return
        yield from rows
        last = rows[-1].seq
        session.expunge_all()


def _check_record(rec: AuditRecord, *, expected_seq: int, prev_hash: str) -> str | None:
    if rec.seq != expected_seq:
        return f"expected record {expected_seq} next but found {rec.seq}: records were removed"
    if rec.prev_hash != prev_hash:
        return "its link to the previous record is broken: records were removed or reordered"
    recomputed = record_hash(
        seq=rec.seq,
        at=rec.at,
        actor_user_id=rec.actor_user_id,
        actor_login=rec.actor_login,
        on_behalf_of=rec.on_behalf_of,
        action=rec.action,
        outcome=rec.outcome,
        object_type=rec.object_type,
        object_id=rec.object_id,
        ip=rec.ip,
        user_agent=rec.user_agent,
        device_id=rec.device_id,
        payload=rec.payload,
        prev_hash=rec.prev_hash,
    )
    if recomputed != rec.hash:
        return "its content does not match its hash: the record was edited"
    return None


def _drop_pending(session: Session, transaction: SessionTransaction) -> None:
    # However the whole transaction ends (rollback, with or without SQL run, or close), what it
    # queued goes with it; a commit has taken its footprints already. A savepoint's end keeps
    # them (to be refined when savepoints are used).
    if transaction.parent is None:
        session.info.pop(PENDING_KEY, None)


# Installed on import: whoever can queue a footprint has imported this module.
event.listen(Session, "before_commit", write_pending)
event.listen(Session, "after_transaction_end", _drop_pending)
