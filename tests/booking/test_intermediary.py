"""An intermediary books for an owner under a power of attorney, within its vehicles, dates and
scopes; a revocation refuses the very next request and leaves the bookings made with the owner."""

from datetime import timedelta

import pytest
from booking_support import booking_body, future_day
from camera_support import camera_check
from support import almaty_today

from kezek.db import new_session
from kezek.models.party import User


@pytest.fixture
def truck(fleet) -> int:
    fleet.top_up("carrier", kzt=100_000)
    return fleet.vehicle("carrier")


def grant(client, auth, vehicle_id: int, *, scopes: list[str], days: int = 30) -> str:
    session = new_session(client.app.state.engine)
    try:
        iin = session.query(User).filter_by(login="intermediary").one().person.iin
    finally:
        session.close()
    body = {
        "intermediary": {"iin": iin},
        "vehicle_ids": [vehicle_id],
        "valid_from": str(almaty_today()),
        "valid_to": str(almaty_today() + timedelta(days=days)),
        "scopes": scopes,
        "confirmation": {"verification_id": camera_check(client.app.state.engine, "carrier")},
    }
    r = client.post("/api/v1/attorneys", json=body, headers=auth("carrier"))
    assert r.status_code == 201, r.text
    return r.json()["id"]


def book(client, auth, login: str, vehicle_id: int, days: int = 2, hour: int = 10):
    body = booking_body(vehicle_id, date=str(future_day(days)), hour=hour)
    return client.post("/api/v1/bookings", json=body, headers=auth(login))


def test_without_an_attorney_an_intermediary_cannot_book(client, auth, truck):
    r = book(client, auth, "intermediary", truck)
    assert r.status_code == 403 and r.json()["error"] == "no_attorney"


def test_an_attorney_lets_the_intermediary_book_for_the_owner(client, auth, truck):
    grant(client, auth, truck, scopes=["book", "view"])
    r = book(client, auth, "intermediary", truck)
    assert r.status_code == 201, r.text
    booking = r.json()
    # The booking is the owner's (and so is the fee); both see it.
    for login in ("intermediary", "carrier"):
        mine = client.get("/api/v1/bookings", headers=auth(login)).json()
        assert booking["id"] in [b["id"] for b in mine], login
    # Cancelling is outside this attorney's scope.
    r = client.post(f"/api/v1/bookings/{booking['id']}/cancel", headers=auth("intermediary"))
    assert r.status_code == 403 and r.json()["error"] == "attorney_scope"


def test_a_slot_after_the_attorney_ends_is_refused(client, auth, truck):
    grant(client, auth, truck, scopes=["book"], days=2)
    r = book(client, auth, "intermediary", truck, days=5)
    assert r.status_code == 403 and r.json()["error"] == "attorney_expired"


def test_a_revoked_attorney_refuses_the_next_request_and_leaves_the_bookings(client, auth, truck):
    attorney = grant(client, auth, truck, scopes=["book", "cancel", "view"])
    made = book(client, auth, "intermediary", truck).json()
    revoke = client.post(f"/api/v1/attorneys/{attorney}/revoke", headers=auth("carrier"), json={})
    assert revoke.status_code == 200, revoke.text

    r = book(client, auth, "intermediary", truck, days=3)
    assert r.status_code == 403 and r.json()["error"] == "attorney_revoked"
    r = client.post(f"/api/v1/bookings/{made['id']}/cancel", headers=auth("intermediary"))
    assert r.status_code == 403 and r.json()["error"] == "attorney_revoked"
    # The booking stays with the owner, who may cancel it.
    r = client.post(f"/api/v1/bookings/{made['id']}/cancel", headers=auth("carrier"))
    assert r.status_code == 200 and r.json()["status"] == "cancelled"


def test_a_revoked_attorney_hides_what_the_intermediary_booked(client, auth, truck):
    attorney = grant(client, auth, truck, scopes=["book", "cancel", "view"])
    made = book(client, auth, "intermediary", truck).json()
    r = client.post(f"/api/v1/attorneys/{attorney}/revoke", headers=auth("carrier"), json={})
    assert r.status_code == 200, r.text

    # Revocation takes effect at once for reading too: the booking is the owner's business.
    r = client.get(f"/api/v1/bookings/{made['id']}", headers=auth("intermediary"))
    assert r.status_code == 404 and r.json()["error"] == "booking_not_found"
    listed = client.get("/api/v1/bookings", headers=auth("intermediary")).json()
    assert made["id"] not in [b["id"] for b in listed]
    r = client.get(f"/api/v1/bookings/{made['id']}", headers=auth("carrier"))
    assert r.status_code == 200 and r.json()["status"] == "active"


def test_an_intermediary_substitutes_only_a_vehicle_the_attorney_covers(client, auth, fleet, truck):
    spare = fleet.vehicle("carrier")
    grant(client, auth, truck, scopes=["book", "cancel", "view"])
    made = book(client, auth, "intermediary", truck).json()
    body = {"vehicle_id": spare, "reason": "gearbox"}
    url = f"/api/v1/bookings/{made['id']}/substitute"
    r = client.post(url, json=body, headers=auth("intermediary"))
    assert r.status_code == 403 and r.json()["error"] == "no_attorney"
    assert (
        client.get(f"/api/v1/bookings/{made['id']}", headers=auth("carrier")).json()["vehicle"][
            "id"
        ]
        == truck
    )
    r = client.post(url, json=body, headers=auth("carrier"))  # the owner may
    assert r.status_code == 200 and r.json()["vehicle"]["id"] == spare


def test_the_view_scope_shows_the_owners_bookings_of_the_covered_vehicle(
    client, auth, fleet, truck
):
    other_truck = fleet.vehicle("carrier")
    mine = book(client, auth, "carrier", truck).json()["id"]
    not_covered = book(client, auth, "carrier", other_truck).json()["id"]

    def seen() -> set[int]:
        listed = client.get("/api/v1/bookings", headers=auth("intermediary")).json()
        return {b["id"] for b in listed}

    attorney = grant(client, auth, truck, scopes=["book"])  # no view: the owner's stay hidden
    assert seen() == set()
    assert client.get(f"/api/v1/bookings/{mine}", headers=auth("intermediary")).status_code == 404
    viewing = grant(client, auth, truck, scopes=["view"])
    assert seen() == {mine}  # not the bookings of the vehicle the attorney does not name
    r = client.get(f"/api/v1/bookings/{mine}", headers=auth("intermediary"))
    assert r.status_code == 200 and not_covered not in seen()
    # Viewing is not cancelling: the refusal names the missing scope.
    r = client.post(f"/api/v1/bookings/{mine}/cancel", headers=auth("intermediary"))
    assert r.status_code == 403 and r.json()["error"] == "attorney_scope"
    for public_id in (attorney, viewing):
        client.post(f"/api/v1/attorneys/{public_id}/revoke", headers=auth("carrier"), json={})
    assert seen() == set()  # revoked: at once
