"""Private files of the identity check: document photos and selfie videos.

Stored under server-generated names in the media directory (outside the web root, readable by the
service's user only); the API hands them out only to their owner and to analysts.
"""

import os
import secrets
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.orm import Session


class MediaStore:
    def __init__(self, folder: Path | str):
        self.folder = Path(folder)

    def save(self, data: bytes, kind: str, extension: str) -> str:
        """Write the bytes under a new random name like `photo-<32 hex>.jpg`; returns the name."""
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        name = f"{kind}-{secrets.token_hex(16)}.{extension}"
        descriptor = os.open(self._path(name), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
        return name

    def save_in(self, session: Session, data: bytes, kind: str, extension: str) -> str:
        """Save for a row of `session`'s transaction: the file goes again if it does not commit.

        Whichever of commit and rollback comes first decides; the other does nothing after it."""
        name = self.save(data, kind, extension)
        decided = False

        def on_commit(_session: Session) -> None:
            nonlocal decided
            decided = True

        def on_rollback(_session: Session) -> None:
            nonlocal decided
            if not decided:
                decided = True
                self.delete(name)

        event.listen(session, "after_commit", on_commit)
        event.listen(session, "after_rollback", on_rollback)
        return name

    def delete_after_commit(self, session: Session, name: str) -> None:
        """Delete the file once `session`'s transaction, which forgets it, has committed."""
        event.listen(session, "after_commit", lambda _session: self.delete(name), once=True)

    def read(self, name: str) -> bytes:
        return self._path(name).read_bytes()

    def delete(self, name: str) -> None:
        self._path(name).unlink(missing_ok=True)

    def exists(self, name: str) -> bool:
        return self._path(name).exists()

    def _path(self, name: str) -> Path:
        # Names come from our own rows, but never let one walk out of the folder.
        if "/" in name or "\\" in name or name.startswith("."):
            raise ValueError(f"not a media file name: {name!r}")
        return self.folder / name
