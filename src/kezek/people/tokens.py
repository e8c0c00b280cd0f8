"""Bearer tokens for the API: short-lived signed JWTs naming the user."""

from datetime import UTC, datetime, timedelta

import jwt

ALGORITHM = "HS256"


def issue_token(*, user_id: int, secret: str, minutes: int) -> str:
    now = datetime.now(UTC)
    claims = {"sub": str(user_id), "iat": now, "exp": now + timedelta(minutes=minutes)}
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


EXPIRED = "expired"
INVALID = "invalid"


def read_token(token: str, *, secret: str) -> tuple[int | None, str | None]:
    """(user id, None) for a valid, unexpired token; (None, EXPIRED or INVALID) otherwise."""
    try:
        claims = jwt.decode(
            token, secret, algorithms=[ALGORITHM], options={"require": ["exp", "sub"]}
        )
        return int(claims["sub"]), None
    except jwt.ExpiredSignatureError:
        return None, EXPIRED
    except (jwt.PyJWTError, ValueError):
        return None, INVALID


def user_id_from_token(token: str, *, secret: str) -> int | None:
    """The user id of a valid, unexpired token; None otherwise."""
    return read_token(token, secret=secret)[0]
