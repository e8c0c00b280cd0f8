"""CSRF protection of every page POST: a random token kept in the signed session cookie, sent
back in a hidden form field or, by HTMX, in the X-CSRF-Token header (see base.html)."""

import hmac
import secrets

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from kezek.audit.service import record_refusal
from kezek.errors import AppError

SESSION_KEY = "csrf"
FORM_FIELD = "csrf_token"
HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class CsrfFailed(AppError):
    status_code = 403
    code = "csrf_failed"
    message = "The form is out of date or did not come from this site; reload it and try again."


def csrf_token(request: Request) -> str:
    """The session's token, created on first use."""
    token = request.session.get(SESSION_KEY)
    if not token:
        token = request.session[SESSION_KEY] = secrets.token_urlsafe(32)
    return str(token)


def rotate_token(request: Request) -> None:
    """A new token when the session changes hands (login), so an old page's token is void."""
    request.session[SESSION_KEY] = secrets.token_urlsafe(32)


async def _sent_token(request: Request) -> str:
    header = request.headers.get(HEADER)
    if header:
        return header
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        value = (await request.form()).get(FORM_FIELD)
        return value if isinstance(value, str) else ""
    return ""


async def csrf_protect(request: Request) -> None:
    """Router dependency: refuse an unsafe request whose token does not match the session's.

    It runs before the page opens its transaction, so the refusal is written to the footprints
    at once without waiting on that transaction's lock.
    """
    if request.method in SAFE_METHODS:
        return
    expected = str(request.session.get(SESSION_KEY, ""))
    sent = await _sent_token(request)
    if expected and sent and hmac.compare_digest(expected.encode(), sent.encode()):
        return
    err = CsrfFailed()
    await run_in_threadpool(
        record_refusal,
        request.app.state.engine,
        action=f"{request.method} {request.url.path}",
        reason=err.code,
        payload={"token": "missing" if not sent else "mismatch"},
    )
    raise err
