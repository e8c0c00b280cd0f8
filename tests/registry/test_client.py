"""The HTTP client against the stand-in registry over the network: timeouts, retries,
the circuit breaker, unknown VINs, and the registry down. No database here."""

import time

import pytest
from registry_support import CARRIER_TRUCK, UNKNOWN_VIN, fast_registry_settings

from kezek.config import Settings
from kezek.registry.client import HttpRegistry
from kezek.registry.errors import RegistryUnavailable


def client_for(url: str, **changes) -> HttpRegistry:
    return HttpRegistry(Settings(**fast_registry_settings(url, **changes)))


def test_a_known_vin_gives_owner_holders_and_insured_drivers(stub):
    found = client_for(stub.url).vehicle(CARRIER_TRUCK)
    assert found is not None and found.vin == CARRIER_TRUCK
    assert found.owner.kind == "person" and found.owner.iin
    assert [h.kind for h in found.holders] == ["company"]
    assert len(found.insured_drivers) == 2


def test_an_unknown_vin_is_none_not_an_error(stub):
    assert client_for(stub.url).vehicle(UNKNOWN_VIN) is None


def test_a_slow_answer_times_out_and_the_retry_succeeds(stub):
    stub.control(delay_seconds=2, slow_count=1)  # longer than the 0.3 s read timeout
    started = time.monotonic()
    assert client_for(stub.url).vehicle(CARRIER_TRUCK) is not None
    assert time.monotonic() - started < 1.5  # one timeout, not the whole delay
    assert stub.lookups() == 2


def test_answers_slower_than_every_retry_are_unavailable(stub):
    stub.control(delay_seconds=2, slow_count=-1)
    with pytest.raises(RegistryUnavailable):
        client_for(stub.url, registry_retries=1).vehicle(CARRIER_TRUCK)
    assert stub.lookups() == 2


def test_5xx_answers_are_retried(stub):
    stub.control(fail_count=2)
    assert client_for(stub.url, registry_retries=2).vehicle(CARRIER_TRUCK) is not None
    assert stub.lookups() == 3


def test_the_breaker_opens_refuses_fast_then_half_opens_and_recovers(stub):
    registry = client_for(stub.url, registry_retries=0, registry_breaker_failures=3)
    stub.control(fail_count=-1)
    for _ in range(3):
        with pytest.raises(RegistryUnavailable):
            registry.vehicle(CARRIER_TRUCK)
    assert stub.lookups() == 3
    # Open: refused without asking the registry.
    started = time.monotonic()
    with pytest.raises(RegistryUnavailable):
        registry.vehicle(CARRIER_TRUCK)
    assert time.monotonic() - started < 0.05
    assert stub.lookups() == 3
    # After the cool-down one lookup goes through (half-open); still failing: open again.
    time.sleep(0.6)
    with pytest.raises(RegistryUnavailable):
        registry.vehicle(CARRIER_TRUCK)
    assert stub.lookups() == 4
    with pytest.raises(RegistryUnavailable):
        registry.vehicle(CARRIER_TRUCK)
    assert stub.lookups() == 4
    # The registry recovers: after the next cool-down the trial lookup closes the breaker.
    stub.reset()
    time.sleep(0.6)
    assert registry.vehicle(CARRIER_TRUCK) is not None
    assert registry.vehicle(CARRIER_TRUCK) is not None
    assert stub.lookups() == 2


def test_the_registry_down_is_unavailable_not_a_crash(own_stub):
    registry = client_for(own_stub.url)
    own_stub.stop()
    with pytest.raises(RegistryUnavailable) as refused:
        registry.vehicle(CARRIER_TRUCK)
    assert refused.value.status_code == 503
    assert "Owners still book" in refused.value.detail
