"""A driver finds the truck the insurance registry insures them to drive by its plate (API and
booking form), books it, and then sees it offered; others are told what they lack."""

import pytest
from booking_support import Fleet, future_day
from registry_support import registry_settings
from support import fast_demo_passwords  # noqa: F401
from web.conftest import log_in, web  # noqa: F401
from web.test_booking_pages import _booking_ids, _form

from kezek.web.i18n import COOKIE
from registry.test_insured_drivers_book import book, register_truck

PLATE = "000DAA02"  # the plate register_truck gives CARRIER_TRUCK


@pytest.fixture
def settings(settings, own_stub):
    return registry_settings(settings, own_stub.url, registry_cache_seconds=0)


@pytest.fixture
def truck(client, auth, engine) -> int:
    vehicle = register_truck(client, auth)
    Fleet(engine).top_up("carrier", kzt=100_000)
    return vehicle


def bookable(client, auth, login: str, plate: str | None = None):
    params = {"plate": plate} if plate else {}
    return client.get("/api/v1/vehicles/bookable", params=params, headers=auth(login))


def test_the_driver_finds_the_truck_by_plate_and_then_sees_it_offered(client, auth, truck):
    assert bookable(client, auth, "driver").json() == []  # never booked it: not offered yet
    r = bookable(client, auth, "driver", plate=" 000 daa02 ")
    assert r.status_code == 200, r.text
    assert [(v["id"], v["ground"]) for v in r.json()] == [(truck, "driver")]

    assert book(client, auth, "driver", truck, days=2).status_code == 201
    assert [(v["id"], v["ground"]) for v in bookable(client, auth, "driver").json()] == [
        (truck, "driver")
    ]
    owner_view = bookable(client, auth, "carrier").json()
    assert (truck, "owner") in [(v["id"], v["ground"]) for v in owner_view]


def test_the_lookup_says_what_is_missing(client, auth, truck, own_stub):
    r = bookable(client, auth, "intermediary", plate=PLATE)
    assert (r.status_code, r.json()["error"]) == (403, "no_attorney")
    r = bookable(client, auth, "driver", plate="999ZZZ99")
    assert (r.status_code, r.json()["error"]) == (404, "plate_not_registered")
    own_stub.stop()
    r = bookable(client, auth, "driver", plate=PLATE)
    assert (r.status_code, r.json()["error"]) == (503, "registry_unavailable")


@pytest.mark.usefixtures("fast_demo_passwords")
def test_the_driver_books_through_the_form_by_plate(web, truck, own_stub):  # noqa: F811
    web.cookies.set(COOKIE, "en")
    token = log_in(web, "driver")
    form = web.get(f"/bookings/new?crossing=NUR_ZHOLY&direction=exit&date={future_day()}&hour=10")
    assert PLATE not in form.text and "Plate of another vehicle" in form.text

    r = web.post("/bookings/new", data=_form("plate", token, vehicle_plate=PLATE))  # type: ignore[arg-type]
    assert r.status_code == 200 and r.url.path == "/bookings", r.text[-1500:]
    assert len(_booking_ids(r.text)) == 1
    form = web.get("/bookings/new")
    assert "As an insured driver" in form.text and PLATE in form.text

    own_stub.stop()  # the registry down: the refusal says why, next to the plate
    r = web.post(
        "/bookings/new",
        data=_form("plate", token, vehicle_plate=PLATE, hour="11"),  # type: ignore[arg-type]
    )
    assert r.status_code == 503
    assert "insurance registry cannot be reached" in r.text
    assert f'value="{PLATE}"' in r.text  # what was typed is kept
