"""The contract every API answer keeps, checked on every response the tests receive.

`contract_client(app)` is a TestClient whose response hook fails the test when an error body
(4xx, or 5xx from the API) is not exactly {"error": str, "detail": str} (+ optional "fields":
list), or when an /api/v1 operation answers with a 4xx code its OpenAPI entry does not list under
that status. The `client` fixture below replaces the shared one in the directories and modules
that import it.
"""

import re
from collections.abc import Iterator
from functools import cache
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

ERROR_KEYS = {"error", "detail"}


def assert_error_shape(body: Any) -> None:
    """A refusal body: exactly error and detail (non-empty strings), plus optional fields."""
    assert isinstance(body, dict), f"error body is not an object: {body!r}"
    assert set(body) in (ERROR_KEYS, ERROR_KEYS | {"fields"}), f"unexpected keys: {body!r}"
    assert isinstance(body["error"], str) and re.fullmatch(r"[a-z][a-z0-9_]*", body["error"]), body
    assert isinstance(body["detail"], str) and body["detail"], body
    if "fields" in body:
        assert isinstance(body["fields"], list) and body["fields"], body
        for field in body["fields"]:
            assert isinstance(field, dict) and {"loc", "msg", "type"} <= set(field), body


def documented_codes(app: FastAPI, method: str, path: str, status: int) -> list[str] | None:
    """Error codes the OpenAPI entry of the operation serving `path` lists for `status`;
    None when no /api/v1 operation serves this method and path."""
    operation = _operation(app, method.lower(), path)
    if operation is None:
        return None
    description = operation["responses"].get(str(status), {}).get("description", "")
    return re.findall(r"`([a-z0-9_]+)`", description)


def _operation(app: FastAPI, method: str, path: str) -> dict[str, Any] | None:
    matches = [
        (template, ops[method])
        for template, ops in _openapi(app)["paths"].items()
        if method in ops and _template_regex(template).fullmatch(path)
    ]
    if not matches:
        return None
    # The most literal template wins, as the router prefers /me/companies to /me/{x}.
    return max(matches, key=lambda m: len(re.sub(r"\{[^}]+\}", "", m[0])))[1]


def _openapi(app: FastAPI) -> dict[str, Any]:
    """The app's OpenAPI document, built once for all apps with the same routes (building it
    takes a tenth of a second, and every test makes its own app)."""
    routes = tuple(
        sorted((r.path, tuple(sorted(getattr(r, "methods", None) or ()))) for r in api_routes(app))
    )
    if routes not in _OPENAPI_BY_ROUTES:
        _OPENAPI_BY_ROUTES[routes] = app.openapi()
    return _OPENAPI_BY_ROUTES[routes]


_OPENAPI_BY_ROUTES: dict[tuple[Any, ...], dict[str, Any]] = {}


def api_routes(app: FastAPI) -> list[Any]:
    """Every route of the app, those of included routers too (FastAPI may keep them nested)."""

    def flat(routes: Any) -> Iterator[Any]:
        for route in routes:
            if hasattr(route, "effective_candidates"):
                yield from flat(route.effective_candidates())
            else:
                yield route

    return [r for r in flat(app.routes) if hasattr(r, "path")]


@cache
def _template_regex(template: str) -> re.Pattern[str]:
    return re.compile(re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)))


def check_response(app: FastAPI, response: httpx.Response) -> None:
    if response.status_code < 400:
        return
    response.read()
    path, method = response.request.url.path, response.request.method
    if path.startswith("/api/") or "json" in response.headers.get("content-type", ""):
        assert response.headers.get("content-type", "").startswith("application/json"), path
        assert_error_shape(response.json())
    if not path.startswith("/api/v1/") or response.status_code >= 500:
        return
    codes = documented_codes(app, method, path, response.status_code)
    code = response.json()["error"]
    assert codes is None or code in codes, (
        f"{method} {path} answered {response.status_code} {code!r}, "
        f"but its OpenAPI entry lists {codes} for that status"
    )


def contract_client(app: FastAPI, **kwargs: Any) -> TestClient:
    """A TestClient that checks every response against the contract above."""
    client = TestClient(app, **kwargs)
    client.event_hooks = {"request": [], "response": [lambda r: check_response(app, r)]}
    return client


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with contract_client(app) as c:
        yield c
