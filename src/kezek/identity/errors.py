"""Refusals of the identity domain: why a photo cannot be used to recognise its face."""

from kezek.errors import InvalidInput


class NotAnImage(InvalidInput):
    code = "not_an_image"
    message = "The file is not a JPEG, PNG or WebP image."


class ImageTooLarge(InvalidInput):
    code = "image_too_large"
    message = "The image is too large; send a photo under 20 MB and 50 megapixels."


class NoFace(InvalidInput):
    code = "no_face"
    message = "No face was found on the photo; take it facing the camera, in good light."


class SeveralFaces(InvalidInput):
    code = "several_faces"
    message = "More than one face is on the photo; exactly one is needed."


class FaceTooSmall(InvalidInput):
    code = "face_too_small"
    message = "The face is too small on the photo; come closer or crop the photo."


class ImageTooDark(InvalidInput):
    code = "image_too_dark"
    message = "The photo is too dark to recognise the face; take it in better light."


class NotAVideo(InvalidInput):
    code = "not_a_video"
    message = "The file is not a video we can read; send a WebM or MP4 recording."


class VideoTooLarge(InvalidInput):
    code = "video_too_large"
    message = "The video is too large; send a recording under 30 MB and at most 4096 px wide."


class VideoTooLong(InvalidInput):
    code = "video_too_long"
    message = "The video is too long; record at most 20 seconds."


class VideoTooShort(InvalidInput):
    code = "video_too_short"
    message = "The video is too short; record at least 2 seconds while following the instructions."
