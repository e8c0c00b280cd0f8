"""The attorney pages: grant confirmed by a camera check, list, revoke, PDF, the intermediary's
view and the public verification page with the QR code (in a language of the four)."""

import re

import pytest
from camera_support import camera_check
from web.conftest import csrf_of, log_in

from attorneys.helpers import Grants, days
from kezek.web.i18n import COOKIE

pytestmark = pytest.mark.usefixtures("fast_demo_passwords")


@pytest.fixture
def web(client):  # type: ignore[no-untyped-def]
    client.headers["Accept"] = "text/html,application/xhtml+xml,*/*;q=0.8"
    return client


def grant_form(grants: Grants, token: str, vehicle: int, **overrides: str) -> dict[str, str]:
    form = {
        "csrf_token": token,
        "iin": grants.iin("intermediary"),
        f"vehicle_{vehicle}": str(vehicle),
        "valid_from": days(0),
        "valid_to": days(10),
        "scope_book": "1",
        "scope_view": "1",
    }
    return {**form, **overrides}


def test_grant_list_revoke_and_print_in_the_browser(web, grants: Grants, fleet, engine) -> None:
    web.cookies.set(COOKIE, "en")
    vehicle = fleet.vehicle()
    token = log_in(web, "carrier")
    page = web.get("/attorneys")
    assert page.status_code == 200 and 'id="grant-form"' in page.text

    r = web.post("/attorneys", data=grant_form(grants, token, vehicle))
    assert r.status_code == 403 and "Confirm with a new camera check" in r.text
    assert grants.iin("intermediary") in r.text  # the typed values are kept

    camera_check(engine, "carrier")
    r = web.post("/attorneys", data=grant_form(grants, token, vehicle))
    assert r.status_code == 200 and "The power of attorney was issued and signed." in r.text
    [public_id] = re.findall(r'id="attorney-([0-9a-f-]{36})"', r.text)
    assert web.get(f"/attorneys/{public_id}/pdf").content.startswith(b"%PDF")

    r = web.post(f"/attorneys/{public_id}/revoke", data={"csrf_token": csrf_of(r.text)})
    assert r.status_code == 200 and "The power of attorney was revoked." in r.text
    assert "status-revoked" in r.text


def test_refusals_are_explained_in_the_page_language(web, grants: Grants, fleet, engine) -> None:
    web.cookies.set(COOKIE, "ru")
    vehicle = fleet.vehicle()
    token = log_in(web, "carrier")
    camera_check(engine, "carrier")  # a refused grant leaves it for the next try
    r = web.post("/attorneys", data=grant_form(grants, token, vehicle, iin="000000000000"))
    assert r.status_code == 422 and "не зарегистрирован" in r.text
    r = web.post(
        "/attorneys", data=grant_form(grants, token, vehicle, valid_from=days(5), valid_to=days(1))
    )
    assert r.status_code == 422 and "Проверьте даты" in r.text


def test_the_intermediary_sees_what_they_may_act_for(web, grants: Grants, fleet) -> None:
    web.cookies.set(COOKIE, "kk")
    vehicle = fleet.vehicle()
    grants.grant([vehicle])
    log_in(web, "intermediary")
    page = web.get("/attorneys")
    assert "Сіз атынан әрекет ете алатын көліктер" in page.text
    assert "Serik Tulegenov" in page.text and "001TST02" in page.text
    assert 'id="grant-form"' not in page.text


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_public_verification_page(web, grants: Grants, fleet, lang: str) -> None:
    made = grants.grant([fleet.vehicle()])
    web.cookies.set(COOKIE, lang)
    page = web.get(f"/attorneys/{made['id']}/verify")
    assert page.status_code == 200 and 'data-status="valid"' in page.text
    iin = grants.iin("intermediary")
    assert iin not in page.text and f"••••••••{iin[-4:]}" in page.text
    assert "<svg" in page.text and made["verification_url"] in page.text
    missing = web.get("/attorneys/0b0e6f3e-0000-4000-8000-000000000000/verify")
    assert missing.status_code == 404 and 'data-status="unknown"' in missing.text


def test_a_company_grants_for_its_fleet(web, grants: Grants, fleet, engine) -> None:
    web.cookies.set(COOKIE, "en")
    truck = fleet.vehicle(company=True)
    token = log_in(web, "carrier")
    camera_check(engine, "carrier")
    page = web.get("/attorneys")
    [company_id] = re.findall(r'<option value="(\d+)"', page.text)
    form = grant_form(grants, token, truck, owner_company_id=company_id)
    r = web.post("/attorneys", data=form)
    assert r.status_code == 200 and "The power of attorney was issued and signed." in r.text
    given = web.get("/api/v1/attorneys", headers=grants.auth("carrier")).json()["given"]
    assert [(a["owner"]["name"], a["vehicle_ids"]) for a in given] == [
        ("Demo Logistics LLP", [truck])
    ]
