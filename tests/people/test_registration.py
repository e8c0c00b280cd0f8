"""Registration of persons (IIN, or passport and country) and their companies (BIN)."""

from datetime import date

from sqlalchemy import select
from support import bearer

from kezek.db import new_session
from kezek.models.party import User
from kezek.people.national_id import make_bin, make_iin

PASSWORD = "steppe-wind-2026"
IIN = make_iin(date(1991, 4, 12), 77)
OTHER_IIN = make_iin(date(1993, 8, 1), 12, female=True)
BIN = make_bin(date(2018, 2, 1), 4242)


def person(**changes):
    body = {"login": "aidos", "password": PASSWORD, "full_name": "Aidos Serikbayev", "iin": IIN}
    body.update(changes)
    return {k: v for k, v in body.items() if v is not None}


def register(client, body):
    return client.post("/api/v1/auth/register", json=body)


def user_row(engine, login):
    session = new_session(engine, readonly=True)
    try:
        return session.scalar(select(User).where(User.login == login))
    finally:
        session.close()


def test_a_person_registers_with_an_iin_as_an_unverified_carrier(client):
    r = register(client, person())
    assert r.status_code == 201, r.text
    me = r.json()
    assert me["login"] == "aidos" and me["full_name"] == "Aidos Serikbayev"
    assert me["roles"] == ["carrier"]
    assert me["national_id"] == f"IIN {IIN}"
    assert me["identity_status"] == "unverified"
    assert me["companies"] == []
    assert client.get("/api/v1/me", headers=bearer(client, "aidos", PASSWORD)).json() == me


def test_a_person_may_register_as_driver_or_intermediary(client):
    for n, role in enumerate(["driver", "intermediary"]):
        iin = make_iin(date(1980, 1, 1), 300 + n)
        r = register(client, person(login=f"{role}-2", iin=iin, role=role))
        assert r.status_code == 201
        assert r.json()["roles"] == [role]


def test_a_foreigner_registers_with_passport_and_country(client):
    body = person(iin=None, passport_number=" e1234567 ", passport_country="cn")
    r = register(client, body)
    assert r.status_code == 201, r.text
    assert r.json()["national_id"] == "CN E1234567"
    assert r.json()["identity_status"] == "unverified"


def test_a_person_registers_with_the_company_they_represent(client):
    r = register(client, person(company={"bin": BIN, "name": "Steppe Cargo LLP"}))
    assert r.status_code == 201, r.text
    [company] = r.json()["companies"]
    assert company["bin"] == BIN and company["full_name"] == "Steppe Cargo LLP"


def test_a_registered_person_adds_a_company_later(client):
    register(client, person())
    headers = bearer(client, "aidos", PASSWORD)
    r = client.post(
        "/api/v1/me/companies", json={"bin": BIN, "name": "Steppe Cargo"}, headers=headers
    )
    assert r.status_code == 201
    assert [c["bin"] for c in client.get("/api/v1/me", headers=headers).json()["companies"]] == [
        BIN
    ]


def test_the_password_is_stored_as_an_argon2id_hash_only(client, engine):
    register(client, person())
    stored = user_row(engine, "aidos").password_hash
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored


def test_login_is_kept_in_lower_case(client):
    assert register(client, person(login="Aidos.S")).json()["login"] == "aidos.s"


def test_an_invalid_iin_is_422_invalid_iin_and_nothing_is_kept(client, engine):
    for iin in [
        IIN[:11] + str((int(IIN[11]) + 1) % 10),  # check digit
        "851314300013",  # no such month
        "850314900013",  # no such century digit
        IIN.translate(str.maketrans("0123456789", "０１２３４５６７８９")),  # other digits
    ]:
        r = register(client, person(iin=iin))
        assert (r.status_code, r.json()["error"]) == (422, "invalid_iin"), iin
    assert user_row(engine, "aidos") is None


def test_an_invalid_bin_is_422_invalid_bin_and_the_person_is_not_kept_either(client, engine):
    r = register(
        client, person(company={"bin": BIN[:11] + str((int(BIN[11]) + 1) % 10), "name": "X Co"})
    )
    assert r.status_code == 422
    assert r.json()["error"] == "invalid_bin"
    assert "check digit" in r.json()["detail"]
    assert user_row(engine, "aidos") is None
    assert register(client, person()).status_code == 201


def test_a_taken_login_is_409_login_taken_in_any_case(client):
    register(client, person())
    for login in ["aidos", "AIDOS", " aidos "]:
        r = register(client, person(login=login, iin=OTHER_IIN))
        assert (r.status_code, r.json()["error"]) == (409, "login_taken"), login


def test_a_demo_login_is_taken(client):
    r = register(client, person(login="admin"))
    assert (r.status_code, r.json()["error"]) == (409, "login_taken")


def test_an_iin_registered_before_is_409_national_id_taken(client):
    register(client, person())
    r = register(client, person(login="someone-else"))
    assert r.status_code == 409
    assert r.json()["error"] == "national_id_taken"


def test_a_passport_registered_before_in_that_country_is_taken(client):
    register(client, person(iin=None, passport_number="E1234567", passport_country="CN"))
    again = person(login="other", iin=None, passport_number="e1234567", passport_country="CN")
    assert register(client, again).json()["error"] == "national_id_taken"
    elsewhere = person(login="other", iin=None, passport_number="E1234567", passport_country="RU")
    assert register(client, elsewhere).status_code == 201


def test_a_company_registered_before_is_taken(client, engine):
    register(client, person(company={"bin": BIN, "name": "Steppe Cargo"}))
    r = register(client, person(login="other", iin=OTHER_IIN, company={"bin": BIN, "name": "X Co"}))
    assert (r.status_code, r.json()["error"]) == (409, "national_id_taken")
    assert user_row(engine, "other") is None


def test_staff_roles_cannot_be_taken_by_registering(client, engine):
    for role in ["operator", "analyst", "admin"]:
        r = register(client, person(role=role))
        assert (r.status_code, r.json()["error"]) == (422, "invalid_role"), role
    assert user_row(engine, "aidos") is None


INCOMPLETE_OR_MALFORMED = {
    "short-password": person(password="short"),
    "iin-and-passport": person(passport_number="E1234567", passport_country="CN"),
    "no-identifier": person(iin=None),
    "passport-without-country": person(iin=None, passport_number="E1234567"),
    "kz-passport": person(iin=None, passport_number="N1234567", passport_country="KZ"),
    "iin-not-12-digits": person(iin="12345"),
    "login-with-spaces": person(login="no spaces allowed"),
    "login-too-short": person(login="ab"),
    "no-name": person(full_name=""),
    "unknown-role": person(role="pilot"),
    "company-without-name": person(company={"bin": BIN}),
}


def test_incomplete_or_malformed_registration_is_422_validation_error(client, engine):
    for case, body in INCOMPLETE_OR_MALFORMED.items():
        r = register(client, body)
        assert (r.status_code, r.json()["error"]) == (422, "validation_error"), case
        assert r.json()["fields"], case
    assert user_row(engine, "aidos") is None


def test_company_with_an_invalid_or_taken_bin_is_refused_when_added_later(client, auth):
    headers = auth("driver")
    bad = client.post(
        "/api/v1/me/companies", json={"bin": "150340000108", "name": "X Co"}, headers=headers
    )
    assert (bad.status_code, bad.json()["error"]) == (422, "invalid_bin")
    demo_bin = client.get("/api/v1/me", headers=auth("carrier")).json()["companies"][0]["bin"]
    taken = client.post(
        "/api/v1/me/companies", json={"bin": demo_bin, "name": "Y Co"}, headers=headers
    )
    assert (taken.status_code, taken.json()["error"]) == (409, "national_id_taken")


def test_adding_a_company_needs_a_login(client):
    r = client.post("/api/v1/me/companies", json={"bin": BIN, "name": "Steppe Cargo"})
    assert (r.status_code, r.json()["error"]) == (401, "not_authenticated")
