"""The identity API and page around the analysis: status, challenges, refusals, analysts' tools."""

from datetime import timedelta
from functools import cache

import pytest
from booking_support import Fleet
from support import almaty_today, sqlite_only

from identity import clips
from identity.clips import portrait
from identity.conftest import face_of
from kezek.identity import synthetic
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


def enrol(engine, login: str, photo: str = "obama/obama.jpg") -> None:
    from kezek.db import new_session

    session = new_session(engine)
    person_id = session.query(User).filter_by(login=login).one().person_id
    face = face_of(photo)
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


def test_a_verified_person_may_take_a_new_check_once_a_document_is_on_file(client, engine, auth):
    """A new check confirms a power of attorney grant (docs/attorneys.md); the demo carrier is
    verified without a document photo, so the check first asks for one."""
    r = client.post("/api/v1/identity/challenges", headers=auth("carrier"))
    assert r.status_code == 409 and r.json()["error"] == "document_required"
    enrol(engine, "carrier")
    r = client.post("/api/v1/identity/challenges", headers=auth("carrier"))
    assert r.status_code == 201 and len(r.json()["steps"]) == 3


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


# --- whole verifications through the API, with generated clips --------------------------------


@cache
def answering_clip(steps: tuple[str, ...], photo_name: str = "obama/obama.jpg") -> bytes:
    return synthetic.write_video(synthetic.turning_clip(portrait(photo_name), list(steps)))


def mirrored(steps: tuple[str, ...]) -> tuple[str, ...]:
    return tuple("right" if step == "left" else "left" for step in steps)


def verify_with(client, headers, clip_of_steps) -> dict:
    challenge = client.post("/api/v1/identity/challenges", headers=headers).json()
    r = client.post(
        "/api/v1/identity/verifications",
        headers=headers,
        data={"nonce": challenge["nonce"]},
        files={"video": ("selfie.webm", clip_of_steps(tuple(challenge["steps"])), "video/webm")},
    )
    assert r.status_code == 201, r.text
    return r.json()


@sqlite_only  # the generated clips cost seconds; the service runs on both in its own tests
def test_a_clip_that_answers_the_challenge_verifies_and_the_person_books(client, engine, newcomer):
    enrol(engine, "newcomer")
    booking = {
        "crossing": "NUR_ZHOLY",
        "direction": "exit",
        "date": str(almaty_today() + timedelta(days=2)),
        "hour": 10,
        "cargo_category": "general",
    }
    fleet = Fleet(engine, serial=900)
    booking["vehicle_id"] = fleet.vehicle("newcomer")
    fleet.top_up("newcomer", kzt=50_000)
    refused = client.post("/api/v1/bookings", headers=newcomer, json=booking)
    assert refused.status_code == 403 and refused.json()["error"] == "identity_not_verified"

    result = verify_with(client, newcomer, answering_clip)
    assert (result["decision"], result["reason"]) == ("verified", None)
    assert result["identity_status"] == "verified" and result["distance"] < 0.6
    assert client.get("/api/v1/identity", headers=newcomer).json()["identity_status"] == "verified"
    assert client.post("/api/v1/bookings", headers=newcomer, json=booking).status_code == 201


@pytest.mark.parametrize(
    ("document", "clip_of_steps", "reason"),
    [
        ("obama/obama2.jpg", lambda steps: clips.clip("moved"), "no_head_turn"),
        ("obama/obama2.jpg", lambda steps: clips.clip("still"), "no_head_turn"),
        ("biden/biden.jpg", answering_clip, "face_mismatch"),
        ("obama/obama2.jpg", lambda s: answering_clip(mirrored(s)), "turns_not_as_asked"),
    ],
    ids=["photo-moved-at-the-camera", "photo-held-still", "another-person", "wrong-order"],
)
@sqlite_only
def test_a_photo_another_face_or_the_wrong_turns_fail_with_the_reason(
    client, engine, newcomer, auth, document, clip_of_steps, reason
):
    enrol(engine, "newcomer", document)
    result = verify_with(client, newcomer, clip_of_steps)
    assert (result["decision"], result["reason"]) == ("failed", reason)
    assert result["identity_status"] == "unverified" and result["failures_in_a_row"] == 1
    detail = client.get(
        f"/api/v1/identity/verifications/{result['id']}", headers=auth("analyst")
    ).json()
    assert detail["measures"]["frames"] > 0 and detail["model_versions"]
    assert detail["video_kept"] is True


def test_an_unreadable_file_is_refused_and_the_challenge_stays_open(client, engine, newcomer):
    enrol(engine, "newcomer")
    challenge = client.post("/api/v1/identity/challenges", headers=newcomer).json()
    r = client.post(
        "/api/v1/identity/verifications",
        headers=newcomer,
        data={"nonce": challenge["nonce"]},
        files={"video": ("selfie.webm", b"\x1a\x45\xdf\xa3 truncated", "video/webm")},
    )
    assert r.status_code == 422 and r.json()["error"] == "not_a_video"
    state = client.get("/api/v1/identity", headers=newcomer).json()
    assert state["challenge"]["nonce"] == challenge["nonce"] and state["last_attempt"] is None
