"""The compensation API: owners read their month and appeal a charge; analysts decide appeals
and read the reports; admins set the policy (a new version each time)."""

from dataclasses import asdict
from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, File, Form, Query, Response, UploadFile, status
from sqlalchemy.orm import Session

from kezek.clock import almaty_month
from kezek.compensation import appeals as service
from kezek.compensation import reports
from kezek.compensation.errors import (
    AlreadyVoided,
    AppealDecided,
    AppealNotFound,
    AppealOpen,
    AttachmentInvalid,
    AttachmentTooLarge,
    NotCharged,
    PolicyRetroactive,
    ReasonMissing,
    UnusedNotFound,
)
from kezek.compensation.policy import PolicyTerms, policy_in_force, policy_versions, set_policy
from kezek.compensation.schemas import (
    AppealDecision,
    AppealDecisionIn,
    AppealOut,
    CounterOut,
    FrequentOwnerOut,
    FrequentVehicleOut,
    MonthTotalOut,
    MyCompensationOut,
    OverThresholdOut,
    PolicyHistoryOut,
    PolicyIn,
    PolicyOut,
    RepeatOffenderOut,
    UnusedOut,
)
from kezek.crossings.errors import CrossingNotFound
from kezek.crossings.service import get_crossing
from kezek.db import utcnow
from kezek.deps import AdminUser, DbSession, Media, require_roles
from kezek.errors import Forbidden, NotAuthenticated, error_responses
from kezek.ledger.money import to_kzt
from kezek.models.compensation import Appeal, AppealStatus, CompensationPolicy
from kezek.models.crossing import Crossing
from kezek.models.party import Role, User
from kezek.vehicles.ownership import CERTIFICATE_TYPES

router = APIRouter(prefix="/api/v1/compensation", tags=["compensation"])
admin_router = APIRouter(prefix="/api/v1/admin", tags=["admin"])

Owner = Annotated[User, require_roles(Role.CARRIER, Role.DRIVER, Role.INTERMEDIARY)]
Analyst = Annotated[User, require_roles(Role.ANALYST)]
OWNER_OR_ANALYST = require_roles(Role.CARRIER, Role.DRIVER, Role.INTERMEDIARY, Role.ANALYST)
OwnerOrAnalyst = Annotated[User, OWNER_OR_ANALYST]
ATTACHMENT_TYPES = {"image/jpeg": {}, "image/png": {}, "application/pdf": {}}


# --- owners ---------------------------------------------------------------------------------


@router.get(
    "/me", response_model=MyCompensationOut, responses=error_responses(NotAuthenticated, Forbidden)
)
def my_compensation(
    session: DbSession,
    user: Owner,
    month: Annotated[
        date | None, Query(description="Any day of the month to show; this Almaty month if omitted")
    ] = None,
) -> MyCompensationOut:
    """My month per party I act for ("4 of 10 used", charged this month), and the unused
    reservations of that month with their charge, refund, voiding and appeal."""
    month = month.replace(day=1) if month else almaty_month()
    months = reports.party_months(session, reports.parties_of(session, user), month=month)
    return MyCompensationOut(
        month=month,
        counters=[
            CounterOut(
                party_id=m.party.id,
                party_name=m.party.full_name,
                month=m.counter.month,
                used=m.counter.used,
                threshold=m.counter.threshold,
                charged_kzt=str(to_kzt(m.counter.charged_kzt)),
            )
            for m in months
        ],
        unused=[unused_out(line) for m in months for line in m.unused],
    )


@router.post(
    "/unused/{unused_id}/appeals",
    response_model=AppealOut,
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(
        NotAuthenticated,
        Forbidden,
        UnusedNotFound,
        NotCharged,
        AppealOpen,
        ReasonMissing,
        AttachmentInvalid,
        AttachmentTooLarge,
    ),
)
def file_appeal(
    unused_id: int,
    session: DbSession,
    user: Owner,
    media: Media,
    reason: Annotated[str, Form(max_length=2000, description="Why the charge is wrong")],
    attachment: Annotated[
        UploadFile | None,
        File(description="Optional evidence: JPEG, PNG or PDF (read from the content), 10 MB"),
    ] = None,
) -> AppealOut:
    """Appeal the compensation charged for one of my unused reservations. Only a charge that
    was not refunded, and one open appeal at a time."""
    data = _read_upload(attachment)
    appeal = service.file_appeal(
        session, user=user, unused_id=unused_id, reason=reason, attachment=data, media=media
    )
    return appeal_out(session, appeal)


@router.get(
    "/appeals",
    response_model=list[AppealOut],
    responses=error_responses(NotAuthenticated, Forbidden),
)
def my_appeals(session: DbSession, user: Owner) -> list[AppealOut]:
    """The appeals of the parties I act for, newest first."""
    return [appeal_out(session, a) for a in service.appeals_of(session, user=user)]


# --- analysts -------------------------------------------------------------------------------


@router.get(
    "/appeals/queue",
    response_model=list[AppealOut],
    responses=error_responses(NotAuthenticated, Forbidden),
)
def appeal_queue(
    session: DbSession,
    user: Analyst,
    status: Annotated[
        AppealStatus, Query(description="open (the default), accepted or rejected")
    ] = AppealStatus.OPEN,
) -> list[AppealOut]:
    """Appeals in one status, oldest first (analysts)."""
    return [appeal_out(session, a) for a in service.appeals_in(session, status)]


@router.get(
    "/appeals/{appeal_id}",
    response_model=AppealOut,
    responses=error_responses(NotAuthenticated, Forbidden, AppealNotFound),
)
def read_appeal(appeal_id: int, session: DbSession, user: OwnerOrAnalyst) -> AppealOut:
    """One appeal: my own, or any for an analyst."""
    return appeal_out(session, _visible_appeal(session, user, appeal_id))


@router.get(
    "/appeals/{appeal_id}/attachment",
    responses={
        200: {"content": ATTACHMENT_TYPES},
        **error_responses(NotAuthenticated, Forbidden, AppealNotFound),
    },
)
def read_attachment(
    appeal_id: int, session: DbSession, user: OwnerOrAnalyst, media: Media
) -> Response:
    """The appeal's attachment: for its owner and for analysts."""
    appeal = _visible_appeal(session, user, appeal_id)
    if not appeal.attachment_file or not appeal.attachment_media_type:
        raise AppealNotFound("This appeal has no attachment.")
    extension = CERTIFICATE_TYPES.get(appeal.attachment_media_type, "bin")
    return Response(
        media.read(appeal.attachment_file),
        media_type=appeal.attachment_media_type,
        headers={
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
            "Content-Disposition": f'inline; filename="appeal-{appeal.id}.{extension}"',
        },
    )


@router.post(
    "/appeals/{appeal_id}/decision",
    response_model=AppealOut,
    responses=error_responses(
        NotAuthenticated, Forbidden, AppealNotFound, AppealDecided, AlreadyVoided, ReasonMissing
    ),
)
def decide_appeal(
    appeal_id: int, body: AppealDecisionIn, session: DbSession, user: Analyst
) -> AppealOut:
    """Accept (the unused reservation is voided and its charge refunded) or reject (it stays
    charged) an open appeal, with a reason the owner is told (analysts)."""
    appeal = service.decide_appeal(
        session,
        appeal_id=appeal_id,
        accept=body.decision == AppealDecision.ACCEPT,
        reason=body.reason,
        analyst=user,
    )
    return appeal_out(session, appeal)


REPORT_RESPONSES = error_responses(NotAuthenticated, Forbidden)
Until = Annotated[datetime | None, Query(description="The end of the 30 days (now if omitted)")]
Month = Annotated[
    date | None, Query(description="Any day of the month (this Almaty month if omitted)")
]


@router.get(
    "/reports/frequent-owners",
    response_model=list[FrequentOwnerOut],
    responses=REPORT_RESPONSES,
)
def frequent_owners(
    session: DbSession, user: Analyst, until: Until = None
) -> list[FrequentOwnerOut]:
    """Owners with 3 or more unused reservations (not voided) in the last 30 days."""
    return [FrequentOwnerOut(**asdict(r)) for r in reports.frequent_owners(session, now=until)]


@router.get(
    "/reports/frequent-vehicles",
    response_model=list[FrequentVehicleOut],
    responses=REPORT_RESPONSES,
)
def frequent_vehicles(
    session: DbSession, user: Analyst, until: Until = None
) -> list[FrequentVehicleOut]:
    """Vehicles with 3 or more unused reservations (not voided) in the last 30 days."""
    rows = reports.frequent_vehicles(session, now=until)
    return [FrequentVehicleOut(**asdict(r)) for r in rows]


@router.get(
    "/reports/over-threshold", response_model=list[OverThresholdOut], responses=REPORT_RESPONSES
)
def over_threshold(
    session: DbSession, user: Analyst, month: Month = None
) -> list[OverThresholdOut]:
    """Owners beyond their threshold in a month (this Almaty month by default)."""
    rows = reports.over_threshold(session, month=_first_day(month))
    return [OverThresholdOut(**asdict(r)) for r in rows]


@router.get(
    "/reports/repeat-offenders",
    response_model=list[RepeatOffenderOut],
    responses=REPORT_RESPONSES,
)
def repeat_offenders(
    session: DbSession, user: Analyst, month: Month = None
) -> list[RepeatOffenderOut]:
    """Owners over the threshold in any of the 3 months before `month` (this one by default),
    with the threshold they have in it."""
    rows = reports.repeat_offenders(session, month=_first_day(month))
    return [RepeatOffenderOut(**asdict(r)) for r in rows]


@router.get("/reports/monthly", response_model=list[MonthTotalOut], responses=REPORT_RESPONSES)
def monthly(session: DbSession, user: Analyst) -> list[MonthTotalOut]:
    """Compensation per month: charges, refunds and the net sum, newest first."""
    return [
        MonthTotalOut(
            month=r.month, charges=r.charges, refunds=r.refunds, net_kzt=str(to_kzt(r.net_tiyn))
        )
        for r in reports.monthly_totals(session)
    ]


@router.get(
    "/reports/{report}.csv",
    responses={200: {"content": {"text/csv": {}}}, **REPORT_RESPONSES},
)
def report_csv(
    report: reports.ReportName,
    session: DbSession,
    user: Analyst,
    month: Month = None,
    until: Until = None,
) -> Response:
    """One of the reports as CSV (comma-separated, a header row, money in tenge)."""
    return csv_response(session, report, month=_first_day(month), until=until)


def csv_response(
    session: Session,
    report: str,
    *,
    month: date | None = None,
    until: datetime | None = None,
) -> Response:
    rows = reports.report_rows(session, report, month=month, until=until)
    body = reports.as_csv(rows, reports.ROW_TYPES[report])
    filename = f"kezek-{report}-{utcnow():%Y-%m-%d}.csv"
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _first_day(month: date | None) -> date | None:
    return month.replace(day=1) if month else None


# --- admins: the policy ---------------------------------------------------------------------


@admin_router.get(
    "/compensation-policy",
    response_model=PolicyHistoryOut,
    responses=error_responses(NotAuthenticated, Forbidden),
)
def global_policy(session: DbSession, _admin: AdminUser) -> PolicyHistoryOut:
    """The global compensation policy: the version in force and every version (admins)."""
    return _history(session, crossing=None)


@admin_router.put(
    "/compensation-policy",
    response_model=PolicyOut,
    responses=error_responses(NotAuthenticated, Forbidden, PolicyRetroactive),
)
def put_global_policy(body: PolicyIn, session: DbSession, admin: AdminUser) -> PolicyOut:
    """Add a version of the global policy, from `effective_from` (now if omitted; never in the
    past): events before it stay judged by the version of their time (admins)."""
    return _add_version(session, body, crossing=None, admin=admin)


@admin_router.get(
    "/crossings/{code}/compensation-policy",
    response_model=PolicyHistoryOut,
    responses=error_responses(NotAuthenticated, Forbidden, CrossingNotFound),
)
def crossing_policy(code: str, session: DbSession, _admin: AdminUser) -> PolicyHistoryOut:
    """A crossing's policy: the version in force there (its own, else the global one) and the
    crossing's own versions (admins)."""
    return _history(session, crossing=get_crossing(session, code=code))


@admin_router.put(
    "/crossings/{code}/compensation-policy",
    response_model=PolicyOut,
    responses=error_responses(NotAuthenticated, Forbidden, CrossingNotFound, PolicyRetroactive),
)
def put_crossing_policy(
    code: str, body: PolicyIn, session: DbSession, admin: AdminUser
) -> PolicyOut:
    """Add a version of a crossing's own policy (admins)."""
    return _add_version(session, body, crossing=get_crossing(session, code=code), admin=admin)


def _history(session: Session, *, crossing: Crossing | None) -> PolicyHistoryOut:
    crossing_id, code = (crossing.id, crossing.code) if crossing else (None, None)
    return PolicyHistoryOut(
        in_force=policy_out(policy_in_force(session, crossing_id=crossing_id, at=utcnow()), code),
        versions=[policy_out(v, code) for v in policy_versions(session, crossing_id=crossing_id)],
    )


def _add_version(
    session: Session, body: PolicyIn, *, crossing: Crossing | None, admin: User
) -> PolicyOut:
    terms = PolicyTerms(**body.model_dump(exclude={"effective_from"}))
    version = set_policy(
        session,
        crossing_id=crossing.id if crossing else None,
        terms=terms,
        effective_from=body.effective_from,
        created_by=admin.id,
    )
    return policy_out(version, crossing.code if crossing else None)


# --- shapes ---------------------------------------------------------------------------------


def policy_out(version: CompensationPolicy, code: str | None) -> PolicyOut:
    """`code` is the crossing's when the version is the crossing's own, else None."""
    terms = {name: getattr(version, name) for name in PolicyTerms.__dataclass_fields__}
    return PolicyOut(
        id=version.id,
        crossing=code if version.crossing_id else None,
        effective_from=version.effective_from,
        created_at=version.created_at,
        **terms,
    )


def unused_out(line: reports.UnusedLine) -> UnusedOut:
    return UnusedOut(
        id=line.id,
        party_id=line.owner_id,
        kind=line.kind,
        occurred_at=line.occurred_at,
        month=line.month,
        booking_reference=line.reference,
        plate=line.plate,
        ordinal=line.ordinal,
        threshold=line.threshold,
        charge_kzt=str(to_kzt(line.charged_tiyn)),
        refunded=line.refunded,
        voided=line.voided,
        appeal_id=line.appeal_id,
        appeal_status=line.appeal_status,
        appeal_decision_reason=line.appeal_decision_reason,
    )


def appeal_out(session: Session, appeal: Appeal) -> AppealOut:
    return AppealOut(
        id=appeal.id,
        unused_id=appeal.unused_id,
        party_id=appeal.owner_id,
        booking_reference=appeal.unused.booking.reference,
        charge_kzt=str(to_kzt(reports.charge_of(session, appeal.unused))),
        reason=appeal.reason,
        has_attachment=bool(appeal.attachment_file),
        attachment_media_type=appeal.attachment_media_type,
        status=appeal.status,
        created_at=appeal.created_at,
        decided_at=appeal.decided_at,
        decision_reason=appeal.decision_reason,
    )


def _visible_appeal(session: Session, user: User, appeal_id: int) -> Appeal:
    if Role.ANALYST in user.roles:
        return service.get_appeal(session, appeal_id)
    return service.own_appeal(session, user=user, appeal_id=appeal_id)


def _read_upload(upload: UploadFile | None) -> bytes | None:
    """The upload's bytes, at most one more than the limit (more is refused unread); None when
    no file was chosen (browsers send an empty part)."""
    if upload is None:
        return None
    data = upload.file.read(service.MAX_ATTACHMENT_BYTES + 1)
    return data or None
