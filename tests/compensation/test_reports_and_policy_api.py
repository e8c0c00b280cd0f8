"""The analysts' reports (JSON and CSV) over unused reservations built through the services, and
the admins' versioned policy."""

import csv
import io

from booking.rules_support import new_carrier

from compensation.appeal_support import cancel_in_march

REPORTS = "/api/v1/compensation/reports"
UNTIL = "2026-03-10T00:00:00Z"


def build(engine, fleet):
    """carrier: 11 cancellations in March (one charged); other: 3 (none charged)."""
    new_carrier(engine, "other", serial=1)
    cancel_in_march(engine, fleet)
    cancel_in_march(engine, fleet, count=3, login="other")


def test_reports_list_the_right_owners_and_vehicles(client, auth, engine, fleet):
    build(engine, fleet)
    analyst = auth("analyst")
    owners = client.get(f"{REPORTS}/frequent-owners?until={UNTIL}", headers=analyst).json()
    assert [(o["owner"], o["unused"]) for o in owners] == [
        ("Serik Tulegenov", 11),
        ("Test other", 3),
    ]
    vehicles = client.get(f"{REPORTS}/frequent-vehicles?until={UNTIL}", headers=analyst).json()
    assert [v["unused"] for v in vehicles] == [11, 3]
    later = client.get(f"{REPORTS}/frequent-owners?until=2026-05-01T00:00:00Z", headers=analyst)
    assert later.json() == []

    over = client.get(f"{REPORTS}/over-threshold?month=2026-03-15", headers=analyst).json()
    assert [(o["owner"], o["unused"], o["threshold"], o["over"]) for o in over] == [
        ("Serik Tulegenov", 11, 10, 1)
    ]
    repeat = client.get(f"{REPORTS}/repeat-offenders?month=2026-04-01", headers=analyst).json()
    assert [(r["owner"], r["months_over"], r["current_threshold"]) for r in repeat] == [
        ("Serik Tulegenov", 1, 5)
    ]
    assert client.get(f"{REPORTS}/repeat-offenders?month=2026-08-01", headers=analyst).json() == []
    monthly = client.get(f"{REPORTS}/monthly", headers=analyst).json()
    assert monthly == [{"month": "2026-03-01", "charges": 1, "refunds": 0, "net_kzt": "432500.00"}]


def test_reports_export_as_csv(client, auth, engine, fleet):
    build(engine, fleet)
    response = client.get(f"{REPORTS}/frequent-vehicles.csv?until={UNTIL}", headers=auth("analyst"))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment;") and "frequent-vehicles" in disposition
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [int(r["unused"]) for r in rows] == [11, 3]
    assert set(rows[0]) == {"vehicle_id", "plate", "owner", "unused"}
    monthly = client.get(f"{REPORTS}/monthly.csv", headers=auth("analyst")).text
    assert list(csv.DictReader(io.StringIO(monthly)))[0]["net_kzt"] == "432500.00"


def test_reports_are_for_analysts(client, auth):
    for path in ("frequent-owners", "monthly.csv"):
        refused = client.get(f"{REPORTS}/{path}", headers=auth("carrier"))
        assert refused.status_code == 403 and refused.json()["error"] == "forbidden"
    assert client.get(f"{REPORTS}/nothing.csv", headers=auth("analyst")).status_code == 422


POLICY = "/api/v1/admin/compensation-policy"


def test_an_admin_adds_a_policy_version_and_a_carrier_cannot(client, auth):
    before = client.get(POLICY, headers=auth("admin")).json()
    assert before["in_force"]["monthly_threshold"] == 10 and before["in_force"]["crossing"] is None
    put = client.put(POLICY, json={"monthly_threshold": 8, "amount_mrp": 50}, headers=auth("admin"))
    assert put.status_code == 200, put.text
    after = client.get(POLICY, headers=auth("admin")).json()
    assert len(after["versions"]) == len(before["versions"]) + 1
    assert after["in_force"]["monthly_threshold"] == 8 and after["in_force"]["amount_mrp"] == 50
    assert after["versions"][0]["id"] == put.json()["id"]

    refused = client.put(POLICY, json={"monthly_threshold": 1}, headers=auth("carrier"))
    assert refused.status_code == 403 and refused.json()["error"] == "forbidden"
    assert client.get(POLICY, headers=auth("carrier")).status_code == 403
    past = client.put(
        POLICY, json={"effective_from": "2020-01-01T00:00:00Z"}, headers=auth("admin")
    )
    assert past.status_code == 422 and past.json()["error"] == "policy_retroactive"
    invalid = client.put(POLICY, json={"monthly_threshold": 0}, headers=auth("admin"))
    assert invalid.status_code == 422 and invalid.json()["error"] == "validation_error"


def test_a_crossing_has_its_own_versions(client, auth):
    path = "/api/v1/admin/crossings/NUR_ZHOLY/compensation-policy"
    assert client.get(path, headers=auth("admin")).json()["versions"] == []
    put = client.put(path, json={"monthly_threshold": 4}, headers=auth("admin"))
    assert put.json()["crossing"] == "NUR_ZHOLY"
    shown = client.get(path, headers=auth("admin")).json()
    assert shown["in_force"]["monthly_threshold"] == 4 and len(shown["versions"]) == 1
    assert client.get(POLICY, headers=auth("admin")).json()["in_force"]["monthly_threshold"] == 10
    unknown = client.get(
        "/api/v1/admin/crossings/NOWHERE/compensation-policy", headers=auth("admin")
    )
    assert unknown.status_code == 404 and unknown.json()["error"] == "crossing_not_found"
