"""One error shape for the whole API: {"error": code, "detail": message}.

Each refusal is a subclass of AppError with a stable machine-readable `code`; endpoints list the
ones they can raise with `error_responses(...)` so the OpenAPI document shows them.
"""

from typing import Any, ClassVar

from pydantic import BaseModel


class ErrorBody(BaseModel):
    error: str
    detail: str
    fields: list[dict[str, Any]] | None = None


class AppError(Exception):
    status_code: ClassVar[int] = 400
    code: ClassVar[str] = "bad_request"
    message: ClassVar[str] = "The request cannot be processed."

    def __init__(self, detail: str | None = None, *, headers: dict[str, str] | None = None):
        self.detail = detail or self.message
        self.headers = headers
        # What the footprint of this refusal says, when more than the route and the code.
        self.audit_action: str | None = None
        self.audit_payload: dict[str, Any] = {}
        super().__init__(self.detail)

    def body(self) -> dict[str, Any]:
        return {"error": self.code, "detail": self.detail}


class NotFound(AppError):
    status_code = 404
    code = "not_found"
    message = "Not found."


class NotAuthenticated(AppError):
    status_code = 401
    code = "not_authenticated"
    message = "Log in first: this needs a valid session or bearer token."

    def __init__(self, detail: str | None = None):
        super().__init__(detail, headers={"WWW-Authenticate": "Bearer"})


class InvalidCredentials(AppError):
    status_code = 401
    code = "invalid_credentials"
    message = "Wrong login or password."


class Forbidden(AppError):
    status_code = 403
    code = "forbidden"
    message = "Your role does not allow this."


class Conflict(AppError):
    status_code = 409
    code = "conflict"
    message = "The request conflicts with the current state."


class InvalidInput(AppError):
    status_code = 422
    code = "invalid_input"
    message = "The request is not valid."


class ValidationFailed(InvalidInput):
    code = "validation_error"
    message = "Some fields are missing or invalid."


class TooManyAttempts(AppError):
    status_code = 429
    code = "too_many_attempts"
    message = "Too many attempts; wait before trying again."

    def __init__(self, retry_after: int):
        super().__init__(
            f"Too many attempts; try again in {retry_after} seconds.",
            headers={"Retry-After": str(retry_after)},
        )


def error_responses(*errors: type[AppError]) -> dict[int | str, dict[str, Any]]:
    """The `responses=` of an endpoint: every refusal it can give, grouped by status."""
    by_status: dict[int, list[type[AppError]]] = {}
    for err in (ValidationFailed, *errors):
        by_status.setdefault(err.status_code, []).append(err)
    return {
        status: {
            "model": ErrorBody,
            "description": "; ".join(f"`{e.code}`: {e.message}" for e in errs),
        }
        for status, errs in sorted(by_status.items())
    }


class Busy(Conflict):
    code = "busy"
    message = "The resource is busy; retry in a moment."


class LoginUnavailable(AppError):
    status_code = 503
    code = "login_unavailable"
    message = "Logins are paused: the attempt counters cannot be reached. Try again in a minute."

    def __init__(self) -> None:
        super().__init__(headers={"Retry-After": "60"})


class InternalError(AppError):
    status_code = 500
    code = "internal_error"
    message = "Something went wrong on our side; it has been logged."
