"""The outbox: one row per message to a party, written in the transaction of its cause.

Delivery (e-mail, SMS) comes with a later issue; it reads the rows with sent_at unset. The
event_key is unique, so a retried cause never notifies twice.
"""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from kezek.booking.authorization import acting_party_ids
from kezek.db import utcnow
from kezek.models.booking import OutboxMessage
from kezek.models.party import User


def notify(
    session: Session,
    *,
    party_id: int,
    kind: str,
    event_key: str,
    payload: dict[str, Any],
    now: datetime | None = None,
) -> None:
    """Queue a message for `party_id`; a second call with the same event_key adds nothing."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    session.execute(
        insert(OutboxMessage)
        .values(
            event_key=event_key,
            party_id=party_id,
            kind=kind,
            payload=payload,
            created_at=now or utcnow(),
        )
        .on_conflict_do_nothing(index_elements=["event_key"])
    )


def messages_for(
    session: Session, *, user: User, limit: int = 50, offset: int = 0
) -> Sequence[OutboxMessage]:
    """Messages to the parties the user acts for, newest first."""
    return session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.party_id.in_(acting_party_ids(session, user=user)))
        .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
        .limit(limit)
        .offset(offset)
    ).all()
