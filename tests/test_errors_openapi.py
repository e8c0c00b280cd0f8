"""One error shape everywhere, and an OpenAPI document that lists every refusal."""

import httpx
import pytest
from api_contract import assert_error_shape, check_response, contract_client
from fastapi.testclient import TestClient
from sqlalchemy.exc import IntegrityError, OperationalError

from kezek.crossings import service as crossings_service

ERROR_BODY_REF = "#/components/schemas/ErrorBody"


@pytest.fixture
def client(app):
    """Every response checked against the API contract (tests/api_contract.py)."""
    with contract_client(app) as c:
        yield c


@pytest.fixture
def doc(client):
    r = client.get("/api/v1/openapi.json")
    assert r.status_code == 200
    return r.json()


def operations(doc):
    for path, ops in doc["paths"].items():
        if path.startswith("/api/v1/"):
            for method, op in ops.items():
                yield method.upper(), path, op


def takes_input(op):
    return bool(op.get("parameters") or op.get("requestBody"))


def test_the_openapi_document_is_served(doc):
    assert doc["openapi"].startswith("3.")
    assert doc["info"]["title"] == "Kezek"
    assert '{"error": code, "detail": message}' in doc["info"]["description"]
    assert len(list(operations(doc))) >= 15


def test_the_error_body_schema_is_error_detail_and_optional_fields(doc):
    schema = doc["components"]["schemas"]["ErrorBody"]
    assert set(schema["properties"]) == {"error", "detail", "fields"}
    assert set(schema["required"]) == {"error", "detail"}


def test_every_operation_taking_input_lists_422_in_the_error_shape(doc):
    for method, path, op in operations(doc):
        if takes_input(op):
            refusal = op["responses"].get("422")
            assert refusal, (method, path)
            assert refusal["content"]["application/json"]["schema"]["$ref"] == ERROR_BODY_REF
            assert "`validation_error`" in refusal["description"], (method, path)


def test_every_listed_error_uses_the_error_shape_and_names_its_codes(doc):
    assert "HTTPValidationError" not in doc["components"]["schemas"]
    for method, path, op in operations(doc):
        for status, response in op["responses"].items():
            if status.startswith(("4", "5")):
                schema = response["content"]["application/json"]["schema"]
                assert schema["$ref"] == ERROR_BODY_REF, (method, path, status)
                assert response["description"].startswith("`"), (method, path, status)


@pytest.mark.parametrize(
    ("method", "path", "codes"),
    [
        (
            "post",
            "/api/v1/auth/token",
            {"invalid_credentials", "account_disabled", "too_many_attempts"},
        ),
        (
            "post",
            "/api/v1/auth/register",
            {"login_taken", "national_id_taken", "invalid_iin", "invalid_bin", "invalid_role"},
        ),
        ("get", "/api/v1/crossings/{code}", {"crossing_not_found"}),
        (
            "get",
            "/api/v1/crossings/{code}/availability",
            {"crossing_not_found", "outside_horizon", "category_not_served"},
        ),
        (
            "delete",
            "/api/v1/crossings/{code}/exceptions/{exception_id}",
            {
                "not_authenticated",
                "forbidden",
                "crossing_not_found",
                "schedule_exception_not_found",
            },
        ),
        ("post", "/api/v1/admin/users/{login}/roles", {"forbidden", "user_not_found"}),
    ],
)
def test_operations_list_the_codes_they_raise(doc, method, path, codes):
    text = " ".join(r["description"] for r in doc["paths"][path][method]["responses"].values())
    assert {c for c in codes if f"`{c}`" not in text} == set()


def test_the_interactive_docs_page_is_html(client):
    r = client.get("/api/v1/docs")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    assert "swagger" in r.text.lower() and "/api/v1/openapi.json" in r.text


def test_an_unknown_api_route_is_404_not_found(client):
    for path in ("/api/v1/nothing-here", "/api/v1/crossings/DOSTYK/nothing", "/api/v2/crossings"):
        r = client.get(path)
        assert r.status_code == 404, path
        assert r.json()["error"] == "not_found"


def test_a_wrong_method_is_405_naming_the_allowed_ones(client):
    r = client.put("/api/v1/crossings")
    assert r.status_code == 405
    assert r.json()["error"] == "method_not_allowed"
    assert "GET" in r.headers["allow"]
    assert client.get("/api/v1/auth/token").status_code == 405


def test_a_body_that_is_not_json_is_422_validation_error(client):
    r = client.post(
        "/api/v1/auth/register",
        content=b"{not json",
        headers={"Content-Type": "application/json"},
    )
    assert (r.status_code, r.json()["error"]) == (422, "validation_error")
    r = client.post("/api/v1/auth/register", data={"login": "form-instead-of-json"})
    assert (r.status_code, r.json()["error"]) == (422, "validation_error")


def test_a_unique_constraint_caught_at_commit_is_a_retryable_409(app, auth, monkeypatch):
    def clash(*args, **kwargs):
        raise IntegrityError("INSERT ...", {}, Exception("duplicate key"))

    monkeypatch.setattr(crossings_service, "update_settings", clash)
    with TestClient(app) as c:
        r = c.patch("/api/v1/crossings/DOSTYK", json={"notes": "x"}, headers=auth("admin"))
    assert r.status_code == 409
    assert_error_shape(r.json())
    assert r.json()["error"] == "conflict" and r.headers["retry-after"] == "1"


def test_a_locked_database_is_a_retryable_409_busy(app, auth, monkeypatch):
    def locked(*args, **kwargs):
        raise OperationalError("UPDATE ...", {}, Exception("database is locked"))

    monkeypatch.setattr(crossings_service, "update_settings", locked)
    with TestClient(app) as c:
        r = c.patch("/api/v1/crossings/DOSTYK", json={"notes": "x"}, headers=auth("admin"))
    assert r.status_code == 409
    assert_error_shape(r.json())
    assert r.json()["error"] == "busy" and r.headers["retry-after"] == "1"


# --- the contract check that every test of tests/people, crossings, audit and these runs ---


def test_the_contract_check_is_installed_on_the_client(client):
    assert client.event_hooks["response"], "responses would go unchecked"


@pytest.mark.parametrize(
    "body",
    [
        {"error": "not_found"},
        {"detail": "Not found."},
        {"error": "not_found", "detail": "Not found.", "message": "extra"},
        {"error": 404, "detail": "Not found."},
        {"error": "not_found", "detail": ""},
        {"error": "Not Found", "detail": "Not found."},
        {"error": "validation_error", "detail": "Bad.", "fields": []},
        {"error": "validation_error", "detail": "Bad.", "fields": ["password"]},
        {"detail": [{"loc": ["body"], "msg": "field required"}]},  # FastAPI's own shape
        ["not_found"],
    ],
)
def test_the_contract_check_rejects_any_other_error_shape(body):
    with pytest.raises(AssertionError):
        assert_error_shape(body)


def test_the_contract_check_accepts_the_two_shapes():
    assert_error_shape({"error": "not_found", "detail": "Not found."})
    assert_error_shape(
        {
            "error": "validation_error",
            "detail": "Some fields are missing or invalid.",
            "fields": [{"loc": ["body", "login"], "msg": "Field required", "type": "missing"}],
        }
    )


def test_the_contract_check_rejects_an_error_code_the_operation_does_not_document(app):
    request = httpx.Request("GET", "http://testserver/api/v1/crossings/DOSTYK")
    documented = httpx.Response(
        404, json={"error": "crossing_not_found", "detail": "No."}, request=request
    )
    check_response(app, documented)
    undocumented = httpx.Response(
        404, json={"error": "user_not_found", "detail": "No."}, request=request
    )
    with pytest.raises(AssertionError, match="lists"):
        check_response(app, undocumented)
