"""Identity document API: upload the photo of the document's portrait page, and read it back."""

from typing import Annotated

from fastapi import APIRouter, File, Response, UploadFile, status

from kezek.deps import AppSettings, CurrentUser, DbSession, Media
from kezek.errors import NotAuthenticated, error_responses
from kezek.identity.enrolment import (
    MAX_PHOTO_BYTES,
    DocumentNotFound,
    document_for,
    enrol_document,
)
from kezek.identity.enrolment_schemas import DocumentOut
from kezek.identity.errors import (
    FaceTooSmall,
    ImageTooDark,
    ImageTooLarge,
    NoFace,
    NotAnImage,
    SeveralFaces,
)

router = APIRouter(prefix="/api/v1/identity", tags=["identity"])
PHOTO_REFUSALS = (NotAnImage, ImageTooLarge, NoFace, SeveralFaces, FaceTooSmall, ImageTooDark)


@router.post(
    "/document",
    response_model=DocumentOut,
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(NotAuthenticated, *PHOTO_REFUSALS),
)
def upload_document(
    session: DbSession,
    user: CurrentUser,
    settings: AppSettings,
    media: Media,
    photo: Annotated[
        UploadFile,
        File(
            description="The portrait page of the passport or ID card: JPEG, PNG, WebP or HEIC, "
            "under 20 MB, exactly one face, at least 80 px wide, in good light"
        ),
    ],
) -> DocumentOut:
    """Enrol the photo of the caller's identity document (any logged-in person).

    The type is read from the content, never the file name. A refused photo (422) stores nothing.
    A new photo replaces the previous one: a verified identity must pass the camera check again.
    A face already enrolled under another identity opens a review for an analyst."""
    data = photo.file.read(MAX_PHOTO_BYTES + 1)  # more is refused without reading it all
    enrolment = enrol_document(
        session, person=user.person, data=data, media=media, settings=settings
    )
    return DocumentOut(
        document_id=enrolment.document.id,
        face_box=enrolment.document.face_box,
        identity_status=user.person.identity_status,
        duplicates_flagged=len(enrolment.reviews),
    )


@router.get(
    "/documents/{document_id}/photo",
    responses={
        200: {"content": {"image/jpeg": {}, "image/png": {}, "image/webp": {}}},
        **error_responses(NotAuthenticated, DocumentNotFound),
    },
)
def document_photo(
    document_id: int, session: DbSession, user: CurrentUser, media: Media
) -> Response:
    """The stored photo of a document: to its owner and to analysts; 404 to anyone else."""
    document = document_for(session, document_id=document_id, user=user)
    return photo_response(media, document.photo_file, document.media_type)


def photo_response(media: Media, name: str, media_type: str) -> Response:
    return Response(
        media.read(name),
        media_type=media_type,
        headers={"Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"},
    )
