"""The identity API and page around the analysis: status, challenges, refusals, analysts' tools."""

import pytest

from identity.conftest import face_of
from kezek.models.identity import IdentityDocument
from kezek.models.party import User


@pytest.fixture
def newcomer(client):
    """A freshly registered carrier: unverified, no document; returns bearer headers."""
    body = {
        "login": "newcomer",
        "password": "a-long-password-1",
        "full_name": "Aru Newcomer",
        "passport_number": "N1234567",
        "passport_country": "KG",
    }
    assert client.post("/api/v1/auth/register", json=body).status_code == 201
    token = client.post(
        "/api/v1/auth/token", data={"username": "newcomer", "password": body["password"]}
    ).json()["access_token"]
    return {"Authorization": f"Bearer {token}"}


def enrol(engine, login: str) -> None:
    from kezek.db import new_session

    session = new_session(engine)
    person_id = session.query(User).filter_by(login=login).one().person_id
    face = face_of("obama/obama.jpg")
    session.add(
        IdentityDocument(
            person_id=person_id,
            photo_file=f"photo-{login}.jpg",
            media_type="image/jpeg",
            face_box=list(face.box),
            embedding=face.embedding.tobytes(),
        )
    )
    session.commit()
    session.close()


def test_a_new_person_starts_with_nothing_and_needs_a_document(client, newcomer):
    state = client.get("/api/v1/identity", headers=newcomer).json()
    assert state["identity_status"] == "unverified"
    assert state["document"] is None and state["challenge"] is None
    assert state["attempts_before_lockout"] == 5
    r = client.post("/api/v1/identity/challenges", headers=newcomer)
    assert r.status_code == 409 and r.json()["error"] == "document_required"


def test_a_challenge_is_issued_once_and_shown_in_the_status(client, engine, newcomer):
    enrol(engine, "newcomer")
    first = client.post("/api/v1/identity/challenges", headers=newcomer)
    assert first.status_code == 201
    challenge = first.json()
    assert len(challenge["steps"]) == 3 and set(challenge["steps"]) == {"left", "right"}
    again = client.post("/api/v1/identity/challenges", headers=newcomer).json()
    assert again["nonce"] == challenge["nonce"]
    state = client.get("/api/v1/identity", headers=newcomer).json()
    assert state["challenge"]["nonce"] == challenge["nonce"]
    assert state["document"]["id"] > 0


def test_a_verified_person_needs_no_challenge(client, auth):
    r = client.post("/api/v1/identity/challenges", headers=auth("carrier"))
    assert r.status_code == 409 and r.json()["error"] == "already_verified"


def test_a_video_must_answer_an_issued_challenge(client, engine, newcomer):
    enrol(engine, "newcomer")
    r = client.post(
        "/api/v1/identity/verifications",
        headers=newcomer,
        data={"nonce": "made-up"},
        files={"video": ("selfie.webm", b"whatever", "video/webm")},
    )
    assert r.status_code == 404 and r.json()["error"] == "challenge_not_found"


def test_a_video_upload_needs_a_nonce_and_a_file(client, newcomer):
    r = client.post("/api/v1/identity/verifications", headers=newcomer, data={})
    assert r.status_code == 422 and r.json()["error"] == "validation_error"


def test_the_identity_api_needs_a_login(client):
    assert client.get("/api/v1/identity").status_code == 401
    assert client.post("/api/v1/identity/challenges").status_code == 401


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/identity/verifications/1"),
        ("get", "/api/v1/identity/verifications/1/video"),
        ("post", "/api/v1/identity/verifications/1/flag"),
    ],
)
def test_attempt_records_and_videos_are_for_analysts(client, auth, method, path):
    kwargs = {"json": {"reason": "a look"}} if method == "post" else {}
    r = getattr(client, method)(path, headers=auth("carrier"), **kwargs)
    assert r.status_code == 403
    r = getattr(client, method)(path, headers=auth("analyst"), **kwargs)
    assert r.status_code == 404 and r.json()["error"] == "attempt_not_found"


def test_the_identity_page_leads_a_new_person_to_the_document_first(client, web_newcomer):
    page = web_newcomer.get("/identity")
    assert page.status_code == 200
    assert "Step 1. Document photo" in page.text and 'href="/identity/document"' in page.text
    assert "First upload the document photo." in page.text
    assert "camera-check.js" not in page.text


def test_the_identity_page_offers_the_camera_check_after_the_document(client, engine, web_newcomer):
    enrol(engine, "newcomer")
    page = web_newcomer.get("/identity")
    assert 'id="camera-check"' in page.text and "camera-check.js" in page.text
    csrf = page.text.split('"X-CSRF-Token": "')[1].split('"')[0]
    fragment = web_newcomer.post("/identity/challenge", headers={"X-CSRF-Token": csrf})
    assert fragment.status_code == 200 and "data-nonce=" in fragment.text
    r = web_newcomer.post(
        "/identity/verification",
        headers={"X-CSRF-Token": csrf},
        data={"nonce": "made-up"},
        files={"video": ("selfie.webm", b"whatever", "video/webm")},
    )
    assert r.status_code == 404 and 'data-error="challenge_not_found"' in r.text


@pytest.fixture
def web_newcomer(client, newcomer):
    from web.conftest import log_in

    client.cookies.set("kezek_lang", "en")
    log_in(client, "newcomer", "a-long-password-1")
    return client
