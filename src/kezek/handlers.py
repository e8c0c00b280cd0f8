"""Exception handlers: every failure leaves as {"error": code, "detail": message}.

Refused state-changing API calls (and every 401/403) are written to the footprints here, in a
transaction of their own, since the request's transaction is rolled back.
"""

from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from kezek.audit.service import record_refusal
from kezek.errors import AppError, Busy, Conflict, InternalError, ValidationFailed

log = structlog.get_logger("kezek.errors")

_HTTP_CODES = {
    404: "not_found",
    405: "method_not_allowed",
    401: "not_authenticated",
    403: "forbidden",
    413: "payload_too_large",
    415: "unsupported_media_type",
}


def install_handlers(app: FastAPI) -> None:
    app.add_exception_handler(AppError, _app_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _validation_error)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, _http_error)  # type: ignore[arg-type]
    app.add_exception_handler(IntegrityError, _integrity_error)  # type: ignore[arg-type]
    app.add_exception_handler(OperationalError, _operational_error)  # type: ignore[arg-type]
    app.add_exception_handler(PoolTimeout, _pool_timeout)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, _unexpected)


MACHINE_PATHS = ("/api", "/healthz", "/metrics", "/static")


def _wants_html(request: Request) -> bool:
    """Pages answer with pages, whatever the client's Accept header; the API with JSON."""
    return not request.url.path.startswith(MACHINE_PATHS)


def render_error(request: Request, err: AppError) -> Response:
    if _wants_html(request) and getattr(request.app.state, "render_error_page", None):
        return request.app.state.render_error_page(request, err)
    return JSONResponse(err.body(), status_code=err.status_code, headers=err.headers)


def _should_record(request: Request, err: AppError) -> bool:
    if not request.url.path.startswith("/api"):
        return False
    return request.method not in {"GET", "HEAD", "OPTIONS"} or err.status_code in (401, 403)


async def _record(request: Request, err: AppError, extra: dict[str, Any] | None = None) -> None:
    """Write the refusal in a worker thread: run on the event loop, its wait for a connection or
    for SQLite's write lock would stall every other request, including the ones holding them."""
    route = getattr(request.scope.get("route"), "path", request.url.path)
    try:
        await run_in_threadpool(
            record_refusal,
            request.app.state.engine,
            action=err.audit_action or f"{request.method} {route}",
            reason=err.code,
            payload={"detail": err.detail, **err.audit_payload, **(extra or {})},
        )
    except Exception:  # the refusal still reaches the caller if the trail cannot be written
        log.exception("could not record a refusal", code=err.code)


async def _app_error(request: Request, err: AppError) -> Response:
    if _should_record(request, err):
        await _record(request, err)
    return render_error(request, err)


async def _validation_error(request: Request, exc: RequestValidationError) -> Response:
    fields = [
        {
            "loc": [str(p) for p in e.get("loc", ())],
            "msg": e.get("msg", ""),
            "type": e.get("type", ""),
        }
        for e in exc.errors()
    ]
    summary = "; ".join(f"{'.'.join(f['loc'][1:]) or f['loc'][0]}: {f['msg']}" for f in fields[:5])
    err = ValidationFailed(f"Some fields are missing or invalid: {summary}")
    if _should_record(request, err):
        await _record(request, err, {"fields": [".".join(f["loc"]) for f in fields]})
    if _wants_html(request):
        return render_error(request, err)
    return JSONResponse({**err.body(), "fields": fields}, status_code=422)


class _HttpError(AppError):
    """A routing-level refusal (unknown path, wrong method) in the common shape."""

    def __init__(self, exc: StarletteHTTPException):
        super().__init__(str(exc.detail), headers=getattr(exc, "headers", None))
        self.status_code = exc.status_code  # type: ignore[misc]
        self.code = _HTTP_CODES.get(exc.status_code, "http_error")  # type: ignore[misc]


async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
    return render_error(request, _HttpError(exc))


async def _integrity_error(request: Request, exc: IntegrityError) -> Response:
    # A unique or check constraint caught a race that the service's own checks did not.
    log.warning("integrity error", error=str(exc.orig))
    return await _app_error(
        request,
        Conflict(
            "The change conflicts with another one made at the same time; reload and retry.",
            headers={"Retry-After": "1"},
        ),
    )


async def _operational_error(request: Request, exc: OperationalError) -> Response:
    text = str(exc.orig).lower()
    if "locked" in text or "lock" in text or "deadlock" in text or "could not serialize" in text:
        return await _app_error(request, Busy(headers={"Retry-After": "1"}))
    return await _unexpected(request, exc)


async def _pool_timeout(request: Request, exc: PoolTimeout) -> Response:
    # Every connection is in use for longer than the pool waits: overload, not a bug.
    log.warning("connection pool exhausted", error=str(exc))
    return await _app_error(request, Busy(headers={"Retry-After": "1"}))


async def _unexpected(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error", path=request.url.path)
    return render_error(request, InternalError())
