"""The face engine on the shipped public-domain photos: matches, refusals and image handling."""

import io

import numpy as np
import pytest
from PIL import Image

from kezek.config import Settings
from kezek.identity import models
from kezek.identity.errors import (
    FaceTooSmall,
    ImageTooDark,
    ImageTooLarge,
    NoFace,
    NotAnImage,
    SeveralFaces,
)
from kezek.identity.faces import distance, face_from_bytes, face_from_image, same_person
from kezek.identity.images import read_image

from .conftest import face_of, photo

OBAMA = ["obama/obama.jpg", "obama/obama2.jpg", "obama/obama3.jpg"]


def encoded(image: Image.Image, format: str = "JPEG", **params) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=format, **params)
    return buffer.getvalue()


def test_the_same_person_on_different_photos_is_accepted():
    for a, b in [(OBAMA[0], OBAMA[1]), (OBAMA[0], OBAMA[2]), (OBAMA[1], OBAMA[2])]:
        assert same_person(face_of(a).embedding, face_of(b).embedding, 0.6), (a, b)


def test_different_people_are_rejected():
    obama, biden = face_of(OBAMA[0]).embedding, face_of("biden/biden.jpg").embedding
    assert distance(obama, biden) > 0.6
    assert not same_person(obama, biden, 0.6)
    assert not same_person(face_of("collins/astronaut.png").embedding, obama, 0.6)


def test_same_person_takes_the_configured_threshold(monkeypatch):
    a, b = face_of(OBAMA[0]).embedding, face_of(OBAMA[1]).embedding
    assert Settings().face_match_threshold == 0.6
    strict = Settings(face_match_threshold=distance(a, b) - 0.01)
    monkeypatch.setattr("kezek.identity.faces.get_settings", lambda: strict)
    assert not same_person(a, b)


def test_an_embedding_has_128_numbers_and_5_landmarks():
    face = face_of(OBAMA[0])
    assert face.embedding.shape == (128,)
    assert len(face.landmarks) == 5


def test_two_faces_are_refused():
    with pytest.raises(SeveralFaces) as refusal:
        face_from_bytes(photo("two_people.jpg"))
    assert refusal.value.code == "several_faces"
    assert refusal.value.status_code == 422


def test_a_photo_without_a_face_is_refused():
    # A sky-like gradient: no face, but bright enough not to count as too dark.
    gradient = np.linspace(90, 220, 400, dtype=np.uint8)[:, None, None].repeat(600, 1).repeat(3, 2)
    with pytest.raises(NoFace):
        face_from_bytes(encoded(Image.fromarray(gradient)))


def test_a_dark_photo_is_refused_as_too_dark():
    darkened = (read_image(photo(OBAMA[0])) * 0.15).astype(np.uint8)
    with pytest.raises(ImageTooDark):
        face_from_image(darkened)


@pytest.mark.parametrize("data", [b"", b"%PDF-1.7 not a photo", b"\xff\xd8\xff\xe0 broken jpeg"])
def test_a_file_that_is_not_an_image_is_refused_by_its_content(data):
    with pytest.raises(NotAnImage):
        read_image(data)


def test_an_image_format_outside_the_accepted_ones_is_refused():
    gif = encoded(Image.open(io.BytesIO(photo(OBAMA[0]))), format="GIF")
    with pytest.raises(NotAnImage):
        read_image(gif)


def test_a_png_is_read_from_its_bytes_alone():
    png = photo("collins/astronaut.png")
    assert read_image(png).shape == (512, 512, 3)


def test_a_large_photo_is_scaled_down_to_the_working_size():
    assert max(read_image(photo(OBAMA[2])).shape[:2]) == 1024


def test_a_face_too_small_is_refused():
    small = Image.open(io.BytesIO(photo("obama/obama_small.jpg"))).resize((200, 150))
    with pytest.raises(FaceTooSmall):
        face_from_bytes(encoded(small))


def test_exif_orientation_is_applied_before_detection():
    upright = Image.open(io.BytesIO(photo(OBAMA[0])))
    # Pixels stored lying on their side, with the EXIF tag saying "rotate 90° clockwise to view".
    lying = upright.rotate(90, expand=True)
    exif = Image.Exif()
    exif[0x0112] = 6
    with pytest.raises(NoFace):  # the detector itself finds no face on the sideways pixels
        face_from_bytes(encoded(lying))
    face = face_from_bytes(encoded(lying, exif=exif))
    assert distance(face.embedding, face_of(OBAMA[0]).embedding) < 0.2


def test_model_versions_name_the_files_and_never_the_68_point_model():
    versions = models.model_versions()
    assert versions["landmarks"].startswith("shape_predictor_5_face_landmarks.dat sha256:")
    assert versions["embedding"].startswith("dlib_face_recognition_resnet_model_v1.dat sha256:")
    assert "68" not in " ".join(versions.values())


def test_a_dark_photo_without_a_visible_face_is_refused_as_too_dark():
    night = np.full((480, 640, 3), 10, dtype=np.uint8)
    with pytest.raises(ImageTooDark):
        face_from_bytes(encoded(Image.fromarray(night)))


def test_too_many_bytes_are_refused_before_decoding(monkeypatch):
    monkeypatch.setattr("kezek.identity.images.MAX_BYTES", 1000)
    with pytest.raises(ImageTooLarge):
        read_image(photo(OBAMA[0]))


def test_too_many_pixels_are_refused_before_decoding(monkeypatch):
    monkeypatch.setattr("kezek.identity.images.MAX_PIXELS", 100_000)
    with pytest.raises(ImageTooLarge):
        read_image(photo(OBAMA[0]))
