"""The `kezek` command on a fresh SQLite file: db upgrade, demo, admin, audit verify."""

import json
from datetime import date

import pytest
from api_contract import contract_client
from booking_support import booking_body
from sqlalchemy import create_engine, inspect, select, text
from support import DEMO_LOGINS, Cli, allow_audit_tampering, fast_password_hashing  # noqa: F401

from kezek.config import Settings
from kezek.db import make_engine, new_session
from kezek.ledger.service import balance, owner_account
from kezek.main import create_app
from kezek.models.party import User
from kezek.models.vehicle import Vehicle
from kezek.people.national_id import make_iin
from kezek.vehicles.vin import parse_vin

IIN = make_iin(date(1986, 10, 10), 808)


@pytest.fixture
def db_url(tmp_path):
    return f"sqlite:///{tmp_path / 'kezek.db'}"


@pytest.fixture
def kezek(db_url, monkeypatch):
    return Cli(db_url, monkeypatch)


def row_counts(url):
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return {
                table: conn.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one()
                for table in inspect(conn).get_table_names()
            }
    finally:
        engine.dispose()


def user(url, login):
    engine = make_engine(url)
    session = new_session(engine, readonly=True)
    try:
        found = session.scalar(select(User).where(User.login == login))
        return found and {
            "roles": sorted(found.roles),
            "status": found.person.identity_status,
            "national_id": found.person.national_id,
        }
    finally:
        session.close()
        engine.dispose()


def api_login(url, login, password):
    engine = make_engine(url)
    app = create_app(Settings(database_url=url, secret_key="k" * 40, log_json=False), engine)
    try:
        with contract_client(app) as client:
            return client.post("/api/v1/auth/token", data={"username": login, "password": password})
    finally:
        engine.dispose()


def test_db_upgrade_creates_the_schema_and_can_run_again(kezek, db_url):
    first = kezek("db", "upgrade")
    assert first.exit_code == 0, first.output
    assert "database at head" in first.stdout
    counts = row_counts(db_url)
    assert {"crossings", "users", "audit_log", "audit_head", "alembic_version"} <= set(counts)
    assert counts["crossings"] == counts["users"] == counts["audit_log"] == 0
    assert kezek("db", "upgrade").exit_code == 0


def test_demo_loads_crossings_and_one_login_per_role_and_prints_them(kezek, db_url):
    r = kezek("demo")
    assert r.exit_code == 0, r.output
    assert "Kezek demo at http://127.0.0.1:8000/" in r.stdout
    assert "kezek-demo-2026" in r.stdout
    for login in DEMO_LOGINS:
        assert f"  {login} " in r.stdout
    counts = row_counts(db_url)
    assert counts["crossings"] == 8 and counts["directions"] == 16 and counts["users"] == 6
    operator = user(db_url, "operator")
    assert (operator["roles"], operator["status"]) == (["operator"], "verified")
    assert api_login(db_url, "analyst", "kezek-demo-2026").status_code == 200


def test_demo_twice_duplicates_nothing(kezek, db_url):
    assert kezek("demo").exit_code == 0
    after_first = row_counts(db_url)
    second = kezek("demo")
    assert second.exit_code == 0
    assert "crossings created: none (already there)" in second.stdout
    assert row_counts(db_url) == after_first


def test_demo_carriers_as_json(kezek, db_url):
    r = kezek("demo", "--carriers", "3", "--password", "load-test-pass", "--json")
    assert r.exit_code == 0, r.output
    carriers = json.loads(r.stdout)
    assert [c["login"] for c in carriers] == ["carrier-0001", "carrier-0002", "carrier-0003"]
    assert all(c["role"] == "carrier" and c["password"] == "load-test-pass" for c in carriers)
    assert len({c["iin"] for c in carriers}) == 3
    for c in carriers:
        assert user(db_url, c["login"])["status"] == "verified"
    assert api_login(db_url, "carrier-0002", "load-test-pass").status_code == 200
    # Asked again, the same carriers come back and nobody is added.
    counts = row_counts(db_url)
    again = kezek("demo", "--carriers", "3", "--password", "load-test-pass", "--json")
    assert json.loads(again.stdout) == carriers
    assert row_counts(db_url) == counts


def _fleet_and_balances(url):
    """Vehicles per owner login, and the balance of each owner account, from the database."""
    engine = make_engine(url)
    session = new_session(engine, readonly=True)
    try:
        rows = session.execute(
            select(User.login, Vehicle.plate, Vehicle.vin)
            .join(Vehicle, Vehicle.owner_id == User.person_id)
            .order_by(User.login, Vehicle.plate)
        ).all()
        balances = {
            login: balance(session, account_id=owner_account(session, party_id=pid).id)
            for login, pid in session.execute(select(User.login, User.person_id))
        }
        return rows, balances
    finally:
        session.close()
        engine.dispose()


def test_demo_carriers_own_trucks_and_money_and_a_second_run_adds_nothing(kezek, db_url):
    r = kezek("demo", "--carriers", "2", "--password", "load-test-pass", "--json")
    assert r.exit_code == 0, r.output
    carriers = json.loads(r.stdout)
    for c in carriers:
        assert c["balance_kzt"] == "100000.00"
        assert [v["category"] for v in c["vehicles"]] == ["truck", "truck"]
        for v in c["vehicles"]:
            assert parse_vin(v["vin"]) == v["vin"] and v["vin"].startswith("L")  # check digit
    rows, balances = _fleet_and_balances(db_url)
    plates = [plate for _login, plate, _vin in rows]
    assert len(plates) == len(set(plates)) == 6  # the demo "carrier" has two trucks too
    assert len({vin for _l, _p, vin in rows}) == 6
    assert {login for login, _p, _v in rows} == {"carrier", "carrier-0001", "carrier-0002"}
    assert balances["carrier"] == balances["carrier-0002"] == 100_000 * 100
    assert balances["operator"] == 0
    counts = row_counts(db_url)
    again = kezek("demo", "--carriers", "2", "--password", "load-test-pass", "--json")
    assert json.loads(again.stdout) == carriers
    assert row_counts(db_url) == counts
    assert _fleet_and_balances(db_url) == (rows, balances)


def test_the_demo_carrier_can_book_at_once(kezek, db_url):
    r = kezek("demo")
    assert "trucks 000DAA02, 001DAA02; balance 100000.00 KZT" in r.stdout
    engine = make_engine(db_url)
    app = create_app(Settings(database_url=db_url, secret_key="k" * 40, log_json=False), engine)
    try:
        with contract_client(app) as client:
            token = client.post(
                "/api/v1/auth/token", data={"username": "carrier", "password": "kezek-demo-2026"}
            ).json()["access_token"]
            headers = {"Authorization": f"Bearer {token}"}
            [truck, _] = client.get("/api/v1/vehicles", headers=headers).json()
            booked = client.post(
                "/api/v1/bookings", json=booking_body(truck["id"]), headers=headers
            )
            assert booked.status_code == 201, booked.text
    finally:
        engine.dispose()


def test_admin_set_mrp(kezek, db_url):
    kezek("db", "upgrade")
    r = kezek("admin", "set-mrp", "2099", "4 900")
    assert r.exit_code == 0, r.output
    assert "MRP 2099 set to 4900.00 KZT" in r.stdout
    assert "changed from 4900.00 to 5000.00" in kezek("admin", "set-mrp", "2099", "5000").stdout
    assert "nothing changed" in kezek("admin", "set-mrp", "2099", "5000").stdout
    refused = kezek("admin", "set-mrp", "2024", "1")
    assert refused.exit_code == 1 and "mrp_year_started" in refused.output
    assert kezek("admin", "set-mrp", "2099", "lots").exit_code == 2


def test_admin_create_user_with_several_roles(kezek, db_url):
    kezek("db", "upgrade")
    r = kezek(
        "admin",
        "create-user",
        "--login",
        "Post-Chief",
        "--password",
        "a-strong-password",
        "--full-name",
        "Yerlan Dosov",
        "--iin",
        IIN,
        "--role",
        "operator",
        "--role",
        "analyst",
        "--verified",
    )
    assert r.exit_code == 0, r.output
    assert user(db_url, "post-chief") == {
        "roles": ["analyst", "operator"],
        "status": "verified",
        "national_id": f"IIN {IIN}",
    }
    assert api_login(db_url, "post-chief", "a-strong-password").status_code == 200


def test_admin_create_user_for_a_foreigner_asks_for_the_password(kezek, db_url):
    kezek("db", "upgrade")
    r = kezek(
        "admin",
        "create-user",
        "--login",
        "li-wei",
        "--full-name",
        "Li Wei",
        "--passport",
        "e7654321",
        "--country",
        "cn",
        input="a-strong-password\na-strong-password\n",
    )
    assert r.exit_code == 0, r.output
    assert user(db_url, "li-wei") == {
        "roles": ["carrier"],
        "status": "unverified",
        "national_id": "CN E7654321",
    }


def test_admin_create_user_refuses_bad_or_taken_identities(kezek):
    kezek("demo")
    base = ["admin", "create-user", "--password", "a-strong-password", "--full-name", "Xx Yy"]
    taken = kezek(*base, "--login", "carrier", "--iin", IIN)
    assert taken.exit_code == 1 and "login_taken" in taken.output
    bad = kezek(*base, "--login", "newbie", "--iin", IIN[:11] + str((int(IIN[11]) + 1) % 10))
    assert bad.exit_code == 1 and "invalid_iin" in bad.output
    neither = kezek(*base, "--login", "newbie")
    assert neither.exit_code == 2
    short = kezek("admin", "create-user", "--login", "newbie", "--password", "short",
                  "--full-name", "Xx Yy", "--iin", IIN)  # fmt: skip
    assert short.exit_code == 2


def test_admin_grants_and_revokes_roles(kezek, db_url):
    kezek("demo")
    r = kezek("admin", "grant-role", "carrier", "driver")
    assert r.exit_code == 0 and "granted driver to carrier" in r.stdout
    assert user(db_url, "carrier")["roles"] == ["carrier", "driver"]
    r = kezek("admin", "revoke-role", "carrier", "driver")
    assert r.exit_code == 0 and "revoked driver from carrier" in r.stdout
    assert user(db_url, "carrier")["roles"] == ["carrier"]


def test_admin_role_commands_refuse_unknown_users_and_roles(kezek):
    kezek("demo")
    for command in ("grant-role", "revoke-role"):
        unknown_user = kezek("admin", command, "nobody", "driver")
        assert unknown_user.exit_code == 1 and "nobody" in unknown_user.output
        unknown_role = kezek("admin", command, "carrier", "pilot")
        assert unknown_role.exit_code == 2, (command, unknown_role.output)
        assert "pilot" in unknown_role.output


def test_admin_commands_leave_footprints(kezek, db_url):
    kezek("demo")
    before = row_counts(db_url)["audit_log"]
    kezek("admin", "grant-role", "driver", "intermediary")
    engine = create_engine(db_url)
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT action, actor_login FROM audit_log WHERE seq > :s"), {"s": before}
        ).all()
    engine.dispose()
    assert [tuple(r) for r in rows] == [("user.grant_role", "system")]


def test_audit_verify_exit_codes(kezek, db_url):
    kezek("demo")
    intact = kezek("audit", "verify")
    assert intact.exit_code == 0 and "trail intact" in intact.stdout
    engine = make_engine(db_url)
    allow_audit_tampering(engine)
    with engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET actor_login = 'mallory' WHERE seq = 3"))
    engine.dispose()
    broken = kezek("audit", "verify")
    assert broken.exit_code == 1
    assert "TRAIL BROKEN at record 3" in broken.stderr
    assert "2 records before it are intact" in broken.stderr
