def test_crossings_listed(client):
    r = client.get("/api/v1/crossings")
    assert r.status_code == 200
    assert len(r.json()) == 8


def test_me_needs_token(client, auth):
    assert client.get("/api/v1/me").json()["error"] == "not_authenticated"
    assert client.get("/api/v1/me", headers=auth("admin")).json()["login"] == "admin"
