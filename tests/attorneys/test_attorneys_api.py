"""Granting, listing, reading and revoking attorneys through the API, and every refusal."""

import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from sqlalchemy import text
from support import DEMO_PASSWORD, footprints, last_seq

from attorneys.helpers import Grants, days

pytestmark = pytest.mark.usefixtures("fast_demo_passwords")


def test_grant_lists_for_both_sides_and_writes_a_footprint(grants: Grants, fleet, engine) -> None:
    vehicle = fleet.vehicle()
    before = last_seq(engine)
    made = grants.grant([vehicle], scopes=["view", "book"])
    assert made["status"] == "valid"
    assert made["scopes"] == ["book", "view"]
    assert made["vehicle_ids"] == [vehicle]
    assert made["verification_url"].endswith(f"/attorneys/{made['id']}/verify")

    given = grants.client.get("/api/v1/attorneys", headers=grants.auth("carrier")).json()
    received = grants.client.get("/api/v1/attorneys", headers=grants.auth("intermediary")).json()
    assert [a["id"] for a in given["given"]] == [made["id"]] and given["received"] == []
    assert [a["id"] for a in received["received"]] == [made["id"]] and received["given"] == []

    (footprint,) = footprints(engine, after=before, action="attorney.grant")
    assert footprint.object_id == made["id"]
    assert json.loads(footprint.payload)["scopes"] == ["book", "view"]


def test_read_is_for_the_two_parties_only(grants: Grants, fleet) -> None:
    made = grants.grant([fleet.vehicle()])
    for login in ("carrier", "intermediary"):
        r = grants.client.get(f"/api/v1/attorneys/{made['id']}", headers=grants.auth(login))
        assert r.status_code == 200 and r.json()["id"] == made["id"]
    for login in ("driver", "operator"):
        r = grants.client.get(f"/api/v1/attorneys/{made['id']}", headers=grants.auth(login))
        assert (r.status_code, r.json()["error"]) == (404, "not_found")
    assert grants.client.get(f"/api/v1/attorneys/{made['id']}").status_code == 401


def test_whole_fleet_for_a_company(grants: Grants, fleet, client, auth) -> None:
    companies = client.get("/api/v1/me", headers=auth("carrier")).json()["companies"]
    made = grants.grant(None, owner_company_id=companies[0]["id"])
    assert made["whole_fleet"] and made["owner"]["kind"] == "company"


def test_revoke_is_for_the_owner_and_once(grants: Grants, fleet, engine) -> None:
    made = grants.grant([fleet.vehicle()])
    url = f"/api/v1/attorneys/{made['id']}/revoke"
    r = grants.client.post(url, headers=grants.auth("intermediary"))
    assert (r.status_code, r.json()["error"]) == (403, "not_owner")
    r = grants.client.post(url, headers=grants.auth("driver"))
    assert (r.status_code, r.json()["error"]) == (404, "not_found")

    before = last_seq(engine)
    r = grants.client.post(url, headers=grants.auth("carrier"))
    assert r.status_code == 200 and r.json()["status"] == "revoked"
    assert [f.object_id for f in footprints(engine, after=before, action="attorney.revoke")] == [
        made["id"]
    ]
    r = grants.client.post(url, headers=grants.auth("carrier"))
    assert (r.status_code, r.json()["error"]) == (409, "already_revoked")


def test_only_carriers_grant(grants: Grants, fleet) -> None:
    r = grants.post(grants.body([fleet.vehicle("driver")]), login="driver")
    assert (r.status_code, r.json()["error"]) == (403, "forbidden")


def _unverified_person(engine, *, iin: str) -> None:  # type: ignore[no-untyped-def]
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO parties (kind, full_name, iin, identity_status, created_at) "
                "VALUES ('person', 'Unverified Person', :iin, 'unverified', CURRENT_TIMESTAMP)"
            ),
            {"iin": iin},
        )


REFUSALS: list[tuple[str, dict[str, Any], int, str]] = [
    ("unknown iin", {"intermediary": {"iin": "000000000000"}}, 422, "intermediary_not_found"),
    (
        "unknown passport",
        {"intermediary": {"passport_number": "N1234567", "passport_country": "UZ"}},
        422,
        "intermediary_not_found",
    ),
    ("no id at all", {"intermediary": {}}, 422, "intermediary_not_found"),
    ("unverified", {"intermediary": {"iin": "991231300011"}}, 422, "intermediary_not_verified"),
    ("ends before start", {"valid_from": days(5), "valid_to": days(4)}, 422, "invalid_period"),
    ("over", {"valid_from": days(-9), "valid_to": days(-1)}, 422, "invalid_period"),
    ("too long", {"valid_to": days(3 * 366 + 1)}, 422, "invalid_period"),
    ("no vehicles", {"vehicle_ids": [], "whole_fleet": False}, 422, "vehicles_required"),
    ("both", {"whole_fleet": True}, 422, "vehicles_required"),
    ("no scopes", {"scopes": []}, 422, "validation_error"),
    ("bad scope", {"scopes": ["sell"]}, 422, "validation_error"),
    ("not my company", {"owner_company_id": 1}, 403, "not_owner"),
]


@pytest.mark.parametrize(
    ("case", "change", "status", "code"), REFUSALS, ids=[r[0] for r in REFUSALS]
)
def test_grant_refusals(
    grants: Grants, fleet, engine, case: str, change: dict[str, Any], status: int, code: str
) -> None:
    _unverified_person(engine, iin="991231300011")
    r = grants.post(grants.body([fleet.vehicle()], **change))
    assert (r.status_code, r.json()["error"]) == (status, code), r.text


def test_vehicle_of_someone_else(grants: Grants, fleet) -> None:
    r = grants.post(grants.body([fleet.vehicle(), fleet.vehicle("driver")]))
    assert (r.status_code, r.json()["error"]) == (422, "vehicle_not_owned")
    r = grants.post(grants.body([987654]))
    assert (r.status_code, r.json()["error"]) == (422, "vehicle_not_owned")


def test_not_to_oneself(grants: Grants, fleet) -> None:
    r = grants.post(grants.body([fleet.vehicle()], intermediary={"iin": grants.iin("carrier")}))
    assert (r.status_code, r.json()["error"]) == (422, "intermediary_is_owner")


def test_the_public_key_is_published(grants: Grants, fleet) -> None:
    made = grants.grant([fleet.vehicle()])
    key = grants.client.get("/api/v1/attorneys/public-key").json()
    assert key["algorithm"] == "Ed25519" and key["pem"].startswith("-----BEGIN PUBLIC KEY-----")
    assert key["key_id"] == made["key_id"]
    assert DEMO_PASSWORD not in str(key)


def test_a_retried_grant_with_an_idempotency_key_issues_one_attorney(grants: Grants, fleet) -> None:
    body = grants.body([fleet.vehicle()])
    headers = {**grants.auth("carrier"), "Idempotency-Key": "grant-1"}
    first = grants.client.post("/api/v1/attorneys", json=body, headers=headers)
    again = grants.client.post("/api/v1/attorneys", json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true" and again.json() == first.json()
    given = grants.client.get("/api/v1/attorneys", headers=grants.auth("carrier")).json()["given"]
    assert len(given) == 1


def test_revocations_at_once_revoke_once(grants: Grants, fleet, engine) -> None:
    """The row lock: of simultaneous revocations one wins, the others are told it is done."""
    made = grants.grant([fleet.vehicle()])
    url = f"/api/v1/attorneys/{made['id']}/revoke"
    headers = grants.auth("carrier")
    before = last_seq(engine)
    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(lambda _: grants.client.post(url, headers=headers), range(4)))
    codes = sorted((r.status_code, r.json().get("error", "")) for r in answers)
    assert codes[0] == (200, "")
    assert all(code in {(409, "already_revoked"), (409, "busy")} for code in codes[1:]), codes
    assert len(footprints(engine, after=before, action="attorney.revoke", outcome="ok")) == 1
