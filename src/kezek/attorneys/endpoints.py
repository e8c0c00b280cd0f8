"""Attorneys API: grant, list, read, revoke, verify (public), print.

A grant is confirmed by a fresh passed camera check of the caller, named in the body
(`confirmation.verification_id`; kezek.attorneys.confirmation): even with a valid token, so a
stolen token alone cannot hand a fleet to someone. Without one it is `reauth_required`.
"""

from typing import Annotated

from fastapi import APIRouter, Depends, Request, status
from fastapi.responses import JSONResponse, Response

from kezek.attorneys import issuing
from kezek.attorneys.confirmation import confirming_check
from kezek.attorneys.documents import Status, Verdict, masked_document, status_on
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
from kezek.attorneys.printing import attorney_pdf
from kezek.attorneys.schemas import (
    AttorneyIn,
    AttorneyListOut,
    AttorneyOut,
    PartyOut,
    PresentedDocument,
    PublicKeyOut,
    VerificationOut,
)
from kezek.attorneys.service import almaty_today
from kezek.attorneys.signing import ServiceKey
from kezek.attorneys.verification import by_public_id, verify_presented, verify_stored
from kezek.deps import AppSettings, CurrentUser, DbSession, require_roles
from kezek.errors import AppError, Busy, Forbidden, NotAuthenticated, error_responses
from kezek.idempotency import (
    IdempotencyInProgress,
    IdempotencyKeyHeader,
    IdempotencyKeyReused,
    request_fingerprint,
    run_idempotent,
)
from kezek.models.attorney import Attorney
from kezek.models.party import Party, Role, User

router = APIRouter(prefix="/api/v1/attorneys", tags=["attorneys"])

Grantor = Annotated[User, require_roles(Role.CARRIER, Role.ADMIN)]
GRANT_ERRORS = (
    ReauthRequired,
    IdempotencyKeyReused,
    IdempotencyInProgress,
    Busy,
    NotOwner,
    IntermediaryNotFound,
    IntermediaryNotVerified,
    IntermediaryIsOwner,
    VehicleNotOwned,
    VehiclesRequired,
    InvalidPeriod,
)


def service_key(request: Request) -> ServiceKey:
    return request.app.state.signing_key.get()


Key = Annotated[ServiceKey, Depends(service_key)]
Fingerprint = Annotated[str, Depends(request_fingerprint)]


def verify_url(request: Request, public_id: str) -> str:
    base = request.app.state.settings.public_base_url or str(request.base_url)
    return f"{base.rstrip('/')}/attorneys/{public_id}/verify"


def party_out(party: Party) -> PartyOut:
    return PartyOut(
        id=party.id, kind=party.kind, name=party.full_name, national_id=party.national_id
    )


def attorney_out(request: Request, attorney: Attorney) -> AttorneyOut:
    return AttorneyOut(
        id=attorney.public_id,
        status=status_on(attorney, almaty_today())[0],
        owner=party_out(attorney.owner),
        intermediary=party_out(attorney.intermediary),
        whole_fleet=attorney.whole_fleet,
        vehicle_ids=attorney.vehicle_ids,
        valid_from=attorney.valid_from,
        valid_to=attorney.valid_to,
        scopes=attorney.scopes,
        issued_at=attorney.issued_at,
        revoked_at=attorney.revoked_at,
        document=attorney.document,
        signature=attorney.signature,
        key_id=attorney.key_id,
        verification_url=verify_url(request, attorney.public_id),
    )


@router.get("/public-key", response_model=PublicKeyOut)
def public_key(key: Key) -> PublicKeyOut:
    """The service's Ed25519 public key, to check attorney signatures offline."""
    return PublicKeyOut(key_id=key.key_id, pem=key.public_pem(), raw_base64=key.public_b64())


@router.post(
    "",
    response_model=AttorneyOut,
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(NotAuthenticated, Forbidden, *GRANT_ERRORS),
)
def grant_attorney(
    request: Request,
    body: AttorneyIn,
    session: DbSession,
    user: Grantor,
    key: Key,
    settings: AppSettings,
    fingerprint: Fingerprint,
    idempotency_key: IdempotencyKeyHeader = None,
) -> JSONResponse:
    """Grant a power of attorney, confirmed by a fresh camera check of the caller.

    `confirmation.verification_id` names a passed check of the caller's own person (POST
    /api/v1/identity/challenges, then POST /api/v1/identity/verifications) made at most
    `KEZEK_ATTORNEY_CONFIRMATION_SECONDS` (default 300 s) ago and not used by another grant:
    each check confirms one grant. Otherwise 403 `reauth_required`. With an Idempotency-Key, a
    retry of the same request returns the same attorney."""

    def issue() -> AttorneyOut:
        verification_id = body.confirmation.verification_id if body.confirmation else None
        check = confirming_check(
            session, user=user, verification_id=verification_id, settings=settings
        )
        attorney = issuing.grant(session, user=user, data=body, key=key, confirmation=check)
        return attorney_out(request, attorney)

    try:
        return run_idempotent(
            session,
            user_id=user.id,
            key=idempotency_key,
            fingerprint=fingerprint,
            status_code=201,
            action=issue,
        )
    except AppError as err:
        err.audit_action = "attorney.grant"
        err.audit_payload = {"vehicle_ids": body.vehicle_ids[:50], "whole_fleet": body.whole_fleet}
        raise


@router.get("", response_model=AttorneyListOut, responses=error_responses(NotAuthenticated))
def list_attorneys(request: Request, session: DbSession, user: CurrentUser) -> AttorneyListOut:
    """The attorneys I (or my companies) gave, and those I received."""
    given, received = issuing.given_and_received(session, user=user)
    return AttorneyListOut(
        given=[attorney_out(request, a) for a in given],
        received=[attorney_out(request, a) for a in received],
    )


@router.post(
    "/verification",
    response_model=VerificationOut,
    responses=error_responses(),
)
def verify_document(body: PresentedDocument, session: DbSession, key: Key) -> VerificationOut:
    """Public: check a presented document and signature (typed from the PDF, or scanned)."""
    verdict = verify_presented(session, text=body.document, signature=body.signature, key=key)
    return _verification_out(verdict)


@router.get(
    "/{public_id}",
    response_model=AttorneyOut,
    responses=error_responses(NotAuthenticated, AttorneyNotFound),
)
def get_attorney(
    request: Request, public_id: str, session: DbSession, user: CurrentUser
) -> AttorneyOut:
    return attorney_out(request, issuing.visible_to(session, user=user, public_id=public_id))


@router.post(
    "/{public_id}/revoke",
    response_model=AttorneyOut,
    responses=error_responses(NotAuthenticated, AttorneyNotFound, NotOwner, AlreadyRevoked, Busy),
)
def revoke_attorney(
    request: Request, public_id: str, session: DbSession, user: CurrentUser
) -> AttorneyOut:
    """Revoke at once: the intermediary's next request is refused (attorney_revoked)."""
    try:
        attorney = issuing.revoke(session, user=user, public_id=public_id)
    except AppError as err:
        err.audit_action = "attorney.revoke"
        err.audit_payload = {"attorney": public_id[:36]}
        raise
    return attorney_out(request, attorney)


@router.get(
    "/{public_id}/verification",
    response_model=VerificationOut,
    responses=error_responses(AttorneyNotFound),
)
def verification(public_id: str, session: DbSession, key: Key) -> VerificationOut:
    """Public, no login: the status of an attorney, re-verifying its stored signature."""
    attorney = by_public_id(session, public_id)
    if attorney is None:
        raise AttorneyNotFound("No power of attorney has this id.")
    return _verification_out(verify_stored(attorney, key=key))


@router.get(
    "/{public_id}/pdf",
    response_class=Response,
    responses={
        200: {"content": {"application/pdf": {}}, "description": "The printable attorney"},
        **error_responses(NotAuthenticated, AttorneyNotFound),
    },
)
def attorney_pdf_file(
    request: Request, public_id: str, session: DbSession, user: CurrentUser, key: Key
) -> Response:
    """The printable PDF with the QR code: for the owner and the intermediary."""
    attorney = issuing.visible_to(session, user=user, public_id=public_id)
    return pdf_response(request, attorney, key)


def pdf_response(request: Request, attorney: Attorney, key: ServiceKey) -> Response:
    verdict = verify_stored(attorney, key=key)
    data = attorney_pdf(attorney, verdict, verify_url=verify_url(request, attorney.public_id))
    return Response(
        data,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="attorney-{attorney.public_id}.pdf"'
        },
    )


def _verification_out(verdict: Verdict) -> VerificationOut:
    return VerificationOut(
        status=verdict.status,
        reason=verdict.reason,
        id=verdict.attorney.public_id if verdict.attorney else None,
        checked_on=almaty_today(),
        document=masked_document(verdict.document)
        if verdict.document and verdict.status != Status.FORGED
        else None,
    )
