"""Enrolling a document photo through the API: accepted, refused, HEIC/PNG, who sees the photo."""

import io

import pillow_heif
import pytest
from PIL import Image
from sqlalchemy import select
from support import sqlite_only

from identity.conftest import photo
from kezek.models.audit import AuditRecord
from kezek.models.identity import IdentityDocument
from kezek.models.party import User

UPLOAD = "/api/v1/identity/document"


def upload(client, headers, data: bytes, name: str = "passport.jpg", media_type="image/jpeg"):
    return client.post(UPLOAD, headers=headers, files={"photo": (name, data, media_type)})


def stored_files(settings) -> list:
    return sorted(settings.media_dir.glob("*")) if settings.media_dir.exists() else []


def test_a_photo_with_one_face_is_enrolled_and_kept(client, auth, session, settings):
    r = upload(client, auth("carrier"), photo("obama/obama.jpg"))
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["document_id"] > 0 and len(body["face_box"]) == 4
    assert body["identity_status"] == "verified"  # the first document: nothing to redo
    assert body["duplicates_flagged"] == 0
    document = session.get(IdentityDocument, body["document_id"])
    assert document.media_type == "image/jpeg" and len(document.embedding) == 128 * 8
    assert "embedding" in document.model_versions
    assert stored_files(settings)[0].read_bytes() == photo("obama/obama.jpg")
    footprint = session.scalars(
        select(AuditRecord).where(AuditRecord.action == "identity.document")
    ).one()
    assert footprint.object_id == str(document.id)


def test_a_new_document_sends_a_verified_person_back_to_the_camera_check(client, auth):
    assert upload(client, auth("carrier"), photo("obama/obama.jpg")).status_code == 201
    r = upload(client, auth("carrier"), photo("obama/obama2.jpg"))
    assert r.status_code == 201 and r.json()["identity_status"] == "unverified"
    state = client.get("/api/v1/identity", headers=auth("carrier")).json()
    assert state["document"]["id"] == r.json()["document_id"]


def _image_bytes(size, colour, fmt="JPEG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format=fmt)
    return out.getvalue()


def _shrunk(name: str, size: tuple[int, int]) -> bytes:
    out = io.BytesIO()
    Image.open(io.BytesIO(photo(name))).resize(size).save(out, format="JPEG")
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (photo("two_people.jpg"), "several_faces"),
        (_shrunk("obama/obama_small.jpg", (200, 150)), "face_too_small"),
        (b"%PDF-1.4 not a photo", "not_an_image"),
        (_image_bytes((400, 300), (128, 128, 128)), "no_face"),
        (_image_bytes((400, 300), (5, 5, 5)), "image_too_dark"),
    ],
)
@sqlite_only  # face models are the cost; enrolment's database work runs on both above
def test_unusable_files_are_refused_with_their_reason(client, auth, session, settings, data, code):
    r = upload(client, auth("carrier"), data)
    assert r.status_code == 422 and r.json()["error"] == code
    assert stored_files(settings) == []
    assert session.scalars(select(IdentityDocument)).all() == []


def test_an_oversized_upload_is_refused(client, auth, settings):
    r = upload(client, auth("carrier"), b"\xff\xd8" + b"0" * (20 * 1024 * 1024))
    assert r.status_code == 422 and r.json()["error"] == "image_too_large"
    assert stored_files(settings) == []


@sqlite_only  # face models are the cost; enrolment's database work runs on both above
def test_a_heic_photo_is_read_and_stored_as_an_upright_jpeg(client, auth, session):
    source = Image.open(io.BytesIO(photo("obama/obama.jpg")))
    # As a phone stores it: pixels lying on their side, the EXIF tag saying how to turn them.
    exif = Image.Exif()
    exif[0x0112] = 6
    out = io.BytesIO()
    pillow_heif.from_pillow(source.rotate(90, expand=True)).save(
        out, quality=80, exif=exif.tobytes()
    )
    heic = out.getvalue()
    assert heic[4:12] == b"ftypheic"
    r = upload(client, auth("carrier"), heic, name="IMG_0001.HEIC", media_type="image/heic")
    assert r.status_code == 201, r.text
    document = session.get(IdentityDocument, r.json()["document_id"])
    assert document.media_type == "image/jpeg"
    served = client.get(f"/api/v1/identity/documents/{document.id}/photo", headers=auth("carrier"))
    assert served.headers["content-type"] == "image/jpeg"
    assert Image.open(io.BytesIO(served.content)).size == source.size  # upright


@sqlite_only  # face models are the cost; enrolment's database work runs on both above
def test_a_png_is_kept_as_sent(client, auth, session):
    data = photo("collins/astronaut.png")
    r = upload(client, auth("carrier"), data, name="scan.png", media_type="image/png")
    assert r.status_code == 201, r.text
    served = client.get(
        f"/api/v1/identity/documents/{r.json()['document_id']}/photo", headers=auth("carrier")
    )
    assert served.headers["content-type"] == "image/png" and served.content == data


@sqlite_only  # face models are the cost; enrolment's database work runs on both above
def test_the_photo_is_shown_to_its_owner_and_analysts_only(client, auth):
    document_id = upload(client, auth("carrier"), photo("obama/obama.jpg")).json()["document_id"]
    url = f"/api/v1/identity/documents/{document_id}/photo"
    owner = client.get(url, headers=auth("carrier"))
    assert owner.status_code == 200 and owner.content == photo("obama/obama.jpg")
    assert owner.headers["cache-control"] == "private, no-store"
    assert client.get(url, headers=auth("analyst")).status_code == 200
    other = client.get(url, headers=auth("driver"))
    assert other.status_code == 404 and other.json()["error"] == "document_not_found"
    assert client.get(url).status_code == 401
    assert (
        client.get("/api/v1/identity/documents/999999/photo", headers=auth("analyst")).status_code
        == 404
    )


def test_anonymous_uploads_are_refused(client):
    r = client.post(UPLOAD, files={"photo": ("a.jpg", photo("obama/obama.jpg"), "image/jpeg")})
    assert r.status_code == 401


@sqlite_only  # face models are the cost; enrolment's database work runs on both above
def test_model_versions_are_recorded(client, auth, session):
    upload(client, auth("carrier"), photo("obama/obama.jpg"))
    document = session.scalars(select(IdentityDocument)).one()
    assert set(document.model_versions) >= {"dlib", "landmarks", "embedding"}
    assert session.scalars(select(User)).first() is not None


def test_a_rolled_back_enrolment_leaves_no_file(session, settings, tmp_path):
    from kezek.identity.enrolment import enrol_document
    from kezek.identity.storage import MediaStore

    media = MediaStore(tmp_path / "media")
    person = session.scalars(select(User).where(User.login == "driver")).one().person
    enrolment = enrol_document(
        session, person=person, data=photo("obama/obama.jpg"), media=media, settings=settings
    )
    assert media.exists(enrolment.document.photo_file)
    session.rollback()  # e.g. the commit failed
    assert not media.exists(enrolment.document.photo_file)
