"""Duplicate faces (1:N) at enrolment and the analysts' decisions on them."""

import pytest
from sqlalchemy import select

from identity.conftest import face_of, photo
from kezek.identity.duplicates import nearest_documents
from kezek.models.audit import AuditRecord
from kezek.models.identity import DuplicateReview
from kezek.models.party import Party, User

UPLOAD = "/api/v1/identity/document"
REVIEWS = "/api/v1/identity/reviews"


def upload(client, headers, name: str):
    r = client.post(UPLOAD, headers=headers, files={"photo": ("p.jpg", photo(name), "image/jpeg")})
    assert r.status_code == 201, r.text
    return r.json()


@pytest.fixture
def duplicate(client, auth):
    """The carrier enrols Obama; later the driver enrols another photo of him."""
    first = upload(client, auth("carrier"), "obama/obama.jpg")
    second = upload(client, auth("driver"), "obama/obama2.jpg")
    return first, second


def test_the_same_face_under_another_identity_opens_one_review(client, auth, session, duplicate):
    first, second = duplicate
    assert first["duplicates_flagged"] == 0 and second["duplicates_flagged"] == 1
    review = session.scalars(select(DuplicateReview)).one()
    driver = session.scalars(select(User).where(User.login == "driver")).one()
    assert review.person_id == driver.person_id and review.document_id == second["document_id"]
    assert review.other_document_id == first["document_id"] and review.distance < 0.6
    assert review.status == "open"
    assert session.scalars(
        select(AuditRecord).where(AuditRecord.action == "identity.duplicate_flagged")
    ).one().object_id == str(review.id)


def test_a_different_face_opens_no_review(client, auth, session, duplicate):
    assert upload(client, auth("operator"), "biden/biden.jpg")["duplicates_flagged"] == 0
    assert len(session.scalars(select(DuplicateReview)).all()) == 1


def test_a_person_replacing_their_own_photo_is_no_duplicate(client, auth, session):
    upload(client, auth("carrier"), "obama/obama.jpg")
    assert upload(client, auth("carrier"), "obama/obama2.jpg")["duplicates_flagged"] == 0


def test_only_the_latest_document_of_each_person_is_searched(client, auth, session):
    upload(client, auth("carrier"), "obama/obama.jpg")
    upload(client, auth("carrier"), "biden/biden.jpg")  # replaces the Obama photo
    assert upload(client, auth("driver"), "obama/obama2.jpg")["duplicates_flagged"] == 0


def test_the_search_is_one_vectorised_comparison(client, auth, session, duplicate):
    matches = nearest_documents(
        session, person_id=-1, embedding=face_of("obama/obama3.jpg").embedding, threshold=0.6
    )
    assert len(matches) == 2 and matches[0].distance <= matches[1].distance


def test_analysts_see_the_open_queue_with_both_identities(client, auth, duplicate):
    r = client.get(REVIEWS, headers=auth("analyst"), params={"status": "open"})
    assert r.status_code == 200
    [review] = r.json()
    assert review["newer"]["full_name"] == "Bolat Zhaksylykov"
    assert review["other"]["full_name"] == "Serik Tulegenov"
    assert (
        review["newer"]["national_id"]
        and review["other"]["document_id"] == duplicate[0]["document_id"]
    )
    assert 0 < review["distance"] < 0.6


@pytest.mark.parametrize("login", ["carrier", "driver", "operator", "admin"])
def test_only_analysts_open_the_queue(client, auth, login):
    assert client.get(REVIEWS, headers=auth(login)).status_code == 403
    decision = {"outcome": "same_person"}
    assert (
        client.post(f"{REVIEWS}/1/decision", headers=auth(login), json=decision).status_code == 403
    )


def test_the_queue_needs_a_login(client):
    assert client.get(REVIEWS).status_code == 401


def _review_id(client, auth) -> int:
    return client.get(REVIEWS, headers=auth("analyst")).json()[0]["id"]


def test_same_person_rejects_the_newer_identity_and_its_bookings(client, auth, session, duplicate):
    review_id = _review_id(client, auth)
    r = client.post(
        f"{REVIEWS}/{review_id}/decision",
        headers=auth("analyst"),
        json={"outcome": "same_person", "note": "Same man, two passports"},
    )
    assert r.status_code == 200, r.text
    assert (
        r.json()["status"] == "same_person" and r.json()["newer"]["identity_status"] == "rejected"
    )
    assert r.json()["other"]["identity_status"] == "verified"
    driver = session.scalars(select(User).where(User.login == "driver")).one()
    assert session.get(Party, driver.person_id).identity_status == "rejected"
    assert client.get(REVIEWS, headers=auth("analyst")).json() == []
    decided = client.get(REVIEWS, headers=auth("analyst"), params={"status": "same_person"})
    assert decided.json()[0]["resolution_note"] == "Same man, two passports"
    actions = session.scalars(select(AuditRecord.action)).all()
    assert "identity.review_decided" in actions and "person.identity_status" in actions
    session.rollback()  # end the read: on SQLite it holds the write lock
    state = client.get("/api/v1/identity", headers=auth("driver")).json()
    assert state["identity_status"] == "rejected"
    # A rejected identity cannot undo the decision by enrolling another photo.
    upload(client, auth("driver"), "biden/biden.jpg")
    assert session.get(Party, driver.person_id).identity_status == "rejected"


def test_different_people_only_clears_the_match(client, auth, session, duplicate):
    review_id = _review_id(client, auth)
    r = client.post(
        f"{REVIEWS}/{review_id}/decision",
        headers=auth("analyst"),
        json={"outcome": "different_people"},
    )
    assert r.status_code == 200 and r.json()["status"] == "different_people"
    assert r.json()["newer"]["identity_status"] == "verified"
    again = client.post(
        f"{REVIEWS}/{review_id}/decision", headers=auth("analyst"), json={"outcome": "same_person"}
    )
    assert again.status_code == 409 and again.json()["error"] == "review_already_resolved"


def test_deciding_an_unknown_review_or_outcome_is_refused(client, auth):
    headers = auth("analyst")
    r = client.post(f"{REVIEWS}/999/decision", headers=headers, json={"outcome": "same_person"})
    assert r.status_code == 404 and r.json()["error"] == "review_not_found"
    r = client.post(f"{REVIEWS}/999/decision", headers=headers, json={"outcome": "maybe"})
    assert r.status_code == 422
