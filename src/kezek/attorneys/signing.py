"""The service's Ed25519 key: made on first use, kept in a file outside the database.

The private key is a PKCS#8 PEM file (mode 0600) at the setting KEZEK_SIGNING_KEY_FILE; losing
it means every issued attorney verifies as forged, so back it up with the server's secrets. The
public key is published (GET /api/v1/attorneys/public-key) so anyone can check a document.
"""

import base64
import contextlib
import hashlib
import os
import tempfile
import threading
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)


class ServiceKey:
    """Signs and verifies attorney documents with one Ed25519 key pair."""

    def __init__(self, private_key: Ed25519PrivateKey):
        self._private = private_key
        self.public = private_key.public_key()
        self.public_raw = self.public.public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        # A short, stable name for the key, written next to each signature it made.
        self.key_id = hashlib.sha256(self.public_raw).hexdigest()[:16]

    def sign(self, data: bytes) -> str:
        return base64.b64encode(self._private.sign(data)).decode("ascii")

    def verifies(self, data: bytes, signature_b64: str) -> bool:
        return verify_with(self.public, data, signature_b64)

    def public_pem(self) -> str:
        return self.public.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ).decode("ascii")

    def public_b64(self) -> str:
        return base64.b64encode(self.public_raw).decode("ascii")


def verify_with(public: Ed25519PublicKey, data: bytes, signature_b64: str) -> bool:
    try:
        signature = base64.b64decode(signature_b64, validate=True)
        public.verify(signature, data)
    except (InvalidSignature, ValueError):
        return False
    return True


_lock = threading.Lock()


def load_or_create(path: Path) -> ServiceKey:
    """The key in `path`, generated there (0600, parent 0700) when the file does not exist."""
    with _lock:  # two first requests at once must not write two different keys
        if not path.exists():
            _write_new_key(path)
        private = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(private, Ed25519PrivateKey):
        raise ValueError(f"{path} does not hold an Ed25519 private key")
    return ServiceKey(private)


def _write_new_key(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    # Written whole to a private temporary file, then linked into place: a link never replaces
    # an existing file, so when several workers start at once the first key wins and nobody
    # reads a half-written one.
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".new-key-")
    try:
        with os.fdopen(fd, "wb") as out:  # mkstemp made it 0600
            out.write(pem)
        with contextlib.suppress(FileExistsError):  # another worker's key won
            os.link(temporary, path)
    finally:
        os.unlink(temporary)


class KeyHolder:
    """The app's key, loaded (or made) when the app is created and then kept in memory."""

    def __init__(self, path: Path):
        self.path = path
        self._key: ServiceKey | None = None

    def get(self) -> ServiceKey:
        if self._key is None:
            self._key = load_or_create(self.path)
        return self._key
