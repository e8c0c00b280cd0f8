"""A login attempt, throttled and recorded; shared by the API token endpoint and the web form."""

from sqlalchemy.orm import Session

from kezek.errors import AppError, InvalidCredentials, TooManyAttempts
from kezek.models.party import User
from kezek.people.errors import AccountDisabled
from kezek.people.service import authenticate
from kezek.people.throttle import LoginThrottle


def attempt_login(
    session: Session, *, throttle: LoginThrottle, login: str, password: str, ip: str
) -> User:
    """The user, or a refusal counted against the login and the address.

    The refusal carries what the footprint needs; it is recorded once the request's own
    transaction has rolled back (see kezek.handlers), since on SQLite that one holds the lock.
    """
    try:
        return _throttled_login(session, throttle=throttle, login=login, password=password, ip=ip)
    except AppError as err:
        raise _for_trail(err, login) from None


def _throttled_login(
    session: Session, *, throttle: LoginThrottle, login: str, password: str, ip: str
) -> User:
    # Count against the account authenticate() looks up, so " Admin" shares admin's counter.
    account = login.strip().lower()
    wait = throttle.retry_after(login=account, ip=ip)
    if wait is not None:
        raise TooManyAttempts(wait)
    try:
        user = authenticate(session, login=login, password=password)
    except (InvalidCredentials, AccountDisabled):
        throttle.failed(login=account, ip=ip)
        raise
    throttle.succeeded(login=account)
    return user


def _for_trail(err: AppError, login: str) -> AppError:
    err.audit_action = "user.login"
    err.audit_payload = {"login": login[:64]}
    return err
