"""New passwords are hashed cheaply here too (tests/support.py): a crowd is hundreds of logins."""

from support import fast_password_hashing  # noqa: F401
