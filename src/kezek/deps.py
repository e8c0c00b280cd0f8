"""Request dependencies: the transaction, the caller, and role checks."""

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy.orm import Session

from kezek.audit.context import identify_actor
from kezek.config import Settings
from kezek.db import new_session
from kezek.errors import Forbidden, NotAuthenticated
from kezek.models.party import Role, User
from kezek.people.service import user_by_id
from kezek.people.tokens import user_id_from_token

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def get_settings_dep(request: Request) -> Settings:
    return request.app.state.settings


def get_db(request: Request) -> Iterator[Session]:
    """The request's transaction: committed when the endpoint returns, rolled back on error."""
    session = new_session(request.app.state.engine, readonly=request.method in READ_METHODS)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


# scope="function": commit before the response is sent, so a failed commit becomes an error
# response instead of a success the database never kept.
DbSession = Annotated[Session, Depends(get_db, scope="function")]
AppSettings = Annotated[Settings, Depends(get_settings_dep)]


def current_api_user(
    session: DbSession, settings: AppSettings, token: Annotated[str | None, Depends(oauth2_scheme)]
) -> User:
    """The user of the bearer token (the API never reads the page session cookie)."""
    if not token:
        raise NotAuthenticated()
    user_id = user_id_from_token(token, secret=settings.resolved_secret_key())
    user = user_by_id(session, user_id) if user_id is not None else None
    if user is None:
        raise NotAuthenticated("The token is invalid or expired, or the account is disabled.")
    identify_actor(user_id=user.id, login=user.login)
    return user


CurrentUser = Annotated[User, Depends(current_api_user)]


def require_roles(*roles: Role):  # type: ignore[no-untyped-def]
    """A dependency that lets through users holding any of `roles`."""
    allowed = frozenset(roles)

    def check(user: CurrentUser) -> User:
        if not (user.roles & allowed):
            raise Forbidden(f"This needs the role {' or '.join(sorted(allowed))}.")
        return user

    return Depends(check)


AdminUser = Annotated[User, require_roles(Role.ADMIN)]
