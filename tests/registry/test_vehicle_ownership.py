"""Registering a vehicle consults the registry (the stand-in over HTTP): refusal codes through
the API, foreign vehicles pending an operator's certificate check, and the registry down."""

import io

import pytest
from api_contract import contract_client
from booking_support import Fleet, booking_body, future_day
from registry_support import CARRIER_TRUCK, STRANGERS_TRUCK, UNKNOWN_VIN, registry_settings
from support import footprints, last_seq

from kezek.main import create_app
from kezek.vehicles.vin import make_vin

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
PDF = b"%PDF-1.7\n" + b"%" * 64


@pytest.fixture
def settings(settings, stub):
    """The shared settings, with the shared stand-in as the registry."""
    return registry_settings(settings, stub.url)


def truck(vin: str, country: str = "KZ") -> dict[str, str]:
    return {"plate": "000DAA02", "vin": vin, "category": "truck", "country": country}


def test_the_registry_owner_registers_and_is_confirmed(client, auth):
    r = client.post("/api/v1/vehicles", json=truck(CARRIER_TRUCK), headers=auth("carrier"))
    assert r.status_code == 201, r.text
    assert r.json()["registry_status"] == "confirmed"


def test_a_holder_company_registers_too(client, auth, engine):
    from vehicles.test_vehicles_api import company_of

    body = truck(CARRIER_TRUCK) | {"owner_company_id": company_of(engine, "carrier")}
    r = client.post("/api/v1/vehicles", json=body, headers=auth("carrier"))
    assert (r.status_code, r.json()["registry_status"]) == (201, "confirmed")


def test_someone_elses_vehicle_is_refused_naming_the_owner_masked(client, auth):
    r = client.post("/api/v1/vehicles", json=truck(STRANGERS_TRUCK), headers=auth("carrier"))
    assert (r.status_code, r.json()["error"]) == (409, "registry_owner_mismatch")
    detail = r.json()["detail"]
    assert "a person with IIN 60********" in detail, detail
    assert client.get("/api/v1/vehicles", headers=auth("carrier")).json() == []


def test_a_kazakh_vehicle_unknown_to_the_registry_is_refused(client, auth):
    r = client.post("/api/v1/vehicles", json=truck(UNKNOWN_VIN), headers=auth("carrier"))
    assert (r.status_code, r.json()["error"]) == (409, "registry_vehicle_unknown")


def test_an_unknown_foreign_vehicle_waits_for_the_operator(client, auth, engine):
    Fleet(engine).top_up("carrier")
    before = last_seq(engine)
    r = client.post("/api/v1/vehicles", json=truck(UNKNOWN_VIN, "UZ"), headers=auth("carrier"))
    assert (r.status_code, r.json()["registry_status"]) == (201, "pending")
    vehicle_id = r.json()["id"]
    url = f"/api/v1/vehicles/{vehicle_id}/certificate"

    def upload(data: bytes, login: str = "carrier"):
        files = {"certificate": ("scan.pdf", io.BytesIO(data), "application/pdf")}
        return client.post(url, files=files, headers=auth(login))

    def book(day: int):
        body = booking_body(vehicle_id, date=str(future_day(day)))
        return client.post("/api/v1/bookings", json=body, headers=auth("carrier"))

    assert book(2).json()["error"] == "vehicle_not_confirmed"  # not until an operator checks
    assert upload(b"GIF89a not accepted").json()["error"] == "certificate_invalid"
    assert upload(PDF, login="driver").status_code == 403  # not a registrar
    assert upload(PDF).json()["has_certificate"] is True
    pending = client.get("/api/v1/vehicles/pending", headers=auth("operator")).json()
    assert [v["id"] for v in pending] == [vehicle_id]
    assert client.get("/api/v1/vehicles/pending", headers=auth("carrier")).status_code == 403
    scan = client.get(url, headers=auth("operator"))
    assert (scan.status_code, scan.content) == (200, PDF)

    decide = f"{url}/decision"
    no_reason = client.post(decide, json={"decision": "reject"}, headers=auth("operator"))
    assert no_reason.json()["error"] == "reason_required"
    rejected = client.post(
        decide, json={"decision": "reject", "reason": "Blurred"}, headers=auth("operator")
    ).json()
    assert (rejected["registry_status"], rejected["registry_reason"]) == ("rejected", "Blurred")
    assert book(2).json()["error"] == "vehicle_not_confirmed"
    assert upload(PNG).json()["registry_status"] == "pending"  # a new scan: checked again
    confirmed = client.post(decide, json={"decision": "confirm"}, headers=auth("operator"))
    assert confirmed.json()["registry_status"] == "confirmed"
    assert book(2).status_code == 201
    again = client.post(decide, json={"decision": "confirm"}, headers=auth("operator"))
    assert again.json()["error"] == "vehicle_not_pending"
    actions = [f.action for f in footprints(engine, after=before, object_type="vehicle")]
    assert actions == [
        "vehicle.register",
        "vehicle.certificate_upload",
        "vehicle.certificate_reject",
        "vehicle.certificate_upload",
        "vehicle.certificate_confirm",
    ]


def test_a_certificate_of_another_owners_vehicle_is_404(client, auth):
    r = client.post("/api/v1/vehicles", json=truck(UNKNOWN_VIN, "UZ"), headers=auth("carrier"))
    files = {"certificate": ("scan.pdf", io.BytesIO(PDF), "application/pdf")}
    other = client.post(
        f"/api/v1/vehicles/{r.json()['id']}/certificate", files=files, headers=auth("admin")
    )
    assert (other.status_code, other.json()["error"]) == (404, "vehicle_not_found")


def test_a_confirmed_vehicle_takes_no_certificate(client, auth):
    r = client.post("/api/v1/vehicles", json=truck(CARRIER_TRUCK), headers=auth("carrier"))
    files = {"certificate": ("scan.pdf", io.BytesIO(PDF), "application/pdf")}
    answer = client.post(
        f"/api/v1/vehicles/{r.json()['id']}/certificate", files=files, headers=auth("carrier")
    )
    assert (answer.status_code, answer.json()["error"]) == (409, "vehicle_not_pending")


def test_registry_down_is_503_and_nothing_is_stored(settings, engine, auth, own_stub):
    app = create_app(registry_settings(settings, own_stub.url), engine)
    own_stub.stop()
    with contract_client(app) as client:
        r = client.post("/api/v1/vehicles", json=truck(CARRIER_TRUCK), headers=auth("carrier"))
        assert (r.status_code, r.json()["error"]) == (503, "registry_unavailable")
        assert "Retry-After" in r.headers
        assert client.get("/api/v1/vehicles", headers=auth("carrier")).json() == []


def test_a_slow_registry_is_waited_for_through_a_retry(client, auth, stub):
    stub.control(delay_seconds=2, slow_count=1)
    r = client.post("/api/v1/vehicles", json=truck(CARRIER_TRUCK), headers=auth("carrier"))
    assert (r.status_code, r.json()["registry_status"]) == (201, "confirmed")


def test_a_failing_registry_opens_the_breaker_and_refusals_stay_clean(client, auth, stub):
    stub.control(fail_count=-1)
    codes = [
        client.post(
            "/api/v1/vehicles",
            json=truck(make_vin(n, wmi="LZZ", vds="5BLSB")),
            headers=auth("carrier"),
        ).status_code
        for n in range(6)
    ]
    assert codes == [503] * 6
    assert stub.lookups() == 3 * 3  # 3 failures of 3 attempts each open it; then no asking


def test_without_a_registry_vehicles_register_unchecked(settings, engine, auth):
    app = create_app(settings.model_copy(update={"registry_url": ""}), engine)
    with contract_client(app) as client:
        r = client.post("/api/v1/vehicles", json=truck(STRANGERS_TRUCK), headers=auth("carrier"))
        assert (r.status_code, r.json()["registry_status"]) == (201, "unchecked")


def test_a_certificate_over_10_mb_is_refused_unstored(client, auth, settings):
    r = client.post("/api/v1/vehicles", json=truck(UNKNOWN_VIN, "UZ"), headers=auth("carrier"))
    big = PDF + b"0" * (10 * 1024 * 1024)
    files = {"certificate": ("scan.pdf", io.BytesIO(big), "application/pdf")}
    answer = client.post(
        f"/api/v1/vehicles/{r.json()['id']}/certificate", files=files, headers=auth("carrier")
    )
    assert (answer.status_code, answer.json()["error"]) == (413, "certificate_too_large")
    assert not list(settings.media_dir.glob("certificate-*"))
