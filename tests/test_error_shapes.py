"""Unknown paths and methods: pages answer with a page, the API with the JSON error shape."""

import pytest


@pytest.mark.parametrize("path", ["/no-such-page", "/crossings/NO_SUCH"])
def test_unknown_page_is_an_html_page_whatever_the_accept_header(client, path):
    r = client.get(path, headers={"Accept": "*/*"})
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("text/html")


def test_unknown_api_path_is_json(client):
    r = client.get("/api/v1/no-such-thing", headers={"Accept": "text/html"})
    assert r.status_code == 404
    assert r.json() == {"error": "not_found", "detail": "Not Found"}


def test_wrong_api_method_is_json_405(client):
    r = client.delete("/api/v1/crossings")
    assert r.status_code == 405
    assert r.json()["error"] == "method_not_allowed"


def test_explicit_hours_over_the_daily_limit_are_refused(client, auth):
    r = client.post(
        "/api/v1/crossings/DOSTYK/directions/exit/capacity",
        json={"valid_from": "2030-01-01", "daily_limit": 100, "hour_overrides": {"9": 200}},
        headers=auth("admin"),
    )
    assert r.status_code == 422
    assert r.json()["error"] == "validation_error"
