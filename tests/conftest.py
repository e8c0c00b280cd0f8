"""Shared fixtures: real databases on SQLite and PostgreSQL, fresh for every test.

Each backend is migrated once into a template (and once more with the demo data loaded); every
test gets its own copy: a copied file on SQLite, `CREATE DATABASE ... TEMPLATE` on PostgreSQL.
When no PostgreSQL answers, its tests skip with a loud warning, unless KEZEK_REQUIRE_POSTGRES is
set (CI sets it), in which case they fail.
"""

import os
import shutil
import uuid
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session

from kezek.config import Settings
from kezek.db import make_engine, new_session

DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
PG_URL = os.environ.get("KEZEK_TEST_POSTGRES_URL", DEFAULT_PG_URL)
BACKENDS = ["sqlite", "postgresql"]
TEST_SECRET = "test-secret-key-not-for-production"


def _pg_admin_engine() -> Engine:
    return create_engine(PG_URL, isolation_level="AUTOCOMMIT", pool_size=1, max_overflow=0)


def _pg_problem() -> str | None:
    try:
        with _pg_admin_engine().connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as err:  # noqa: BLE001 - any failure means "not reachable"
        return f"{type(err).__name__}: {str(err).splitlines()[0]}"
    return None


@pytest.fixture(scope="session")
def pg_available() -> bool:
    problem = _pg_problem()
    if problem is None:
        return True
    message = f"PostgreSQL at {PG_URL} is not reachable ({problem}): its tests are SKIPPED"
    if os.environ.get("KEZEK_REQUIRE_POSTGRES"):
        pytest.fail(message.replace("SKIPPED", "required (KEZEK_REQUIRE_POSTGRES is set)"))
    warnings.warn(message, stacklevel=1)
    return False


class Templates:
    """Migrated template databases of one backend, copied for each test."""

    def __init__(self, backend: str, workdir: Path):
        self.backend = backend
        self.workdir = workdir
        self.suffix = uuid.uuid4().hex[:8]
        self.made: list[str] = []

    def template_url(self, name: str) -> str:
        if self.backend == "sqlite":
            return f"sqlite:///{self.workdir / f'{name}.db'}"
        return str(make_url(PG_URL).set(database=f"kezek_{name}_{self.suffix}"))

    def build(self, name: str, *, demo: bool) -> None:
        from kezek import demo as demo_data
        from kezek.migrate import upgrade

        url = self.template_url(name)
        if self.backend == "postgresql":
            self._pg_exec(f'CREATE DATABASE "{make_url(url).database}"')
        engine = make_engine(url)
        upgrade(engine)
        if demo:
            session = new_session(engine)
            demo_data.load_demo(session)
            session.commit()
            session.close()
        engine.dispose()
        self.made.append(url)

    def copy(self, name: str) -> str:
        target = f"{name}_{uuid.uuid4().hex[:8]}"
        if self.backend == "sqlite":
            path = self.workdir / f"{target}.db"
            shutil.copyfile(self.workdir / f"{name}.db", path)
            return f"sqlite:///{path}"
        url = make_url(self.template_url(name))
        copy_url = url.set(database=f"{url.database}_{target[-8:]}")
        self._pg_exec(f'CREATE DATABASE "{copy_url.database}" TEMPLATE "{url.database}"')
        return str(copy_url.render_as_string(hide_password=False))

    def clone(self, url: str) -> str:
        """A copy of the database at `url` (on PostgreSQL, nobody may be connected to it)."""
        target = uuid.uuid4().hex[:8]
        source = make_url(url)
        if self.backend == "sqlite":
            path = Path(source.database or "")
            copy = path.with_name(f"{path.stem}_{target}.db")
            shutil.copyfile(path, copy)
            return f"sqlite:///{copy}"
        copy_url = source.set(database=f"{source.database[:40]}_{target}")
        self._pg_exec(f'CREATE DATABASE "{copy_url.database}" TEMPLATE "{source.database}"')
        return str(copy_url.render_as_string(hide_password=False))

    def drop(self, url: str) -> None:
        if self.backend == "sqlite":
            Path(make_url(url).database or "").unlink(missing_ok=True)
            return
        self._pg_exec(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')

    def close(self) -> None:
        for url in self.made:
            self.drop(url)

    @staticmethod
    def _pg_exec(sql: str) -> None:
        admin = _pg_admin_engine()
        with admin.connect() as conn:
            conn.execute(text(sql))
        admin.dispose()


@pytest.fixture(scope="session", params=BACKENDS)
def templates(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Templates]:
    backend = request.param
    if backend == "postgresql" and not request.getfixturevalue("pg_available"):
        pytest.skip("PostgreSQL not reachable")
    tpl = Templates(backend, tmp_path_factory.mktemp(f"db-{backend}"))
    tpl.build("empty", demo=False)
    tpl.build("demo", demo=True)
    yield tpl
    tpl.close()


def _fresh_engine(templates: Templates, name: str) -> Iterator[Engine]:
    url = templates.copy(name)
    engine = make_engine(url)
    yield engine
    engine.dispose()
    templates.drop(url)


@pytest.fixture
def backend(templates: Templates) -> str:
    return templates.backend


@pytest.fixture
def engine(templates: Templates) -> Iterator[Engine]:
    """A fresh database with the migrations and the demo data (crossings, one login per role)."""
    yield from _fresh_engine(templates, "demo")


@pytest.fixture
def empty_engine(templates: Templates) -> Iterator[Engine]:
    """A fresh, migrated database with no rows."""
    yield from _fresh_engine(templates, "empty")


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    s = new_session(engine)
    yield s
    s.rollback()
    s.close()


@pytest.fixture
def settings(engine: Engine, tmp_path: Path) -> Settings:
    return Settings(
        database_url=engine.url.render_as_string(hide_password=False),
        media_dir=tmp_path / "media",
        signing_key_file=tmp_path / "keys" / "attorney_signing_key.pem",
        secret_key=TEST_SECRET,
        log_json=False,
    )


@pytest.fixture
def app(settings: Settings, engine: Engine):  # type: ignore[no-untyped-def]
    from kezek.main import create_app

    return create_app(settings, engine)


@pytest.fixture
def client(app) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(app) as c:
        yield c


DEMO_PASSWORD = "kezek-demo-2026"


def bearer(client: TestClient, login: str, password: str = DEMO_PASSWORD) -> dict[str, str]:
    """Authorization header of a fresh token for `login`."""
    r = client.post("/api/v1/auth/token", data={"username": login, "password": password})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


@pytest.fixture
def auth(client: TestClient):  # type: ignore[no-untyped-def]
    """auth("admin") -> headers for that demo login."""
    cache: dict[str, dict[str, str]] = {}

    def headers(login: str) -> dict[str, str]:
        if login not in cache:
            cache[login] = bearer(client, login)
        return cache[login]

    return headers


REDIS_URL = os.environ.get("KEZEK_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture(scope="session")
def redis_url() -> str:
    """A reachable Redis for the tests that need one; skipped loudly when none answers, unless
    KEZEK_REQUIRE_REDIS is set (CI sets it), in which case they fail."""
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except Exception as err:  # noqa: BLE001 - missing client or no server: "not reachable"
        message = f"Redis at {REDIS_URL} is not reachable ({type(err).__name__}: {err}): SKIPPED"
        if os.environ.get("KEZEK_REQUIRE_REDIS"):
            pytest.fail(message.replace("SKIPPED", "required (KEZEK_REQUIRE_REDIS is set)"))
        warnings.warn(message, stacklevel=1)
        pytest.skip(message)
    return REDIS_URL
