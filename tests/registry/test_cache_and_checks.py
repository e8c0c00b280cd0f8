"""The database cache and the checks for the booking rule, with the stand-in over HTTP, on both
backends: fresh records answer without asking, stale ones are refreshed, and while the registry
is down a stale record serves owners while drivers wait."""

from datetime import date

import pytest
from registry_support import CARRIER_TRUCK, UNKNOWN_VIN, fast_registry_settings
from sqlalchemy import select

from kezek.config import Settings
from kezek.models.party import Party, User
from kezek.models.registry import RegistryRecord
from kezek.models.vehicle import Vehicle
from kezek.registry.cache import CachedRegistry
from kezek.registry.client import HttpRegistry
from kezek.registry.errors import RegistryUnavailable
from kezek.registry.service import insured_driver_of, registry_owner_of

ON = date(2026, 12, 1)


def cached(session, url: str, *, max_age: float = 3600) -> CachedRegistry:
    source = HttpRegistry(Settings(**fast_registry_settings(url)))
    return CachedRegistry(source, session, max_age_seconds=max_age)


def person(session, login: str) -> Party:
    return session.scalars(select(User).where(User.login == login)).one().person


def carrier_truck(session) -> Vehicle:
    vehicle = Vehicle(
        owner_id=person(session, "carrier").id,
        plate="000DAA02",
        vin=CARRIER_TRUCK,
        category="truck",
        country="KZ",
    )
    session.add(vehicle)
    session.flush()
    return vehicle


def test_a_fresh_record_answers_without_asking(session, stub):
    registry = cached(session, stub.url)
    first = registry.vehicle(CARRIER_TRUCK)
    assert registry.vehicle(CARRIER_TRUCK) == first
    assert stub.lookups() == 1
    assert session.get(RegistryRecord, CARRIER_TRUCK).payload["vin"] == CARRIER_TRUCK


def test_an_unknown_vin_is_cached_too(session, stub):
    registry = cached(session, stub.url)
    assert registry.vehicle(UNKNOWN_VIN) is None
    assert registry.vehicle(UNKNOWN_VIN) is None
    assert stub.lookups() == 1


def test_a_stale_record_is_refreshed(session, stub):
    registry = cached(session, stub.url, max_age=0)
    registry.vehicle(CARRIER_TRUCK)
    fetched = session.get(RegistryRecord, CARRIER_TRUCK).fetched_at
    registry.vehicle(CARRIER_TRUCK)
    assert stub.lookups() == 2
    assert session.get(RegistryRecord, CARRIER_TRUCK).fetched_at > fetched


def test_down_a_stale_record_serves_only_when_allowed(session, own_stub):
    registry = cached(session, own_stub.url, max_age=0)
    known = registry.vehicle(CARRIER_TRUCK)
    own_stub.stop()
    assert registry.vehicle(CARRIER_TRUCK, allow_stale=True) == known
    with pytest.raises(RegistryUnavailable):
        registry.vehicle(CARRIER_TRUCK)


def test_insured_drivers_and_owners(session, stub):
    registry = cached(session, stub.url)
    truck = carrier_truck(session)
    driver, carrier, analyst = (person(session, x) for x in ("driver", "carrier", "analyst"))
    assert insured_driver_of(session, registry, truck, driver, on=ON)
    assert not insured_driver_of(session, registry, truck, analyst, on=ON)
    assert not insured_driver_of(session, registry, truck, driver, on=date(2028, 1, 1))  # expired
    assert registry_owner_of(session, registry, truck, [carrier])
    assert not registry_owner_of(session, registry, truck, [driver])


def test_the_carrier_company_is_a_holder(session, stub):
    from kezek.people.service import companies_of

    truck = carrier_truck(session)
    [company] = companies_of(session, person_id=person(session, "carrier").id)
    assert registry_owner_of(session, cached(session, stub.url), truck, [company])


def test_down_owners_pass_from_the_stale_cache_and_drivers_wait(session, own_stub):
    registry = cached(session, own_stub.url, max_age=0)
    truck = carrier_truck(session)
    assert insured_driver_of(session, registry, truck, person(session, "driver"), on=ON)
    own_stub.stop()
    assert registry_owner_of(session, registry, truck, [person(session, "carrier")])
    with pytest.raises(RegistryUnavailable):
        insured_driver_of(session, registry, truck, person(session, "driver"), on=ON)


def test_down_with_nothing_cached_even_the_owner_check_cannot_know(session, own_stub):
    registry = cached(session, own_stub.url)
    truck = carrier_truck(session)
    own_stub.stop()
    with pytest.raises(RegistryUnavailable):
        registry_owner_of(session, registry, truck, [person(session, "carrier")])


def test_without_a_registry_nobody_is_named(session):
    truck = carrier_truck(session)
    assert not insured_driver_of(session, None, truck, person(session, "driver"), on=ON)
    assert not registry_owner_of(session, None, truck, [person(session, "carrier")])
