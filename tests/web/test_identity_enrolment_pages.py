"""The document-photo page and the analysts' duplicate-faces page, as a browser uses them."""

import json
import re
from pathlib import Path

import pytest
from support import fast_demo_passwords, footprints, sqlite_only  # noqa: F401

from kezek.web.i18n import COOKIE

# The pages' cost is the face models; enrolment's database work runs on both backends elsewhere.
pytestmark = [pytest.mark.usefixtures("fast_demo_passwords"), sqlite_only]
FACES = Path(__file__).resolve().parents[1] / "data" / "faces"


def _upload(web, token: str, name: str, content: bytes | None = None):
    data = content if content is not None else (FACES / name).read_bytes()
    return web.post(
        "/identity/document",
        data={"csrf_token": token},
        files={"photo": ("photo.jpg", data, "image/jpeg")},
    )


def _photo_ids(html: str) -> list[int]:
    return [int(x) for x in re.findall(r'src="/identity/documents/(\d+)/photo"', html)]


def test_the_upload_shows_the_photo_and_leads_to_the_camera_check(web, login_as):
    web.cookies.set(COOKIE, "en")
    token = login_as("carrier")
    page = web.get("/identity/document")
    assert page.status_code == 200 and 'enctype="multipart/form-data"' in page.text
    assert "HEIC" in page.text and _photo_ids(page.text) == []
    r = _upload(web, token, "obama/obama.jpg")
    assert r.status_code == 200 and r.url.path == "/identity/document"
    assert "The photo was accepted." in r.text and 'href="/identity"' in r.text
    [document_id] = _photo_ids(r.text)
    photo = web.get(f"/identity/documents/{document_id}/photo")
    assert photo.status_code == 200 and photo.headers["content-type"] == "image/jpeg"


@pytest.mark.parametrize(
    ("lang", "content", "code", "text"),
    [
        ("en", b"not a photo", "not_an_image", "is not a JPEG, PNG, WebP or HEIC"),
        ("ru", None, "several_faces", "На фото больше одного лица"),
    ],
)
def test_a_refused_photo_is_explained_in_the_page(web, login_as, engine, lang, content, code, text):
    web.cookies.set(COOKIE, lang)
    token = login_as("carrier")
    r = _upload(web, token, "two_people.jpg", content)
    assert r.status_code == 422
    assert f'data-error="{code}"' in r.text and text in r.text
    assert _photo_ids(r.text) == []
    assert json.loads(footprints(engine, outcome="refused")[-1].payload)["reason"] == code


def test_another_persons_photo_is_not_found_and_anonymous_must_log_in(web, login_as):
    token = login_as("carrier")
    _upload(web, token, "obama/obama.jpg")
    [document_id] = _photo_ids(web.get("/identity/document").text)
    web.post("/logout", data={"csrf_token": token})
    anonymous = web.get(f"/identity/documents/{document_id}/photo", follow_redirects=False)
    assert anonymous.status_code in (302, 303, 401) and not anonymous.content.startswith(
        b"\xff\xd8"
    )
    login_as("driver")
    assert web.get(f"/identity/documents/{document_id}/photo").status_code == 404


def _duplicate(web, login_as) -> None:
    _upload(web, login_as("carrier"), "obama/obama.jpg")
    _upload(web, login_as("driver"), "obama/obama2.jpg")


def test_analysts_see_both_photos_and_decide_without_javascript(web, login_as):
    web.cookies.set(COOKIE, "en")
    _duplicate(web, login_as)
    token = login_as("analyst")
    assert 'href="/analyst/identity-reviews"' in web.get("/me").text
    page = web.get("/analyst/identity-reviews")
    assert page.status_code == 200
    assert "Serik Tulegenov" in page.text and "Bolat Zhaksylykov" in page.text
    ids = _photo_ids(page.text)
    assert len(ids) == 2
    for document_id in ids:
        assert web.get(f"/identity/documents/{document_id}/photo").status_code == 200
    review_id = re.search(r'id="review-(\d+)"', page.text).group(1)
    r = web.post(
        f"/analyst/identity-reviews/{review_id}/decision",
        data={"csrf_token": token, "outcome": "same_person", "note": "Two passports"},
    )
    assert r.status_code == 200 and "Bolat Zhaksylykov is rejected" in r.text
    assert "No open reviews." in r.text
    again = web.post(
        f"/analyst/identity-reviews/{review_id}/decision",
        data={"csrf_token": token, "outcome": "different_people"},
    )
    assert again.status_code == 409 and "already decided" in again.text


def test_an_htmx_decision_replaces_its_card(web, login_as):
    web.cookies.set(COOKIE, "en")
    _duplicate(web, login_as)
    token = login_as("analyst")
    page = web.get("/analyst/identity-reviews").text
    review_id = re.search(r'id="review-(\d+)"', page).group(1)
    r = web.post(
        f"/analyst/identity-reviews/{review_id}/decision",
        data={"outcome": "different_people"},
        headers={"HX-Request": "true", "X-CSRF-Token": token},
    )
    assert r.status_code == 200 and r.text.lstrip().startswith(
        f'<article class="card review" id="review-{review_id}"'
    )
    assert "Decided: different people." in r.text and "<html" not in r.text


@pytest.mark.parametrize("login", ["carrier", "operator", "admin"])
def test_the_queue_page_is_for_analysts_only(web, login_as, login):
    login_as(login)
    assert web.get("/analyst/identity-reviews").status_code == 403
    assert 'href="/analyst/identity-reviews"' not in web.get("/me").text
