"""Brute-force throttling of logins with the `limits` library (moving windows).

Failures count per login name and per client address; a success does not reset the address
counter, so spraying many accounts from one address is limited too. The counters live in the
`KEZEK_RATE_LIMIT_STORAGE` (memory of one process, or Redis shared by all workers).
"""

import math
import time
from collections.abc import Iterator
from contextlib import contextmanager

import structlog
from limits import RateLimitItemPerSecond, storage, strategies
from limits.errors import StorageError

from kezek.config import Settings
from kezek.errors import LoginUnavailable

try:
    from redis.exceptions import RedisError
except ImportError:  # the Redis client is only there when Redis storage is configured
    RedisError = StorageError  # type: ignore[assignment,misc]

log = structlog.get_logger("kezek.throttle")

# Without its counters the throttle cannot tell a guesser from a user: logins fail closed.
UNREACHABLE = (StorageError, RedisError, OSError)


@contextmanager
def _counters() -> Iterator[None]:
    try:
        yield
    except UNREACHABLE as err:
        log.warning("login counters unreachable", error=repr(err))
        raise LoginUnavailable() from err


class LoginThrottle:
    def __init__(self, settings: Settings):
        self._storage = storage.storage_from_string(settings.rate_limit_storage)
        self._limiter = strategies.MovingWindowRateLimiter(self._storage)
        window = settings.login_window_seconds
        self._per_account = RateLimitItemPerSecond(settings.login_attempts_per_account, window)
        self._per_ip = RateLimitItemPerSecond(settings.login_attempts_per_ip, window)
        self._namespace = settings.rate_limit_namespace

    def _items(self, login: str, ip: str) -> list[tuple[RateLimitItemPerSecond, str]]:
        return [(self._per_account, f"login:{login.lower()}"), (self._per_ip, f"ip:{ip}")]

    def retry_after(self, *, login: str, ip: str) -> int | None:
        """Seconds to wait when either counter is exhausted, else None."""
        with _counters():
            for item, key in self._items(login, ip):
                if not self._limiter.test(item, self._namespace, key):
                    reset_at, _ = self._limiter.get_window_stats(item, self._namespace, key)
                    return max(1, math.ceil(reset_at - time.time()))
        return None

    def failed(self, *, login: str, ip: str) -> None:
        with _counters():
            for item, key in self._items(login, ip):
                self._limiter.hit(item, self._namespace, key)

    def succeeded(self, *, login: str) -> None:
        with _counters():
            self._limiter.clear(self._per_account, self._namespace, f"login:{login.lower()}")

    def reset(self) -> None:
        self._storage.reset()
