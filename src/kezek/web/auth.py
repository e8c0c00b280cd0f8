"""Who is browsing: the user id kept in the signed session cookie (pages only; the API takes
bearer tokens and never reads this cookie)."""

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from kezek.audit.context import identify_actor
from kezek.audit.service import record_refusal
from kezek.db import new_session
from kezek.deps import DbSession
from kezek.errors import AppError, Forbidden, NotAuthenticated
from kezek.models.party import Role, User
from kezek.people.service import user_by_id
from kezek.web.csrf import rotate_token

SESSION_USER = "uid"


@dataclass(frozen=True)
class NavUser:
    """What the header shows; plain data, so error pages can use it after the rollback."""

    login: str
    full_name: str
    is_admin: bool
    can_book: bool = False
    can_check_in: bool = False
    can_review_identities: bool = False
    can_register_vehicles: bool = False


# The roles that book (as the bookings API: kezek.booking.endpoints.Booker).
BOOKER_ROLES = frozenset({Role.CARRIER, Role.DRIVER, Role.INTERMEDIARY})
# The roles that register vehicles (as the vehicles API: kezek.vehicles.endpoints.Registrar).
REGISTRAR_ROLES = frozenset({Role.CARRIER, Role.ADMIN})
# The roles that open the checkpoint page: border post staff, and the admin who sets posts up.
CHECKPOINT_ROLES = frozenset({Role.OPERATOR, Role.ADMIN})


def _nav(user: User) -> NavUser:
    return NavUser(
        user.login,
        user.person.full_name,
        Role.ADMIN in user.roles,
        can_book=bool(BOOKER_ROLES & user.roles),
        can_check_in=bool(CHECKPOINT_ROLES & user.roles),
        can_review_identities=Role.ANALYST in user.roles,
        can_register_vehicles=bool(REGISTRAR_ROLES & user.roles),
    )


def page_user(request: Request, session: DbSession) -> User | None:
    """The logged-in user, or None; a disabled account's session is dropped."""
    uid = request.session.get(SESSION_USER)
    user = user_by_id(session, uid) if isinstance(uid, int) else None
    if user is None:
        request.session.pop(SESSION_USER, None)
        return None
    identify_actor(user_id=user.id, login=user.login)
    request.state.nav_user = _nav(user)
    return user


MaybeUser = Annotated[User | None, Depends(page_user)]


def signed_in_user(user: MaybeUser) -> User:
    if user is None:
        raise NotAuthenticated("Log in to see this page.")
    return user


SignedInUser = Annotated[User, Depends(signed_in_user)]


def admin_user(request: Request, user: SignedInUser, session: DbSession) -> User:
    if Role.ADMIN not in user.roles:
        raise refused(request, session, Forbidden())
    return user


AdminPageUser = Annotated[User, Depends(admin_user)]


def booker_user(request: Request, user: SignedInUser, session: DbSession) -> User:
    if not BOOKER_ROLES & user.roles:
        raise refused(request, session, Forbidden())
    return user


BookerPageUser = Annotated[User, Depends(booker_user)]


def registrar_user(request: Request, user: SignedInUser, session: DbSession) -> User:
    if not REGISTRAR_ROLES & user.roles:
        raise refused(request, session, Forbidden())
    return user


RegistrarPageUser = Annotated[User, Depends(registrar_user)]


def checkpoint_user(request: Request, user: SignedInUser, session: DbSession) -> User:
    if not CHECKPOINT_ROLES & user.roles:
        raise refused(request, session, Forbidden())
    return user


CheckpointPageUser = Annotated[User, Depends(checkpoint_user)]


def refused(
    request: Request,
    session: Session,
    err: AppError,
    *,
    action: str | None = None,
    payload: dict[str, Any] | None = None,
) -> AppError:
    """Write a page's refusal to the footprints and return it to raise or show.

    The page's own transaction is rolled back first: the refused change must not be kept, and
    on SQLite that transaction holds the write lock the footprint needs.
    """
    session.rollback()
    route = getattr(request.scope.get("route"), "path", request.url.path)
    record_refusal(
        request.app.state.engine,
        action=action or err.audit_action or f"{request.method} {route}",
        reason=err.code,
        payload=payload if payload is not None else {"detail": err.detail, **err.audit_payload},
    )
    return err


def start_session(request: Request, user: User) -> None:
    """A fresh session for a fresh login: nothing from before it carries over."""
    request.session.clear()
    request.session[SESSION_USER] = user.id
    rotate_token(request)
    request.state.nav_user = _nav(user)


def end_session(request: Request) -> None:
    request.session.clear()


def nav_user_outside_request(request: Request) -> NavUser | None:
    """The header's user for pages rendered after the request's transaction ended."""
    known = getattr(request.state, "nav_user", None)
    uid = request.session.get(SESSION_USER) if "session" in request.scope else None
    if known is not None or not isinstance(uid, int):
        return known
    engine: Engine = request.app.state.engine
    session = new_session(engine, readonly=True)
    try:
        user = user_by_id(session, uid)
        return _nav(user) if user else None
    finally:
        session.close()


def safe_next(target: Any, default: str = "/me") -> str:
    """A local path to go to after login; anything else (other hosts, "//x") gives `default`.
    Backslashes and control characters are refused too: browsers drop tabs and newlines and
    read a backslash as a slash, so "/<tab>/x" or "/\\x" would leave the site."""
    if (
        isinstance(target, str)
        and target.startswith("/")
        and not target.startswith("//")
        and not any(c == "\\" or c < " " or c == "\x7f" for c in target)
    ):
        return target
    return default
