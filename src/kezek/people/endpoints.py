"""Accounts API: registration, tokens, the caller, and the admin's user management."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request, status
from fastapi.security import OAuth2PasswordRequestForm

from kezek.deps import AdminUser, AppSettings, CurrentUser, DbSession
from kezek.errors import (
    Forbidden,
    InvalidCredentials,
    LoginUnavailable,
    NotAuthenticated,
    TooManyAttempts,
    error_responses,
)
from kezek.models.party import Role, User
from kezek.people import service
from kezek.people.errors import (
    AccountDisabled,
    InvalidBin,
    InvalidIin,
    InvalidRole,
    LoginTaken,
    NationalIdTaken,
    UserNotFound,
)
from kezek.people.login import attempt_login
from kezek.people.schemas import CompanyIn, CompanyOut, MeOut, RegistrationIn, RoleGrantIn, TokenOut
from kezek.people.tokens import issue_token

router = APIRouter(prefix="/api/v1", tags=["accounts"])
admin_router = APIRouter(prefix="/api/v1/admin", tags=["admin"])

REGISTRATION_ERRORS = (LoginTaken, NationalIdTaken, InvalidIin, InvalidBin, InvalidRole)


def me_out(session: DbSession, user: User) -> MeOut:
    person = user.person
    return MeOut(
        id=user.id,
        login=user.login,
        email=user.email,
        roles=sorted(user.roles),
        person_id=person.id,
        full_name=person.full_name,
        national_id=person.national_id,
        identity_status=person.identity_status,
        companies=[
            CompanyOut.model_validate(c) for c in service.companies_of(session, person_id=person.id)
        ],
    )


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@router.post(
    "/auth/token",
    response_model=TokenOut,
    responses=error_responses(
        InvalidCredentials, AccountDisabled, TooManyAttempts, LoginUnavailable
    ),
)
def token(
    request: Request,
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    session: DbSession,
    settings: AppSettings,
) -> TokenOut:
    """OAuth2 password flow: a bearer token for the API. Failed attempts are throttled."""
    user = attempt_login(
        session,
        throttle=request.app.state.throttle,
        login=form.username,
        password=form.password,
        ip=client_ip(request),
    )
    return TokenOut(
        access_token=issue_token(
            user_id=user.id, secret=settings.resolved_secret_key(), minutes=settings.token_minutes
        ),
        expires_in=settings.token_minutes * 60,
    )


@router.post(
    "/auth/register",
    response_model=MeOut,
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(*REGISTRATION_ERRORS),
)
def register(body: RegistrationIn, session: DbSession) -> MeOut:
    """Register a person (IIN, or passport and country), optionally with a company (BIN).
    The identity starts unverified until the biometric check."""
    return me_out(session, service.register(session, data=body))


@router.get("/me", response_model=MeOut, responses=error_responses(NotAuthenticated))
def me(user: CurrentUser, session: DbSession) -> MeOut:
    return me_out(session, user)


@router.post(
    "/me/companies",
    response_model=CompanyOut,
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(NotAuthenticated, InvalidBin, NationalIdTaken),
)
def add_company(body: CompanyIn, user: CurrentUser, session: DbSession) -> CompanyOut:
    """Register a company that you represent."""
    return CompanyOut.model_validate(service.add_company(session, person=user.person, data=body))


ADMIN_ERRORS = (NotAuthenticated, Forbidden, UserNotFound)


@admin_router.post(
    "/users",
    response_model=MeOut,
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(*ADMIN_ERRORS, *REGISTRATION_ERRORS),
)
def admin_create_user(body: RegistrationIn, session: DbSession, _: AdminUser) -> MeOut:
    """Create a user with any role, staff roles included (admin)."""
    return me_out(session, service.register(session, data=body, self_service=False))


@admin_router.post(
    "/users/{login}/roles",
    response_model=MeOut,
    responses=error_responses(*ADMIN_ERRORS),
)
def admin_grant_role(login: str, body: RoleGrantIn, session: DbSession, _: AdminUser) -> MeOut:
    user = service.get_user(session, login=login)
    service.grant_role(session, user=user, role=body.role)
    return me_out(session, user)


@admin_router.delete(
    "/users/{login}/roles/{role}",
    response_model=MeOut,
    responses=error_responses(*ADMIN_ERRORS),
)
def admin_revoke_role(login: str, role: Role, session: DbSession, _: AdminUser) -> MeOut:
    user = service.get_user(session, login=login)
    service.revoke_role(session, user=user, role=role)
    return me_out(session, user)
