"""Roles are enforced on every endpoint; admins manage users and their roles."""

import re
from datetime import date

from api_contract import api_routes
from support import NON_ADMIN_LOGINS, bearer

from kezek.people.national_id import make_iin

# Anyone may call these (SPEC: reading crossings and availability is public).
PUBLIC = {("POST", "/api/v1/auth/token"), ("POST", "/api/v1/auth/register")}
PUBLIC_PREFIXES = {("GET", "/api/v1/crossings")}
# Any logged-in user, whatever the role.
ANY_SIGNED_IN = {("GET", "/api/v1/me"), ("POST", "/api/v1/me/companies")}
ANY_SIGNED_IN |= {("GET", "/api/v1/accounts/me"), ("GET", "/api/v1/accounts/me/statement")}
ANY_SIGNED_IN |= {("GET", "/api/v1/notifications")}
# The identity check is every person's own (a document photo is also readable by analysts).
ANY_SIGNED_IN |= {
    ("GET", "/api/v1/identity"),
    ("POST", "/api/v1/identity/challenges"),
    ("POST", "/api/v1/identity/verifications"),
    ("POST", "/api/v1/identity/document"),
    ("GET", "/api/v1/identity/documents/{document_id}/photo"),
}
# Attorneys: anyone verifies (a border officer has no login); the two parties read them.
PUBLIC |= {
    ("GET", "/api/v1/attorneys/public-key"),
    ("POST", "/api/v1/attorneys/verification"),
    ("GET", "/api/v1/attorneys/{public_id}/verification"),
}
ANY_SIGNED_IN |= {
    ("GET", "/api/v1/attorneys"),
    ("GET", "/api/v1/attorneys/{public_id}"),
    ("GET", "/api/v1/attorneys/{public_id}/pdf"),
    ("POST", "/api/v1/attorneys/{public_id}/revoke"),
}
ADMIN_ONLY_PATTERNS = [
    r"^/api/v1/admin/",
    r"^(PATCH|PUT|POST|DELETE) /api/v1/crossings",
]
# Operations open to some roles only: path pattern -> the roles let through.
ROLE_ONLY = {
    r"^/api/v1/bookings": {"carrier", "driver", "intermediary"},
    r"^/api/v1/checkpoint": {"operator"},
    r"^/api/v1/identity/verifications/\{attempt_id\}": {"analyst"},
    r"^/api/v1/identity/reviews": {"analyst"},
}
# Patterns on "METHOD path", for paths whose methods are open to different roles.
ROLE_ONLY |= {
    # Operators check the registration certificates of vehicles the registry does not know.
    r"^GET /api/v1/vehicles/(pending|\{vehicle_id\}/certificate)$": {"operator", "admin"},
    r"^POST /api/v1/vehicles/\{vehicle_id\}/certificate/decision$": {"operator", "admin"},
    r"^GET /api/v1/vehicles": {"carrier", "driver", "intermediary"},
    r"^POST /api/v1/vehicles": {"carrier", "admin"},
    r"^GET /api/v1/accounts$": {"operator", "admin"},
    r"^POST /api/v1/attorneys$": {"carrier", "admin"},
    r"^POST /api/v1/accounts/\{account_id\}/top-ups$": {"operator", "admin"},
}
# Unused reservations: owners read their month and appeal; analysts decide and read the reports.
BOOKERS = {"carrier", "driver", "intermediary"}
ROLE_ONLY |= {
    r"^GET /api/v1/compensation/(me|appeals)$": BOOKERS,
    r"^POST /api/v1/compensation/unused/\{unused_id\}/appeals$": BOOKERS,
    r"^GET /api/v1/compensation/appeals/queue$": {"analyst"},
    r"^GET /api/v1/compensation/appeals/\{appeal_id\}": BOOKERS | {"analyst"},
    r"^POST /api/v1/compensation/appeals/\{appeal_id\}/decision$": {"analyst"},
    r"^GET /api/v1/compensation/reports/": {"analyst"},
}
PATH_VALUES = {
    "code": "DOSTYK",
    "direction": "exit",
    "exception_id": "1",
    "login": "carrier",
    "role": "driver",
    "public_id": "0b0e6f3e-0000-4000-8000-000000000000",
}


def api_operations(app) -> list[tuple[str, str]]:
    """(method, path template) of every /api/v1 route, hidden ones included."""

    return sorted(
        (method, route.path)
        for route in api_routes(app)
        if route.path.startswith("/api/v1/") and hasattr(route, "endpoint")
        for method in (getattr(route, "methods", None) or set()) - {"HEAD"}
        if route.path not in ("/api/v1/openapi.json", "/api/v1/docs")
    )


def is_public(method: str, path: str) -> bool:
    return (method, path) in PUBLIC or any(
        method == m and path.startswith(p) for m, p in PUBLIC_PREFIXES
    )


def is_admin_only(method: str, path: str) -> bool:
    return any(re.search(p, path) or re.search(p, f"{method} {path}") for p in ADMIN_ONLY_PATTERNS)


def roles_of(method: str, path: str) -> set[str] | None:
    return next(
        (
            roles
            for p, roles in ROLE_ONLY.items()
            if re.search(p, path) or re.search(p, f"{method} {path}")
        ),
        None,
    )


def concrete(path: str) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: PATH_VALUES.get(m.group(1), "1"), path)


def test_every_api_route_is_documented_in_openapi(app):
    documented = {
        (method.upper(), path)
        for path, ops in app.openapi()["paths"].items()
        for method in ops
        if path.startswith("/api/v1/")
    }
    assert set(api_operations(app)) == documented


def test_every_non_public_operation_refuses_an_anonymous_call_with_401(app, client):
    operations = [op for op in api_operations(app) if not is_public(*op)]
    assert len(operations) >= 10, operations  # the walk found the API
    for method, path in operations:
        r = client.request(method, concrete(path), json={})
        assert r.status_code == 401, (method, path, r.status_code, r.text)
        assert r.json()["error"] == "not_authenticated"


def test_every_admin_operation_refuses_each_other_role_with_403(app, client, auth):
    operations = [op for op in api_operations(app) if is_admin_only(*op)]
    assert len(operations) >= 8, operations
    headers = {login: auth(login) for login in NON_ADMIN_LOGINS}
    for method, path in operations:
        for login in NON_ADMIN_LOGINS:
            r = client.request(method, concrete(path), json={}, headers=headers[login])
            assert r.status_code == 403, (method, path, login, r.status_code, r.text)
            assert r.json()["error"] == "forbidden"


def test_every_operation_is_classified(app):
    # A new endpoint must be placed here deliberately: public, any signed-in user, or admin.
    unclassified = [
        op
        for op in api_operations(app)
        if not (is_public(*op) or op in ANY_SIGNED_IN or is_admin_only(*op) or roles_of(*op))
    ]
    assert unclassified == []


def test_every_role_restricted_operation_refuses_the_other_roles_with_403(app, client, auth):
    operations = [(op, roles_of(*op)) for op in api_operations(app) if roles_of(*op)]
    assert operations
    for (method, path), allowed in operations:
        for login in sorted({"admin", *NON_ADMIN_LOGINS} - allowed):
            r = client.request(method, concrete(path), json={}, headers=auth(login))
            assert r.status_code == 403, (method, path, login, r.status_code, r.text)
            assert r.json()["error"] == "forbidden"


def test_operations_that_refuse_roles_say_so_in_openapi(app):
    paths = app.openapi()["paths"]
    for method, path in api_operations(app):
        responses = paths[path][method.lower()]["responses"]
        if not is_public(method, path):
            assert "`not_authenticated`" in responses["401"]["description"], (method, path)
        if is_admin_only(method, path) or roles_of(method, path):
            assert "`forbidden`" in responses["403"]["description"], (method, path)


# --- admin user management ----------------------------------------------------------------


def new_user(**changes):
    body = {
        "login": "gulnara",
        "password": "border-post-2026",
        "full_name": "Gulnara Bekova",
        "iin": make_iin(date(1987, 6, 5), 31, female=True),
        "role": "operator",
    }
    return body | changes


def test_an_admin_creates_a_user_with_a_staff_role(client, auth):
    r = client.post("/api/v1/admin/users", json=new_user(), headers=auth("admin"))
    assert r.status_code == 201, r.text
    assert r.json()["roles"] == ["operator"]
    assert r.json()["identity_status"] == "unverified"
    me = client.get("/api/v1/me", headers=bearer(client, "gulnara", "border-post-2026"))
    assert me.json()["roles"] == ["operator"]


def test_admin_user_creation_refuses_what_registration_refuses(client, auth):
    admin = auth("admin")
    taken = client.post("/api/v1/admin/users", json=new_user(login="carrier"), headers=admin)
    assert (taken.status_code, taken.json()["error"]) == (409, "login_taken")
    bad_iin = client.post("/api/v1/admin/users", json=new_user(iin="850314300014"), headers=admin)
    assert (bad_iin.status_code, bad_iin.json()["error"]) == (422, "invalid_iin")
    short = client.post("/api/v1/admin/users", json=new_user(password="short"), headers=admin)
    assert (short.status_code, short.json()["error"]) == (422, "validation_error")


def test_an_admin_grants_and_revokes_a_role(client, auth):
    admin = auth("admin")
    r = client.post("/api/v1/admin/users/carrier/roles", json={"role": "driver"}, headers=admin)
    assert r.status_code == 200
    assert r.json()["roles"] == ["carrier", "driver"]
    again = client.post("/api/v1/admin/users/carrier/roles", json={"role": "driver"}, headers=admin)
    assert again.json()["roles"] == ["carrier", "driver"]
    r = client.delete("/api/v1/admin/users/carrier/roles/driver", headers=admin)
    assert r.status_code == 200
    assert r.json()["roles"] == ["carrier"]
    not_held = client.delete("/api/v1/admin/users/carrier/roles/analyst", headers=admin)
    assert (not_held.status_code, not_held.json()["roles"]) == (200, ["carrier"])


def test_a_granted_role_takes_effect_at_once_on_existing_tokens(client, auth):
    carrier = auth("carrier")
    edit = {"notes": "edited by the carrier"}
    assert client.patch("/api/v1/crossings/DOSTYK", json=edit, headers=carrier).status_code == 403
    client.post("/api/v1/admin/users/carrier/roles", json={"role": "admin"}, headers=auth("admin"))
    assert client.patch("/api/v1/crossings/DOSTYK", json=edit, headers=carrier).status_code == 200
    client.delete("/api/v1/admin/users/carrier/roles/admin", headers=auth("admin"))
    assert client.patch("/api/v1/crossings/DOSTYK", json=edit, headers=carrier).status_code == 403


def test_role_changes_of_an_unknown_user_are_404(client, auth):
    admin = auth("admin")
    r = client.post("/api/v1/admin/users/nobody/roles", json={"role": "driver"}, headers=admin)
    assert (r.status_code, r.json()["error"]) == (404, "user_not_found")
    r = client.delete("/api/v1/admin/users/nobody/roles/driver", headers=admin)
    assert (r.status_code, r.json()["error"]) == (404, "user_not_found")


def test_an_unknown_role_is_422(client, auth):
    admin = auth("admin")
    r = client.post("/api/v1/admin/users/carrier/roles", json={"role": "pilot"}, headers=admin)
    assert (r.status_code, r.json()["error"]) == (422, "validation_error")
    r = client.delete("/api/v1/admin/users/carrier/roles/pilot", headers=admin)
    assert (r.status_code, r.json()["error"]) == (422, "validation_error")
