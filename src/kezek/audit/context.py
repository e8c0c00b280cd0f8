"""Who is acting, from where: set per request by middleware and auth, read by the trail.

The context object is mutable on purpose: sync dependencies and endpoints run in worker threads
with copies of the request's context variables, so rebinding the variable in one of them would
not be seen by the next; mutating the one shared object is.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace


@dataclass
class ActorContext:
    ip: str | None = None
    user_agent: str | None = None
    device_id: str | None = None
    user_id: int | None = None
    login: str | None = None

    def snapshot(self) -> "ActorContext":
        return replace(self)


_current: ContextVar[ActorContext | None] = ContextVar("kezek_actor", default=None)


def current_actor() -> ActorContext:
    """The acting party of this request, or the system when no request is running."""
    return _current.get() or ActorContext(login="system")


def begin_request(*, ip: str | None, user_agent: str | None, device_id: str | None) -> None:
    _current.set(ActorContext(ip=ip, user_agent=user_agent, device_id=device_id))


def identify_actor(*, user_id: int, login: str) -> None:
    """Called once authentication succeeds: later footprints of this request name the user."""
    ctx = _current.get()
    if ctx is None:
        ctx = ActorContext()
        _current.set(ctx)
    ctx.user_id, ctx.login = user_id, login


@contextmanager
def acting_as_system() -> Iterator[None]:
    """Footprints written inside are the system's (scheduled jobs), whatever ran before."""
    token = _current.set(ActorContext(login="system"))
    try:
        yield
    finally:
        _current.reset(token)
