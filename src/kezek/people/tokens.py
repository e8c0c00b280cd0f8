"""Bearer tokens for the API: short-lived signed JWTs naming the user."""

from datetime import UTC, datetime, timedelta

import jwt

ALGORITHM = "HS256"


def issue_token(*, user_id: int, secret: str, minutes: int) -> str:
    now = datetime.now(UTC)
    claims = {"sub": str(user_id), "iat": now, "exp": now + timedelta(minutes=minutes)}
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def user_id_from_token(token: str, *, secret: str) -> int | None:
    """The user id of a valid, unexpired token; None otherwise."""
    try:
        claims = jwt.decode(
            token, secret, algorithms=[ALGORITHM], options={"require": ["exp", "sub"]}
        )
        return int(claims["sub"])
    except (jwt.PyJWTError, ValueError):
        return None
