"""Small helpers shared by the API, footprint and CLI tests."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from argon2 import PasswordHasher
from click.testing import CliRunner, Result
from fastapi.testclient import TestClient
from sqlalchemy import select, text, update
from sqlalchemy.engine import Engine

from kezek.cli import main as cli_main
from kezek.config import Settings, get_settings
from kezek.db import get_engine, new_session
from kezek.models.audit import AuditRecord
from kezek.models.party import User
from kezek.people import passwords
from kezek.people.tokens import issue_token

DEMO_PASSWORD = "kezek-demo-2026"
DEMO_LOGINS = ["admin", "operator", "analyst", "carrier", "driver", "intermediary"]
NON_ADMIN_LOGINS = [x for x in DEMO_LOGINS if x != "admin"]


def token(client: TestClient, login: str, password: str = DEMO_PASSWORD) -> str:
    r = client.post("/api/v1/auth/token", data={"username": login, "password": password})
    assert r.status_code == 200, r.text
    return r.json()["access_token"]


def bearer(client: TestClient, login: str, password: str = DEMO_PASSWORD) -> dict[str, str]:
    return {"Authorization": f"Bearer {token(client, login, password)}"}


def almaty_today() -> date:
    """Today where the seed crossings are (all in Asia/Almaty)."""
    return datetime.now(ZoneInfo("Asia/Almaty")).date()


def footprints(engine: Engine, *, after: int = 0, **where: Any) -> list[AuditRecord]:
    """Footprints with seq > after, optionally filtered by column values, in order."""
    session = new_session(engine, readonly=True)
    try:
        query = select(AuditRecord).where(AuditRecord.seq > after).order_by(AuditRecord.seq)
        for column, value in where.items():
            query = query.where(getattr(AuditRecord, column) == value)
        return list(session.scalars(query))
    finally:
        session.close()


def last_seq(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(text("SELECT COALESCE(MAX(seq), 0) FROM audit_log")).scalar_one()


def allow_audit_tampering(engine: Engine) -> None:
    """Switch off the database's append-only guard, as an intruder with DDL rights could."""
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("ALTER TABLE audit_log DISABLE TRIGGER USER"))
        else:
            conn.execute(text("DROP TRIGGER audit_log_no_update"))
            conn.execute(text("DROP TRIGGER audit_log_no_delete"))


# --- fixtures imported by the conftests of tests/people, tests/crossings and tests/audit -----


TEST_SECRET = "test-secret-key-not-for-production"  # as in the shared `settings` fixture


@pytest.fixture
def auth(engine: Engine, settings: Settings) -> Callable[[str], dict[str, str]]:
    """auth("admin") -> bearer headers, minted with the app's own issue_token for the user.

    Cheaper than the password flow (one argon2 verification each), which tests/people/test_login
    exercises itself; the tokens are the same kind the token endpoint hands out.
    """
    cache: dict[str, dict[str, str]] = {}

    def headers(login: str) -> dict[str, str]:
        if login not in cache:
            session = new_session(engine, readonly=True)
            try:
                uid = session.scalar(select(User.id).where(User.login == login))
            finally:
                session.close()
            assert uid is not None, login
            minted = issue_token(user_id=uid, secret=settings.resolved_secret_key(), minutes=30)
            cache[login] = {"Authorization": f"Bearer {minted}"}
        return cache[login]

    return headers


@pytest.fixture(autouse=True)
def fast_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2id with small costs for new hashes, so registering in a test takes 1 ms, not 150.

    The production parameters are checked by tests/people/test_passwords.py, which opts out.
    """
    monkeypatch.setattr(passwords, "_hasher", FAST_HASHER)


FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@pytest.fixture
def fast_demo_passwords(engine: Engine) -> None:
    """The demo logins' passwords re-hashed with the cheap test parameters (login tests make
    dozens of attempts; each would otherwise verify a full-strength hash)."""
    cheap = FAST_HASHER.hash(DEMO_PASSWORD)
    with engine.begin() as conn:
        conn.execute(update(User).values(password_hash=cheap))


class Cli:
    """The `kezek` command run in-process against one database (KEZEK_DATABASE_URL)."""

    def __init__(self, url: str, monkeypatch: pytest.MonkeyPatch):
        self.url = url
        monkeypatch.setenv("KEZEK_DATABASE_URL", url)
        self._fresh()

    def __call__(self, *args: str, input: str | None = None) -> Result:
        self._fresh()  # settings and engine are made once per process: not across tests
        try:
            return CliRunner().invoke(cli_main, list(args), input=input)
        finally:
            self._fresh()

    @staticmethod
    def _fresh() -> None:
        if get_engine.cache_info().currsize:
            get_engine().dispose()
        get_engine.cache_clear()
        get_settings.cache_clear()


SRC = Path(__file__).resolve().parents[1] / "src"


def child_env(**overrides: str) -> dict[str, str]:
    """The environment for a server the tests start as a subprocess: this checkout's src/ first
    on the path, so a git worktree's server runs the worktree's code, not the installed copy."""
    path = os.pathsep.join(p for p in (str(SRC), os.environ.get("PYTHONPATH", "")) if p)
    return {**os.environ, "PYTHONPATH": path, **overrides}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_healthy(base_url: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server exited:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{base_url}/healthz", timeout=1) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"the server did not answer /healthz in 30 s:\n{log.read_text()[-3000:]}")


@contextmanager
def running_server(
    database_url: str, workdir: Path, *, secret_key: str, **settings: str
) -> Iterator[str]:
    """uvicorn in a subprocess on a free local port serving `database_url`, with this checkout's
    code; yields the base URL once /healthz answers. `settings` become KEZEK_* variables."""
    port = _free_port()
    env = child_env(
        KEZEK_DATABASE_URL=database_url,
        KEZEK_SECRET_KEY=secret_key,
        KEZEK_LOG_JSON="false",
        **{f"KEZEK_{k.upper()}": v for k, v in settings.items()},
    )
    log = workdir / f"server-{port}.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "kezek.asgi:app", "--host", "127.0.0.1"]
            + ["--port", str(port), "--log-level", "warning", "--backlog", "1024"],
            env=env,
            cwd=workdir,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(base_url, server, log)
        yield base_url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


# For tests whose cost is elsewhere (face models, video) and whose database work is covered on
# both backends by other tests: `@sqlite_only` runs them once.
sqlite_only = pytest.mark.parametrize("templates", ["sqlite"], indirect=True)
