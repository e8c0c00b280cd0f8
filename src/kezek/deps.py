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
from kezek.identity.storage import MediaStore
from kezek.models.party import Role, User
from kezek.people.service import user_by_id
from kezek.people.tokens import EXPIRED, read_token
from kezek.registry.client import Registry
from kezek.registry.service import cached_registry

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


def get_media(request: Request) -> MediaStore:
    return request.app.state.media


Media = Annotated[MediaStore, Depends(get_media)]


def get_registry(request: Request, session: DbSession) -> Registry | None:
    """The insurance registry behind the cache of this request's transaction; None when no
    registry is configured."""
    return cached_registry(
        session, source=request.app.state.registry, settings=request.app.state.settings
    )


RequestRegistry = Annotated[Registry | None, Depends(get_registry)]


GET_TOKEN = "get one from POST /api/v1/auth/token and send it as `Authorization: Bearer <token>`."
NO_TOKEN = f"This needs a bearer token: {GET_TOKEN}"
TOKEN_EXPIRED = f"The bearer token has expired: {GET_TOKEN}"
TOKEN_INVALID = f"The bearer token is not valid (damaged, or signed by another server): {GET_TOKEN}"
ACCOUNT_GONE = "The account of this bearer token is disabled or no longer exists."


def current_api_user(
    session: DbSession, settings: AppSettings, token: Annotated[str | None, Depends(oauth2_scheme)]
) -> User:
    """The user of the bearer token (the API never reads the page session cookie)."""
    if not token:
        raise NotAuthenticated(NO_TOKEN)
    user_id, problem = read_token(token, secret=settings.resolved_secret_key())
    if user_id is None:
        raise NotAuthenticated(TOKEN_EXPIRED if problem == EXPIRED else TOKEN_INVALID)
    user = user_by_id(session, user_id)
    if user is None:
        raise NotAuthenticated(ACCOUNT_GONE)
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
