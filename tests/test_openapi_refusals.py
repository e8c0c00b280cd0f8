"""Refusals that come from the handlers, not from one endpoint, are listed in OpenAPI too."""

import pytest

WRITES = {"post", "put", "patch", "delete"}


@pytest.fixture
def doc(client):
    return client.get("/api/v1/openapi.json").json()


def api_operations(doc):
    for path, operations in doc["paths"].items():
        if path.startswith("/api/"):
            for method, operation in operations.items():
                yield method, path, operation["responses"]


def test_every_write_lists_409_busy_and_conflict(doc):
    writes = [(m, p, r) for m, p, r in api_operations(doc) if m in WRITES]
    assert len(writes) >= 10
    for method, path, responses in writes:
        described = responses.get("409", {}).get("description", "")
        assert "`busy`" in described and "`conflict`" in described, (method, path)


def test_a_write_keeps_its_own_409_codes_beside_busy(doc):
    described = doc["paths"]["/api/v1/auth/register"]["post"]["responses"]["409"]["description"]
    assert "`login_taken`" in described and "`busy`" in described


def test_reads_do_not_list_busy(doc):
    for method, path, responses in api_operations(doc):
        if method == "get":
            assert "`busy`" not in responses.get("409", {}).get("description", ""), path


def test_every_operation_lists_500_in_the_error_shape(doc):
    for method, path, responses in api_operations(doc):
        internal = responses["500"]
        assert internal["description"].startswith("`internal_error`"), (method, path)
        schema = internal["content"]["application/json"]["schema"]
        assert schema["$ref"] == "#/components/schemas/ErrorBody"
