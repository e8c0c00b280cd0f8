"""The owner registers vehicles through /vehicles against the stand-in registry (a subprocess)
and uploads the certificate of a foreign one; an operator checks it on /checkpoint/vehicles."""

import json
import re

import pytest
from registry_support import (  # noqa: F401
    CARRIER_TRUCK,
    STRANGERS_TRUCK,
    UNKNOWN_VIN,
    registry_settings,
    shared_stub,
    stub,
)
from support import fast_demo_passwords, footprints, last_seq  # noqa: F401

from kezek.vehicles.ownership import MAX_CERTIFICATE_BYTES
from kezek.web.i18n import COOKIE
from web.conftest import csrf_of, log_in
from web.test_account import register_form

pytestmark = pytest.mark.usefixtures("fast_demo_passwords")

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
PDF = b"%PDF-1.7\n" + b"%" * 64


@pytest.fixture
def settings(settings, stub):  # noqa: F811
    """The shared settings, with the shared stand-in as the registry."""
    return registry_settings(settings, stub.url)


def register(web, token: str, **fields: str):
    data = {"plate": "000DAA02", "vin": CARRIER_TRUCK, "category": "truck", "country": "KZ"}
    return web.post("/vehicles", data={**data, **fields, "csrf_token": token})


def upload(web, token: str, vehicle_id: int, data: bytes, name: str = "scan.pdf"):
    files = {"certificate": (name, data, "application/octet-stream")}
    return web.post(f"/vehicles/{vehicle_id}/certificate", data={"csrf_token": token}, files=files)


def vehicle_id_of(html: str, plate: str) -> int:
    match = re.search(rf'<tr id="vehicle-(\d+)">\s*<td[^>]*><strong>{plate}</strong>', html)
    assert match, html[-3000:]
    return int(match.group(1))


def reasons(engine, after: int, **where: str) -> list[str]:
    """The refusal codes among the footprints written after `after`."""
    found = footprints(engine, after=after, outcome="refused", **where)
    return [json.loads(f.payload)["reason"] for f in found]


def decide(web, token: str, vehicle_id: int, decision: str, reason: str = ""):
    data = {"decision": decision, "reason": reason, "csrf_token": token}
    return web.post(f"/checkpoint/vehicles/{vehicle_id}/decision", data=data)


def test_the_registry_owner_registers_and_sees_it_confirmed(web):
    web.cookies.set(COOKIE, "en")
    token = log_in(web, "carrier")
    page = web.get("/vehicles")
    assert page.status_code == 200 and 'href="/vehicles"' in page.text  # in the menu
    r = register(web, token, plate="000 daa-02", make="Volvo FH")
    assert r.status_code == 200 and r.url.path == "/vehicles", r.text[-2000:]
    assert "the insurance registry confirms its owner" in r.text
    assert CARRIER_TRUCK in r.text and "Volvo FH" in r.text and "Confirmed" in r.text
    assert "Kazakhstan" in r.text and "Truck" in r.text


def test_someone_elses_vehicle_is_refused_next_to_the_vin(web, engine):
    web.cookies.set(COOKIE, "en")
    token = log_in(web, "carrier")
    before = last_seq(engine)
    r = register(web, token, vin=STRANGERS_TRUCK, plate="777XYZ02", make="MAN")
    assert r.status_code == 409
    assert "names someone else as the owner of this VIN" in r.text
    assert 'id="vin-error"' in r.text and 'aria-invalid="true"' in r.text
    assert f'value="{STRANGERS_TRUCK}"' in r.text and 'value="777XYZ02"' in r.text  # kept
    assert 'value="MAN"' in r.text
    assert "You have no vehicles registered yet." in r.text
    assert reasons(engine, before, action="vehicle.register") == ["registry_owner_mismatch"]


def test_refusals_are_in_the_pages_language(web):
    web.cookies.set(COOKIE, "ru")
    token = log_in(web, "carrier")
    r = register(web, token, vin=UNKNOWN_VIN)
    assert r.status_code == 409 and "не знает этот VIN" in r.text
    r = register(web, token, vin="ABC", plate="x")
    assert r.status_code == 422 and 'id="vin-error"' in r.text
    r = register(web, token, plate="!", vin=CARRIER_TRUCK)
    assert r.status_code == 422 and 'id="plate-error"' in r.text
    r = register(web, token, country="XX")
    assert r.status_code == 422 and 'id="country-error"' in r.text
    r = register(web, token, vin="")
    assert r.status_code == 422 and 'id="vin-error"' in r.text


def test_a_foreign_vehicle_goes_through_the_operators_check(web, engine):
    web.cookies.set(COOKIE, "en")
    token = log_in(web, "carrier")
    r = register(web, token, vin=UNKNOWN_VIN, country="uz", plate="01A123BC")
    assert r.status_code == 200, r.text[-2000:]
    assert "upload its registration certificate" in r.text
    vehicle = vehicle_id_of(r.text, "01A123BC")
    assert "Waiting for a check" in r.text and f'id="certificate-{vehicle}"' in r.text

    bad = upload(web, token, vehicle, b"GIF89a not accepted", name="scan.gif")
    assert bad.status_code == 422 and "JPEG or PNG photo or a PDF scan" in bad.text
    big = upload(web, token, vehicle, PDF + b"0" * MAX_CERTIFICATE_BYTES)
    assert big.status_code == 413 and "over 10 MB" in big.text
    r = upload(web, token, vehicle, PDF)
    assert r.status_code == 200 and "waiting for an operator" in r.text

    # the operator: the vehicle in the list, the file viewable, a reason needed to reject
    web.cookies.clear()
    web.cookies.set(COOKIE, "en")
    op = log_in(web, "operator")
    page = web.get("/checkpoint/vehicles")
    assert page.status_code == 200 and f'id="vehicle-{vehicle}"' in page.text
    assert 'href="/checkpoint/vehicles"' in page.text and "Open the certificate (PDF)" in page.text
    scan = web.get(f"/checkpoint/vehicles/{vehicle}/certificate")
    assert (scan.status_code, scan.content) == (200, PDF)
    assert scan.headers["content-type"] == "application/pdf"
    assert scan.headers["cache-control"] == "no-store"
    assert scan.headers["x-content-type-options"] == "nosniff"
    before = last_seq(engine)
    r = decide(web, op, vehicle, "reject")
    assert r.status_code == 422 and "Say why the certificate is rejected" in r.text
    assert reasons(engine, before) == ["reason_required"]
    r = decide(web, op, vehicle, "reject", reason="The VIN on the scan is unreadable")
    assert r.status_code == 200 and "is rejected" in r.text
    assert f'id="vehicle-{vehicle}"' not in r.text  # it left the list

    # the owner reads the reason, uploads a new scan (an image this time)
    web.cookies.clear()
    web.cookies.set(COOKIE, "en")
    token = log_in(web, "carrier")
    page = web.get("/vehicles").text
    assert "Rejected" in page and "The VIN on the scan is unreadable" in page
    assert upload(web, token, vehicle, PNG, name="scan.png").status_code == 200

    web.cookies.clear()
    web.cookies.set(COOKIE, "en")
    op = log_in(web, "operator")
    page = web.get("/checkpoint/vehicles").text
    assert f'<img class="id-photo" src="/checkpoint/vehicles/{vehicle}/certificate"' in page
    assert web.get(f"/checkpoint/vehicles/{vehicle}/certificate").content == PNG
    r = decide(web, op, vehicle, "confirm")
    assert r.status_code == 200 and "is confirmed" in r.text
    assert "No certificate is waiting for a check." in r.text
    again = decide(web, op, vehicle, "confirm")
    assert again.status_code == 409 and "not waiting for a registration certificate" in again.text

    web.cookies.clear()
    web.cookies.set(COOKIE, "en")
    log_in(web, "carrier")
    page = web.get("/vehicles").text
    assert "Confirmed" in page and f'id="certificate-{vehicle}"' not in page
    actions = [f.action for f in footprints(engine, object_type="vehicle")]
    assert actions[-5:] == [
        "vehicle.register",
        "vehicle.certificate_upload",
        "vehicle.certificate_reject",
        "vehicle.certificate_upload",
        "vehicle.certificate_confirm",
    ]


def test_carriers_cannot_open_the_operators_page_nor_the_file(web):
    token = log_in(web, "carrier")
    r = register(web, token, vin=UNKNOWN_VIN, country="UZ", plate="01A123BC")
    vehicle = vehicle_id_of(r.text, "01A123BC")
    assert upload(web, token, vehicle, PDF).status_code == 200
    assert web.get("/checkpoint/vehicles").status_code == 403
    assert web.get(f"/checkpoint/vehicles/{vehicle}/certificate").status_code == 403
    assert decide(web, token, vehicle, "confirm").status_code == 403
    assert 'href="/checkpoint/vehicles"' not in web.get("/vehicles").text


def test_operators_and_drivers_have_no_vehicles_page(web):
    log_in(web, "driver")
    assert web.get("/vehicles").status_code == 403
    assert 'href="/vehicles"' not in web.get("/bookings/new").text
    web.cookies.clear()
    log_in(web, "operator")
    assert web.get("/vehicles").status_code == 403


def test_another_carrier_does_not_see_my_vehicles(web):
    token = log_in(web, "carrier")
    r = register(web, token, vin=UNKNOWN_VIN, country="UZ", plate="01A123BC")
    vehicle = vehicle_id_of(r.text, "01A123BC")
    web.cookies.clear()
    web.cookies.set(COOKIE, "en")
    assert register_form(web).status_code == 200  # a new carrier, logged in
    page = web.get("/vehicles")
    assert page.status_code == 200 and "01A123BC" not in page.text
    assert "You have no vehicles registered yet." in page.text
    booking_form = web.get("/bookings/new").text
    assert "No vehicle is listed for you yet." in booking_form
    assert '<a href="/vehicles">Register a vehicle</a>' in booking_form
    token = csrf_of(page.text)
    assert upload(web, token, vehicle, PDF).status_code == 404


def test_a_vehicle_without_a_certificate_is_only_counted_for_the_operator(web):
    web.cookies.set(COOKIE, "en")
    token = log_in(web, "carrier")
    r = register(web, token, vin=UNKNOWN_VIN, country="UZ", plate="01A123BC")
    vehicle = vehicle_id_of(r.text, "01A123BC")
    web.cookies.clear()
    web.cookies.set(COOKIE, "en")
    op = log_in(web, "operator")
    page = web.get("/checkpoint/vehicles").text
    assert f'id="vehicle-{vehicle}"' not in page and "No certificate is waiting" in page
    assert "waiting for their owner to upload the certificate: 1." in page
    assert web.get(f"/checkpoint/vehicles/{vehicle}/certificate").status_code == 404
    r = decide(web, op, vehicle, "confirm")  # nothing to decide on yet
    assert r.status_code == 409 and "not waiting for a registration certificate" in r.text
