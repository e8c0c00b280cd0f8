"""Appeals against a compensation: the owner files one with a reason and an optional attachment;
an analyst accepts it (the unused reservation is voided and its charge refunded) or rejects it.

One open appeal per unused reservation: checked here for a clear refusal, and enforced by a
partial unique index for two filings that race. A decision flips the status with a conditional
UPDATE, so two analysts deciding at once cannot both succeed.
"""

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kezek.audit.service import record
from kezek.booking.authorization import acting_party_ids
from kezek.compensation.counting import month_has_charge, void_unused
from kezek.compensation.errors import (
    AppealDecided,
    AppealNotFound,
    AppealOpen,
    AttachmentInvalid,
    AttachmentTooLarge,
    NotCharged,
    ReasonMissing,
    UnusedNotFound,
)
from kezek.db import utcnow
from kezek.identity.storage import MediaStore
from kezek.models.compensation import Appeal, AppealStatus, UnusedReservation
from kezek.models.party import User
from kezek.notifications.service import notify
from kezek.vehicles.ownership import CERTIFICATE_TYPES, document_media_type

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_REASON_CHARS = 2000


def attachment_media_type(data: bytes) -> str:
    """The type of an attachment read from its content (JPEG, PNG or PDF), never its name."""
    return document_media_type(
        data,
        max_bytes=MAX_ATTACHMENT_BYTES,
        too_large=AttachmentTooLarge,
        invalid=AttachmentInvalid,
    )


def own_unused(session: Session, *, user: User, unused_id: int) -> UnusedReservation:
    """An unused reservation of a party the user acts for; another's is as unknown as none."""
    unused = session.get(UnusedReservation, unused_id)
    if unused is None or unused.owner_id not in acting_party_ids(session, user=user):
        raise UnusedNotFound()
    return unused


def file_appeal(
    session: Session,
    *,
    user: User,
    unused_id: int,
    reason: str,
    attachment: bytes | None,
    media: MediaStore,
) -> Appeal:
    """The owner's appeal against one of their unused reservations in a month that cost them a
    compensation: the charged one itself, or one counted before it (voided, it no longer counts
    and the month's latest charge over the threshold is refunded). Everything is
    checked before the attachment is written, and the file goes again if the row does not
    commit: a refusal stores nothing."""
    reason = _reason(reason)
    unused = own_unused(session, user=user, unused_id=unused_id)
    if unused.voided_at is not None or not month_has_charge(session, unused):
        raise NotCharged()
    if open_appeal_of(session, unused.id) is not None:
        raise AppealOpen()
    media_type = attachment_media_type(attachment) if attachment else None
    appeal = Appeal(
        unused_id=unused.id,
        owner_id=unused.owner_id,
        reason=reason,
        status=AppealStatus.OPEN,
        created_by=user.id,
        created_at=utcnow(),
    )
    try:
        with session.begin_nested():
            session.add(appeal)
            session.flush()
    except IntegrityError:  # another filing for this charge won the race
        raise AppealOpen() from None
    if attachment and media_type:
        appeal.attachment_file = media.save_in(
            session, attachment, "appeal", CERTIFICATE_TYPES[media_type]
        )
        appeal.attachment_media_type = media_type
        session.flush()
    record(
        session,
        action="compensation.appeal",
        object_type="compensation_appeal",
        object_id=appeal.id,
        on_behalf_of=unused.owner_id,
        payload={
            "unused": unused.id,
            "reference": unused.booking.reference,
            "attachment": media_type,
            "bytes": len(attachment or b""),
        },
    )
    return appeal


def decide_appeal(
    session: Session,
    *,
    appeal_id: int,
    accept: bool,
    reason: str,
    analyst: User,
    now: datetime | None = None,
) -> Appeal:
    """An analyst's decision: accepting voids the unused reservation and refunds its charge;
    rejecting leaves it charged. The owner is told either way, with the reason."""
    reason = _reason(reason)
    appeal = get_appeal(session, appeal_id)
    now = now or utcnow()
    status = AppealStatus.ACCEPTED if accept else AppealStatus.REJECTED
    flipped = session.execute(
        update(Appeal)
        .where(Appeal.id == appeal.id, Appeal.status == AppealStatus.OPEN)
        .values(status=status, decided_by=analyst.id, decided_at=now, decision_reason=reason)
        .execution_options(synchronize_session=False)
    )
    if flipped.rowcount != 1:
        raise AppealDecided()
    session.refresh(appeal)
    if accept:
        void_unused(
            session, unused_id=appeal.unused_id, reason=f"Appeal accepted: {reason}", by=analyst.id
        )
    notify(
        session,
        party_id=appeal.owner_id,
        kind=f"compensation.appeal_{status}",
        event_key=f"compensation.appeal:{appeal.id}",
        payload={"reference": appeal.unused.booking.reference, "reason": reason},
    )
    record(
        session,
        action=f"compensation.appeal_{status}",
        object_type="compensation_appeal",
        object_id=appeal.id,
        on_behalf_of=appeal.owner_id,
        payload={"unused": appeal.unused_id, "reason": reason},
    )
    return appeal


def get_appeal(session: Session, appeal_id: int) -> Appeal:
    appeal = session.get(Appeal, appeal_id)
    if appeal is None:
        raise AppealNotFound()
    return appeal


def own_appeal(session: Session, *, user: User, appeal_id: int) -> Appeal:
    """An appeal of a party the user acts for; another's is as unknown as none."""
    appeal = session.get(Appeal, appeal_id)
    if appeal is None or appeal.owner_id not in acting_party_ids(session, user=user):
        raise AppealNotFound()
    return appeal


def appeals_of(session: Session, *, user: User) -> list[Appeal]:
    """The appeals of the parties the user acts for, newest first."""
    return list(
        session.scalars(
            select(Appeal)
            .where(Appeal.owner_id.in_(acting_party_ids(session, user=user)))
            .order_by(Appeal.created_at.desc(), Appeal.id.desc())
        )
    )


def appeals_in(session: Session, status: AppealStatus = AppealStatus.OPEN) -> list[Appeal]:
    """Appeals in one status, oldest first (the analysts' queue)."""
    return list(
        session.scalars(
            select(Appeal).where(Appeal.status == status).order_by(Appeal.created_at, Appeal.id)
        )
    )


def open_appeal_of(session: Session, unused_id: int) -> Appeal | None:
    return session.scalar(
        select(Appeal).where(Appeal.unused_id == unused_id, Appeal.status == AppealStatus.OPEN)
    )


def _reason(text: str | None) -> str:
    text = (text or "").strip()
    if not text:
        raise ReasonMissing()
    return text[:MAX_REASON_CHARS]
