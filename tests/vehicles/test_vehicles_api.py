"""Registering and listing vehicles through the API: rules, refusals, roles, footprints."""

from sqlalchemy import select
from support import footprints, last_seq

from kezek.db import new_session
from kezek.models.party import User
from kezek.people.service import companies_of
from kezek.vehicles.vin import make_vin


def truck(serial: int = 1, **changes):
    body = {"plate": "123 abc-02", "vin": make_vin(serial), "category": "truck", "country": "kz"}
    return body | changes


def company_of(engine, login: str) -> int:
    session = new_session(engine)
    try:
        user = session.scalars(select(User).where(User.login == login)).one()
        return companies_of(session, person_id=user.person_id)[0].id
    finally:
        session.close()


def test_a_carrier_registers_a_truck_and_lists_it(client, auth, engine):
    before = last_seq(engine)
    r = client.post("/api/v1/vehicles", json=truck(), headers=auth("carrier"))
    assert r.status_code == 201, r.text
    made = r.json()
    assert (made["plate"], made["vin"], made["country"]) == ("123ABC02", make_vin(1), "KZ")
    listed = client.get("/api/v1/vehicles", headers=auth("carrier")).json()
    assert [v["id"] for v in listed] == [made["id"]]
    [footprint] = footprints(engine, after=before, action="vehicle.register")
    assert footprint.object_id == str(made["id"])


def test_a_carrier_registers_for_the_company_they_represent(client, auth, engine):
    company = company_of(engine, "carrier")
    r = client.post(
        "/api/v1/vehicles", json=truck(owner_company_id=company), headers=auth("carrier")
    )
    assert (r.status_code, r.json()["owner_id"]) == (201, company)
    listed = client.get("/api/v1/vehicles", headers=auth("carrier")).json()
    assert [v["owner_id"] for v in listed] == [company]


def test_a_company_one_does_not_represent_is_refused(client, auth, engine):
    company = company_of(engine, "carrier")  # the admin does not represent it
    r = client.post("/api/v1/vehicles", json=truck(owner_company_id=company), headers=auth("admin"))
    assert (r.status_code, r.json()["error"]) == (403, "not_company_representative")


def test_other_people_do_not_see_my_vehicles(client, auth):
    client.post("/api/v1/vehicles", json=truck(), headers=auth("carrier"))
    assert client.get("/api/v1/vehicles", headers=auth("driver")).json() == []


def test_a_vin_of_another_owner_is_409_and_the_same_owner_gets_the_vehicle_back(client, auth):
    first = client.post("/api/v1/vehicles", json=truck(), headers=auth("carrier")).json()
    again = client.post("/api/v1/vehicles", json=truck(), headers=auth("carrier"))
    assert (again.status_code, again.json()["id"]) == (201, first["id"])
    taken = client.post("/api/v1/vehicles", json=truck(), headers=auth("admin"))
    assert (taken.status_code, taken.json()["error"]) == (409, "vin_taken")


def test_bad_plates_vins_and_countries_are_refused_with_their_codes(client, auth, engine):
    carrier = auth("carrier")
    cases = {
        "plate_invalid": truck(plate="АВС 123"),
        "vin_invalid": truck(vin="1M8GDM9AXKPO42788"),
        "vin_check_digit": truck(vin="1M8GDM9AXKP042789"),
        "country_invalid": truck(country="XX"),
    }
    before = last_seq(engine)
    for code, body in cases.items():
        r = client.post("/api/v1/vehicles", json=body, headers=carrier)
        assert (r.status_code, r.json()["error"]) == (422, code), r.text
    refused = footprints(engine, after=before, action="vehicle.register")
    assert len(refused) == len(cases)
    assert all(f.outcome != "ok" for f in refused)
    assert client.get("/api/v1/vehicles", headers=carrier).json() == []


def test_an_unknown_category_is_a_validation_error(client, auth):
    r = client.post("/api/v1/vehicles", json=truck(category="tank"), headers=auth("carrier"))
    assert (r.status_code, r.json()["error"]) == (422, "validation_error")


def test_roles_drivers_list_but_do_not_register(client, auth):
    assert client.get("/api/v1/vehicles", headers=auth("driver")).status_code == 200
    r = client.post("/api/v1/vehicles", json=truck(), headers=auth("driver"))
    assert (r.status_code, r.json()["error"]) == (403, "forbidden")
    assert client.get("/api/v1/vehicles", headers=auth("operator")).status_code == 403
    assert client.get("/api/v1/vehicles").status_code == 401


def test_an_idempotency_key_replays_the_registration(client, auth):
    headers = {**auth("carrier"), "Idempotency-Key": "reg-1"}
    first = client.post("/api/v1/vehicles", json=truck(), headers=headers)
    second = client.post("/api/v1/vehicles", json=truck(), headers=headers)
    assert second.json() == first.json()
    assert second.headers.get("Idempotent-Replayed") == "true"
