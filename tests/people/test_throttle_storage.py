"""Login throttling keeps its counters in memory (one process) or in Redis (shared by workers)."""

import uuid

import pytest
from api_contract import contract_client

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
