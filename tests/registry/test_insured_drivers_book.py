"""A driver the insurance registry insures for a vehicle books it; with the registry down, the
owner still books and the driver is told to wait (the stand-in registry over HTTP)."""

import pytest
from booking_support import Fleet, booking_body, future_day
from registry_support import CARRIER_TRUCK, registry_settings


@pytest.fixture
def settings(settings, own_stub):
    # Every lookup asks the registry (no fresh cache), so stopping it shows at once.
    return registry_settings(settings, own_stub.url, registry_cache_seconds=0)


def register_truck(client, auth) -> int:
    body = {"plate": "000DAA02", "vin": CARRIER_TRUCK, "category": "truck", "country": "KZ"}
    r = client.post("/api/v1/vehicles", json=body, headers=auth("carrier"))
    assert r.status_code == 201, r.text
    return r.json()["id"]


def book(client, auth, login: str, vehicle_id: int, days: int, direction: str = "exit"):
    body = booking_body(vehicle_id, date=str(future_day(days)), direction=direction)
    return client.post("/api/v1/bookings", json=body, headers=auth(login))


def test_an_insured_driver_books_and_waits_while_the_registry_is_down(
    client, auth, engine, own_stub
):
    truck = register_truck(client, auth)
    Fleet(engine).top_up("carrier", kzt=100_000)
    r = book(client, auth, "driver", truck, days=2)
    assert r.status_code == 201, r.text

    own_stub.stop()
    r = book(client, auth, "driver", truck, days=3)
    assert (r.status_code, r.json()["error"]) == (503, "registry_unavailable")
    r = book(client, auth, "carrier", truck, days=4, direction="entry")
    assert r.status_code == 201, r.text  # owners never need the registry


def test_someone_the_registry_does_not_insure_is_refused(client, auth, engine):
    truck = register_truck(client, auth)
    r = book(client, auth, "intermediary", truck, days=2)
    assert (r.status_code, r.json()["error"]) == (403, "no_attorney")
