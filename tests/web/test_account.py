"""Login, logout, registration and "my account" through the forms."""

from datetime import date

from support import DEMO_PASSWORD, footprints, last_seq

from kezek.people.national_id import make_bin, make_iin
from kezek.web.i18n import COOKIE
from web.conftest import csrf_of, log_in

NEW_PASSWORD = "a-long-password-42"


def login_form(web, login, password, **extra):
    token = csrf_of(web.get("/login").text)
    return web.post(
        "/login", data={"login": login, "password": password, "csrf_token": token, **extra}
    )


def test_login_goes_to_my_account_and_logout_ends_it(web):
    token = log_in(web, "carrier")
    me = web.get("/me")
    assert "Serik Tulegenov" in me.text and "Demo Logistics LLP" in me.text
    r = web.post("/logout", data={"csrf_token": token})
    assert r.url.path == "/"
    assert "Serik Tulegenov" not in r.text
    assert web.get("/me", follow_redirects=False).status_code == 303


def test_login_returns_to_the_page_asked_for(web):
    r = login_form(web, "admin", DEMO_PASSWORD, next="/admin/crossings")
    assert r.url.path == "/admin/crossings"


def test_login_never_leaves_the_site(web):
    r = login_form(web, "admin", DEMO_PASSWORD, next="//evil.example/")
    assert r.url.path == "/me" and r.url.host == "testserver"


def test_wrong_password_is_refused_translated_and_recorded(web, engine):
    web.cookies.set(COOKIE, "kk")
    before = last_seq(engine)
    r = login_form(web, "carrier", "not-the-password")
    assert r.status_code == 401
    assert "Логин немесе құпиясөз қате." in r.text
    assert 'value="carrier"' in r.text  # the login is kept, the password is not
    refusals = footprints(engine, after=before, outcome="refused")
    assert [(f.action, f.payload) for f in refusals] == [
        ("user.login", '{"login":"carrier","reason":"invalid_credentials"}')
    ]


def test_too_many_attempts_are_throttled(web, engine):
    web.cookies.set(COOKIE, "ru")
    for _ in range(5):
        assert login_form(web, "driver", "wrong-password-x").status_code == 401
    r = login_form(web, "driver", DEMO_PASSWORD)
    assert r.status_code == 429
    assert "Слишком много попыток" in r.text
    assert int(r.headers["retry-after"]) > 0
    reasons = [f.payload for f in footprints(engine, action="user.login", outcome="refused")]
    assert any("too_many_attempts" in p for p in reasons)


def test_disabled_account_is_refused(web, engine):
    from kezek.db import new_session
    from kezek.people.service import get_user

    session = new_session(engine)
    get_user(session, login="driver").is_active = False
    session.commit()
    session.close()
    web.cookies.set(COOKIE, "en")
    r = login_form(web, "driver", DEMO_PASSWORD)
    assert r.status_code == 403
    assert "This account is disabled." in r.text


def test_empty_login_form_is_refused_without_a_lookup(web):
    web.cookies.set(COOKIE, "zh")
    r = login_form(web, "", "")
    assert r.status_code == 422
    assert "请输入用户名和密码。" in r.text


def register_form(web, **fields):
    token = csrf_of(web.get("/register").text)
    data = {
        "login": "new.carrier",
        "password": NEW_PASSWORD,
        "full_name": "Aliya Nurlanovna",
        "id_kind": "iin",
        "iin": make_iin(date(1990, 4, 5), 77),
        "role": "carrier",
        "csrf_token": token,
        **fields,
    }
    return web.post("/register", data=data)


def test_register_with_iin_logs_in_and_shows_the_account(web):
    web.cookies.set(COOKIE, "en")
    iin = make_iin(date(1990, 4, 5), 77)
    company_bin = make_bin(date(2019, 3, 1), 555)
    r = register_form(web, company_bin=company_bin, company_name="Steppe Haulage LLP")
    # A new person lands on the identity check: without it they cannot book.
    assert r.url.path == "/identity"
    assert "Welcome! Your account is created." in r.text
    assert "Step 1. Document photo" in r.text
    r = web.get("/me")
    for text in [
        "Aliya Nurlanovna",
        iin,
        "Carrier / vehicle owner",
        "Not verified yet",
        "Steppe Haulage LLP",
        company_bin,
    ]:
        assert text in r.text
    # The same person through the API, logged in with the new password.
    token = web.post(
        "/api/v1/auth/token", data={"username": "new.carrier", "password": NEW_PASSWORD}
    ).json()["access_token"]
    me = web.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).json()
    assert me["national_id"] == f"IIN {iin}" and me["roles"] == ["carrier"]


def test_register_with_foreign_passport(web):
    web.cookies.set(COOKIE, "ru")
    r = register_form(
        web,
        id_kind="passport",
        iin="",
        passport_number="e1234567",
        passport_country="cn",
        role="driver",
        login="wang.driver",
    )
    assert r.url.path == "/identity"
    r = web.get("/me")
    assert "E1234567" in r.text and "Китай" in r.text and "Водитель" in r.text


def test_register_shows_field_errors_and_keeps_the_input(web):
    web.cookies.set(COOKIE, "kk")
    r = register_form(web, login="x", password="pw-9chars", iin="12345", full_name="Aliya N")
    assert r.status_code == 422
    assert "3–64 таңба" in r.text  # login
    assert "Кемінде 10 таңба." in r.text  # password
    assert "ЖСН дәл 12 цифрдан тұрады." in r.text  # IIN
    assert 'value="Aliya N"' in r.text and 'value="12345"' in r.text
    assert "pw-9chars" not in r.text  # never echo a password
    assert 'aria-invalid="true"' in r.text


def test_register_refusals_of_the_service_are_shown_at_their_field(web, engine):
    web.cookies.set(COOKIE, "en")
    bad_iin = make_iin(date(1990, 4, 5), 77)[:11] + "0"
    if bad_iin == make_iin(date(1990, 4, 5), 77):
        bad_iin = bad_iin[:11] + "1"
    before = last_seq(engine)
    r = register_form(web, iin=bad_iin)
    assert r.status_code == 422
    assert "This IIN is not valid: check the digits." in r.text
    r = register_form(web, login="carrier")
    assert r.status_code == 409
    assert "This login is already taken; choose another one." in r.text
    reasons = [f.payload for f in footprints(engine, after=before, outcome="refused")]
    assert any("invalid_iin" in p for p in reasons) and any("login_taken" in p for p in reasons)


def test_register_a_taken_national_id(web):
    web.cookies.set(COOKIE, "en")
    assert register_form(web).url.path == "/identity"
    web.post("/logout", data={"csrf_token": csrf_of(web.get("/me").text)})
    r = register_form(web, login="second.try")
    assert r.status_code == 409
    assert "A person or company with this identifier is already registered." in r.text


def test_register_refuses_staff_roles(web):
    r = register_form(web, role="admin")
    assert r.status_code == 422
    assert 'id="role-error"' in r.text


def test_register_needs_an_identifier(web):
    web.cookies.set(COOKIE, "en")
    r = register_form(web, iin="")
    assert r.status_code == 422
    assert "Give an IIN, or a passport number with its country." in r.text
    r = register_form(
        web, id_kind="passport", iin="", passport_number="AB12345", passport_country="KZ"
    )
    assert "Citizens of Kazakhstan register with their IIN." in r.text


def test_my_account_needs_a_login(web):
    r = web.get("/me", follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == "/login?next=%2Fme"


def test_logged_in_visitors_skip_the_login_and_register_forms(web):
    log_in(web, "carrier")
    assert web.get("/login").url.path == "/me"
    assert web.get("/register").url.path == "/me"
