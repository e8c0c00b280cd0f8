"""Login throttling keeps its counters in memory (one process) or in Redis (shared by workers)."""

import socket
import uuid

import pytest
from api_contract import contract_client
from support import footprints, last_seq
from web.conftest import csrf_of

from kezek.config import Settings
from kezek.main import create_app
from kezek.people.throttle import LoginThrottle

pytestmark = pytest.mark.usefixtures("fast_demo_passwords")


@pytest.fixture(params=["memory", "redis"])
def storage_url(request: pytest.FixtureRequest) -> str:
    if request.param == "memory":
        return "memory://"
    return request.getfixturevalue("redis_url")


def fresh_throttle(storage_url: str, **limits: int) -> LoginThrottle:
    # A namespace of its own: the Redis may be shared with other test runs.
    settings = Settings(
        rate_limit_storage=storage_url, rate_limit_namespace=f"test-{uuid.uuid4().hex}", **limits
    )
    return LoginThrottle(settings)


def test_failures_of_a_login_lock_it_until_the_window_ends(storage_url):
    throttle = fresh_throttle(storage_url, login_attempts_per_account=3, login_window_seconds=60)
    for _ in range(3):
        assert throttle.retry_after(login="carrier", ip="192.0.2.1") is None
        throttle.failed(login="carrier", ip="192.0.2.1")
    wait = throttle.retry_after(login="Carrier", ip="192.0.2.2")
    assert wait is not None and 1 <= wait <= 60
    assert throttle.retry_after(login="driver", ip="192.0.2.1") is None


def test_a_success_clears_the_login_but_not_the_address(storage_url):
    throttle = fresh_throttle(
        storage_url, login_attempts_per_account=3, login_attempts_per_ip=4, login_window_seconds=60
    )
    for _ in range(3):
        throttle.failed(login="carrier", ip="192.0.2.1")
    throttle.succeeded(login="carrier")
    assert throttle.retry_after(login="carrier", ip="192.0.2.9") is None
    throttle.failed(login="driver", ip="192.0.2.1")
    assert throttle.retry_after(login="operator", ip="192.0.2.1") is not None


def test_workers_sharing_redis_share_the_lock(settings, engine, redis_url):
    """Two app instances stand for two workers: failures on one lock the login on the other."""
    shared = settings.model_copy(
        update={"rate_limit_storage": redis_url, "rate_limit_namespace": uuid.uuid4().hex}
    )
    worker_a, worker_b = create_app(shared, engine), create_app(shared, engine)
    with contract_client(worker_a) as a, contract_client(worker_b) as b:
        for _ in range(shared.login_attempts_per_account):
            r = a.post("/api/v1/auth/token", data={"username": "carrier", "password": "guess"})
            assert r.status_code == 401
        right = {"username": "carrier", "password": "kezek-demo-2026"}
        r = b.post("/api/v1/auth/token", data=right)
        assert r.status_code == 429
        assert r.json()["error"] == "too_many_attempts"


def unreachable_redis_url() -> str:
    """A Redis address where nothing listens (a port just released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"redis://127.0.0.1:{port}/0"


def test_unreachable_counters_pause_logins_instead_of_failing(settings, engine):
    """Without its counters the throttle cannot tell a guesser from a user: logins fail closed,
    with a clear 503 and Retry-After, never a 500, and the refusal is in the trail."""
    pytest.importorskip("redis")
    broken = settings.model_copy(
        update={"rate_limit_storage": unreachable_redis_url(), "rate_limit_namespace": "x"}
    )
    seq = last_seq(engine)
    with contract_client(create_app(broken, engine)) as api:
        r = api.post(
            "/api/v1/auth/token", data={"username": "carrier", "password": "kezek-demo-2026"}
        )
        assert r.status_code == 503, r.text
        assert r.json()["error"] == "login_unavailable"
        assert r.headers["Retry-After"] == "60"

        form = {"login": "carrier", "password": "kezek-demo-2026"}
        form["csrf_token"] = csrf_of(api.get("/login").text)
        page = api.post("/login", data=form)
        assert page.status_code == 503
        assert "Вход временно приостановлен" in page.text  # Russian: the default language
    refusals = footprints(engine, after=seq, action="user.login")
    assert len(refusals) == 2 and all("login_unavailable" in str(r.payload) for r in refusals)
