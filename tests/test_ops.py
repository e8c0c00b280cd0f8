"""Operations: health check, Prometheus metrics, request ids and structured (JSON) logs."""

import json
import re
import subprocess
import sys
import textwrap

import pytest
from api_contract import contract_client
from fastapi.testclient import TestClient
from sqlalchemy import create_engine

from kezek.config import Settings
from kezek.main import create_app


@pytest.fixture
def client(app):
    with contract_client(app) as c:
        yield c


def counter(metrics_text, **labels):
    """The value of kezek_http_requests_total with these labels (0 when absent)."""
    for line in metrics_text.splitlines():
        if line.startswith("kezek_http_requests_total{"):
            found = dict(re.findall(r'(\w+)="([^"]*)"', line))
            if found == labels:
                return float(line.rsplit(" ", 1)[1])
    return 0.0


def test_healthz_says_the_service_and_its_database_answer(client):
    r = client.get("/healthz")
    assert r.status_code == 200
    assert r.json() == {"status": "ok", "database": "ok"}


def test_healthz_fails_when_the_database_does_not_answer(tmp_path):
    unreachable = f"sqlite:///{tmp_path / 'no-such-dir' / 'kezek.db'}"
    settings = Settings(database_url=unreachable, secret_key="k" * 40, log_json=False)
    app = create_app(settings, create_engine(unreachable))
    with TestClient(app, raise_server_exceptions=False) as c:
        r = c.get("/healthz")
    assert r.status_code >= 500
    assert r.json()["error"] == "internal_error"


def test_metrics_count_requests_by_route_and_status(client):
    labels = {"method": "GET", "route": "/api/v1/crossings/{code}", "status": "200"}
    before = counter(client.get("/metrics").text, **labels)
    client.get("/api/v1/crossings/DOSTYK")
    client.get("/api/v1/crossings/KALZHAT")
    r = client.get("/metrics")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/plain")
    assert counter(r.text, **labels) == before + 2
    assert "kezek_http_request_seconds_bucket" in r.text


def test_metrics_count_refusals_and_unknown_paths_without_one_label_per_path(client):
    client.get("/api/v1/crossings/ATLANTIS")
    client.get("/api/v1/no-such-thing-1")
    client.get("/api/v1/no-such-thing-2")
    text = client.get("/metrics").text
    assert counter(text, method="GET", route="/api/v1/crossings/{code}", status="404") >= 1
    assert counter(text, method="GET", route="unmatched", status="404") >= 2
    assert "no-such-thing" not in text


def test_every_response_carries_a_request_id(client):
    r = client.get("/healthz")
    assert re.fullmatch(r"[0-9a-f]{16}", r.headers["x-request-id"])
    given = client.get("/healthz", headers={"X-Request-Id": "trace-abc-123"})
    assert given.headers["x-request-id"] == "trace-abc-123"


def test_logs_are_one_json_object_per_request(tmp_path):
    # In a process of its own: structlog binds its output stream once per process.
    script = textwrap.dedent(
        f"""
        from fastapi.testclient import TestClient
        from kezek.config import Settings
        from kezek.main import create_app
        url = "sqlite:///{tmp_path / "ops.db"}"
        app = create_app(Settings(database_url=url, secret_key="k" * 40, log_json=True))
        with TestClient(app) as c:
            c.get("/healthz", headers={{"X-Request-Id": "req-42"}})
            c.get("/api/v1/no-such-thing")
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stderr.splitlines() if line.startswith("{")]
    requests = [line for line in lines if line.get("event") == "request"]
    assert [(r["path"], r["status"]) for r in requests] == [
        ("/healthz", 200),
        ("/api/v1/no-such-thing", 404),
    ]
    first = requests[0]
    assert first["request_id"] == "req-42" and first["method"] == "GET"
    assert first["level"] == "info" and "timestamp" in first and first["ms"] >= 0
