"""The OpenAPI document, completed with the refusals that any operation of a kind can give.

Endpoints list their own refusals with `errors.error_responses(...)`. Two come from the
handlers rather than from an endpoint, so they are added here to every operation they apply to:
a write that meets a lock held too long or a concurrent change answers 409 (`busy`,
`conflict`, with Retry-After), and any operation can fail with 500 (`internal_error`).
"""

from typing import Any

from fastapi import FastAPI

from kezek.errors import AppError, Busy, Conflict, ErrorBody, InternalError

WRITE_METHODS = ("post", "put", "patch", "delete")
ERROR_BODY = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}


def install_openapi(app: FastAPI) -> None:
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            complete(generate())  # FastAPI's own document, cached in app.openapi_schema
        return app.openapi_schema  # type: ignore[return-value]

    app.openapi = openapi  # type: ignore[method-assign]


def complete(doc: dict[str, Any]) -> None:
    """Add the handler-level refusals to every API operation of the document."""
    doc.setdefault("components", {}).setdefault("schemas", {}).setdefault(
        "ErrorBody", ErrorBody.model_json_schema()
    )
    for path, operations in doc.get("paths", {}).items():
        if not path.startswith("/api/"):
            continue
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            if method in WRITE_METHODS:
                _list(responses, Busy, Conflict)
            _list(responses, InternalError)


def _list(responses: dict[str, Any], *errors: type[AppError]) -> None:
    for err in errors:
        entry = responses.setdefault(
            str(err.status_code), {"description": "", "content": ERROR_BODY}
        )
        described = f"`{err.code}`: {err.message}"
        if f"`{err.code}`" not in entry["description"]:
            entry["description"] = "; ".join(filter(None, [entry["description"], described]))
