"""Granting, reading and revoking attorneys. Services flush; the request commits."""

import uuid
from datetime import date, timedelta

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kezek.attorneys.documents import build_document, canonical_bytes
from kezek.attorneys.errors import (
    AlreadyRevoked,
    AttorneyNotFound,
    IntermediaryIsOwner,
    IntermediaryNotFound,
    IntermediaryNotVerified,
    InvalidPeriod,
    NotOwner,
    ReauthRequired,
    VehicleNotOwned,
    VehiclesRequired,
)
from kezek.attorneys.schemas import AttorneyIn, IntermediaryRef
from kezek.attorneys.service import almaty_today
from kezek.attorneys.signing import ServiceKey
from kezek.audit.service import record
from kezek.booking.authorization import acting_party_ids
from kezek.db import utcnow
from kezek.models.attorney import Attorney
from kezek.models.identity import VerificationAttempt
from kezek.models.party import IdentityStatus, Party, PartyKind, User
from kezek.models.vehicle import Vehicle

MAX_PERIOD = timedelta(days=3 * 366)


def grant(
    session: Session,
    *,
    user: User,
    data: AttorneyIn,
    key: ServiceKey,
    confirmation: VerificationAttempt,
) -> Attorney:
    """Issue and sign an attorney from `user` (or a company they represent), confirmed by the
    passed camera check `confirmation` (kezek.attorneys.confirmation.confirming_check)."""
    owner = _owner(session, user=user, company_id=data.owner_company_id)
    intermediary = _intermediary(session, data.intermediary)
    if intermediary.id == owner.id:
        raise IntermediaryIsOwner()
    _check_period(data.valid_from, data.valid_to)
    vehicles = _vehicles(session, owner_id=owner.id, data=data)
    now = utcnow().replace(microsecond=0)
    public_id = str(uuid.uuid4())
    document = build_document(
        public_id=public_id,
        owner=owner,
        intermediary=intermediary,
        vehicles=vehicles,
        valid_from=data.valid_from,
        valid_to=data.valid_to,
        scopes=[str(s) for s in data.scopes],
        issued_at=now.isoformat(),
    )
    signed = canonical_bytes(document)
    attorney = Attorney(
        public_id=public_id,
        owner_id=owner.id,
        intermediary_id=intermediary.id,
        whole_fleet=vehicles is None,
        vehicle_ids=[v.id for v in vehicles or []],
        valid_from=data.valid_from,
        valid_to=data.valid_to,
        scopes=document["scopes"],
        issued_at=now,
        issued_by=user.id,
        document=signed.decode("utf-8"),
        signature=key.sign(signed),
        key_id=key.key_id,
        confirmation_attempt_id=confirmation.id,
    )
    session.add(attorney)
    _flush_attorney(session)
    record(
        session,
        action="attorney.grant",
        object_type="attorney",
        object_id=public_id,
        on_behalf_of=owner.id,
        payload={
            "intermediary_id": intermediary.id,
            "vehicles": document["vehicles"],
            "valid_from": document["valid_from"],
            "valid_to": document["valid_to"],
            "scopes": document["scopes"],
            "confirmation_attempt_id": confirmation.id,
        },
    )
    return attorney


def _flush_attorney(session: Session) -> None:
    """Flush, turning a lost race for the confirming check (its UNIQUE column) into the refusal
    a reused check gets: two grants confirmed by one check at the same time, one wins."""
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as err:
        if "confirmation_attempt_id" in str(err.orig):
            raise ReauthRequired(
                "This camera check confirmed another grant made at the same time; a check "
                "confirms one only. Take a new camera check."
            ) from err
        raise


def revoke(session: Session, *, user: User, public_id: str) -> Attorney:
    """Revoke at once: from this commit on, attorney_covering refuses it."""
    attorney = visible_to(session, user=user, public_id=public_id, for_update=True)
    if attorney.owner_id not in acting_party_ids(session, user=user):
        raise NotOwner()
    if attorney.revoked_at is not None:
        raise AlreadyRevoked()
    attorney.revoked_at = utcnow()
    attorney.revoked_by = user.id
    session.flush()
    record(
        session,
        action="attorney.revoke",
        object_type="attorney",
        object_id=public_id,
        on_behalf_of=attorney.owner_id,
        payload={"intermediary_id": attorney.intermediary_id},
    )
    return attorney


def visible_to(
    session: Session, *, user: User, public_id: str, for_update: bool = False
) -> Attorney:
    """The attorney if `user` gave it (for themselves or a company) or received it; not_found
    otherwise, so strangers learn nothing of its existence."""
    query = select(Attorney).where(Attorney.public_id == public_id)
    if for_update:
        # Row lock: two revocations at once must not both succeed (one gets already_revoked).
        query = query.with_for_update(of=Attorney)
    attorney = session.scalar(query)
    if attorney is None or not _is_party(session, user, attorney):
        raise AttorneyNotFound()
    return attorney


def given_and_received(session: Session, *, user: User) -> tuple[list[Attorney], list[Attorney]]:
    parties = acting_party_ids(session, user=user)
    rows = list(
        session.scalars(
            select(Attorney)
            .where(or_(Attorney.owner_id.in_(parties), Attorney.intermediary_id == user.person_id))
            .order_by(Attorney.issued_at.desc(), Attorney.id.desc())
        )
    )
    given = [a for a in rows if a.owner_id in parties]
    received = [a for a in rows if a.intermediary_id == user.person_id]
    return given, received


def _is_party(session: Session, user: User, attorney: Attorney) -> bool:
    if attorney.intermediary_id == user.person_id:
        return True
    return attorney.owner_id in acting_party_ids(session, user=user)


def _owner(session: Session, *, user: User, company_id: int | None) -> Party:
    if company_id is None:
        return user.person
    if company_id == user.person_id or company_id not in acting_party_ids(session, user=user):
        raise NotOwner(f"You do not represent company {company_id}.")
    company = session.get(Party, company_id)
    assert company is not None  # a membership row points at it
    return company


def _intermediary(session: Session, ref: IntermediaryRef) -> Party:
    if ref.iin:
        query = select(Party).where(Party.iin == ref.iin)
    elif ref.passport_number and ref.passport_country:
        query = select(Party).where(
            Party.passport_number == ref.passport_number.strip().upper(),
            Party.passport_country == ref.passport_country.upper(),
        )
    else:
        raise IntermediaryNotFound("Name the intermediary by IIN, or by passport and country.")
    person = session.scalar(query.where(Party.kind == PartyKind.PERSON))
    if person is None:
        raise IntermediaryNotFound()
    if person.identity_status != IdentityStatus.VERIFIED:
        raise IntermediaryNotVerified()
    return person


def _check_period(valid_from: date, valid_to: date) -> None:
    if valid_to < valid_from:
        raise InvalidPeriod("The period ends before it starts.")
    if valid_to < almaty_today():
        raise InvalidPeriod("The period is already over.")
    if valid_to - valid_from > MAX_PERIOD:
        raise InvalidPeriod("A power of attorney lasts at most three years.")


def _vehicles(session: Session, *, owner_id: int, data: AttorneyIn) -> list[Vehicle] | None:
    """The listed vehicles, all the owner's; None for the whole fleet."""
    if data.whole_fleet == bool(data.vehicle_ids):
        raise VehiclesRequired()
    if data.whole_fleet:
        return None
    ids = sorted(set(data.vehicle_ids))
    vehicles = list(session.scalars(select(Vehicle).where(Vehicle.id.in_(ids))))
    owned = [v for v in vehicles if v.owner_id == owner_id and v.is_active]
    if len(owned) != len(ids):
        missing = sorted(set(ids) - {v.id for v in owned})
        raise VehicleNotOwned(f"Not vehicles of the owner: {', '.join(map(str, missing))}.")
    return sorted(owned, key=lambda v: v.id)
