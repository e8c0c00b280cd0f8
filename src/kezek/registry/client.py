"""The registry over HTTP: timeouts, retries with backoff and jitter, and a circuit breaker.

One HttpRegistry per process (the breaker's count is shared by all requests): after
`registry_breaker_failures` failed lookups in a row it refuses at once, without the network,
for `registry_breaker_reset_seconds`; then one lookup is let through (half-open) and its
outcome closes or re-opens it. A failed lookup is one whose retries all failed.
"""

import logging
from typing import Protocol
from urllib.parse import quote

import httpx
import pybreaker
from tenacity import (
    Retrying,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential,
    wait_random,
)

from kezek.config import Settings
from kezek.registry.errors import RegistryUnavailable
from kezek.registry.schemas import RegistryVehicle

log = logging.getLogger(__name__)


class Registry(Protocol):
    def vehicle(self, vin: str, *, allow_stale: bool = False) -> RegistryVehicle | None:
        """What the registry says of `vin`; None if it does not know it.

        Raises RegistryUnavailable when it cannot be asked. `allow_stale`: a cached answer
        older than the cache's limit may stand in for an unreachable registry."""
        ...


class _Retryable(Exception):
    """A 5xx answer: worth asking again."""


class HttpRegistry:
    """The registry's HTTP API: `GET {url}/api/v1/vehicles/{vin}` gives 200 and the vehicle
    (the format of RegistryVehicle.to_json) or 404. No cache here: see cache.CachedRegistry."""

    def __init__(self, settings: Settings, transport: httpx.BaseTransport | None = None):
        self.base_url = settings.registry_url.rstrip("/")
        self.retries = settings.registry_retries
        self.backoff = settings.registry_backoff_seconds
        timeout = httpx.Timeout(
            settings.registry_read_timeout_seconds,
            connect=settings.registry_connect_timeout_seconds,
        )
        self.http = httpx.Client(timeout=timeout, transport=transport)
        self.breaker = pybreaker.CircuitBreaker(
            fail_max=settings.registry_breaker_failures,
            reset_timeout=settings.registry_breaker_reset_seconds,
            name="registry",
        )

    def vehicle(self, vin: str, *, allow_stale: bool = False) -> RegistryVehicle | None:
        try:
            return self.breaker.call(self._fetch_with_retries, vin)
        except pybreaker.CircuitBreakerError:
            raise RegistryUnavailable() from None
        except (httpx.HTTPError, _Retryable, ValueError, KeyError) as err:
            log.warning("registry lookup failed: %s: %s", type(err).__name__, err)
            raise RegistryUnavailable() from None

    def close(self) -> None:
        self.http.close()

    def _fetch_with_retries(self, vin: str) -> RegistryVehicle | None:
        retrying = Retrying(
            stop=stop_after_attempt(self.retries + 1),
            # backoff, 2x, 4x ... up to 8x, plus up to one backoff of jitter so that many
            # requests failing together do not come back together
            wait=wait_exponential(multiplier=self.backoff, max=self.backoff * 8)
            + wait_random(0, self.backoff),
            retry=retry_if_exception_type((httpx.TransportError, _Retryable)),
            reraise=True,
        )
        return retrying(self._fetch, vin)

    def _fetch(self, vin: str) -> RegistryVehicle | None:
        answer = self.http.get(f"{self.base_url}/api/v1/vehicles/{quote(vin, safe='')}")
        if answer.status_code == 404:
            return None
        if answer.status_code >= 500:
            raise _Retryable(f"the registry answered {answer.status_code}")
        answer.raise_for_status()  # another 4xx: a fault of ours, not worth repeating
        return RegistryVehicle.from_json(answer.json())
