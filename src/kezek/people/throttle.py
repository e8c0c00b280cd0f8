"""Brute-force throttling of logins with the `limits` library (moving windows).

Failures count per login name and per client address; a success does not reset the address
counter, so spraying many accounts from one address is limited too. The counters live in the
`KEZEK_RATE_LIMIT_STORAGE` (memory of one process, or Redis shared by all workers).
"""

import math
import time

from limits import RateLimitItemPerSecond, storage, strategies

from kezek.config import Settings


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
        for item, key in self._items(login, ip):
            if not self._limiter.test(item, self._namespace, key):
                reset_at, _ = self._limiter.get_window_stats(item, self._namespace, key)
                return max(1, math.ceil(reset_at - time.time()))
        return None

    def failed(self, *, login: str, ip: str) -> None:
        for item, key in self._items(login, ip):
            self._limiter.hit(item, self._namespace, key)

    def succeeded(self, *, login: str) -> None:
        self._limiter.clear(self._per_account, self._namespace, f"login:{login.lower()}")

    def reset(self) -> None:
        self._storage.reset()
