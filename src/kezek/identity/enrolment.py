"""Enrolment: the photo of a person's identity document, with the one face found on it.

The photo is checked (exactly one usable face) before anything is stored, so a refused upload
leaves no trace but its footprint. A replaced document sends a verified person back to the camera
check, against the new photo; a rejected identity stays rejected. Every enrolment is searched
against the other persons' faces (duplicates.py).
"""

from dataclasses import dataclass

from sqlalchemy.orm import Session

from kezek.audit.service import record
from kezek.config import Settings
from kezek.errors import NotFound
from kezek.identity import models
from kezek.identity.duplicates import flag_duplicates
from kezek.identity.faces import face_from_bytes
from kezek.identity.images import MAX_BYTES, stored_photo
from kezek.identity.storage import MediaStore
from kezek.identity.verification import current_document
from kezek.models.identity import DuplicateReview, IdentityDocument
from kezek.models.party import IdentityStatus, Party, Role, User
from kezek.people.service import set_identity_status

MAX_PHOTO_BYTES = MAX_BYTES


class DocumentNotFound(NotFound):
    code = "document_not_found"
    message = "No such identity document."


@dataclass(frozen=True)
class Enrolment:
    document: IdentityDocument
    reviews: list[DuplicateReview]


def enrol_document(
    session: Session, *, person: Party, data: bytes, media: MediaStore, settings: Settings
) -> Enrolment:
    """Store a document photo with its face embedding, then search for the face elsewhere."""
    face = face_from_bytes(data)  # refuses before anything is kept
    photo = stored_photo(data)
    replaces = current_document(session, person)
    name = media.save_in(session, photo.data, "photo", photo.extension)
    document = IdentityDocument(
        person_id=person.id,
        photo_file=name,
        media_type=photo.media_type,
        face_box=list(face.box),
        embedding=face.embedding.astype("float64").tobytes(),
        model_versions=models.model_versions(),
    )
    session.add(document)
    session.flush()
    record(
        session,
        action="identity.document",
        object_type="identity_document",
        object_id=document.id,
        on_behalf_of=person.id,
        payload={
            "media_type": photo.media_type,
            "face_box": document.face_box,
            "replaces": replaces.id if replaces else None,
        },
    )
    if replaces is not None and person.identity_status == IdentityStatus.VERIFIED:
        # The camera check was passed against the old photo; it must be passed against this one.
        set_identity_status(session, person=person, status=IdentityStatus.UNVERIFIED)
    reviews = flag_duplicates(
        session,
        document=document,
        embedding=face.embedding,
        threshold=settings.face_match_threshold,
    )
    return Enrolment(document, reviews)


def document_for(session: Session, *, document_id: int, user: User) -> IdentityDocument:
    """A document its owner or an analyst may see; for anyone else it does not exist (404)."""
    document = session.get(IdentityDocument, document_id)
    if document is None:
        raise DocumentNotFound()
    if document.person_id != user.person_id and Role.ANALYST not in user.roles:
        raise DocumentNotFound()
    return document
