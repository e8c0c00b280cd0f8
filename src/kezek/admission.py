"""Admission control: at most `max_concurrent_requests` requests are inside the app at once.

Every request holds a database connection for its whole life, so letting in more than the pool
holds only moves the queue into the pool, where a waiter times out as a 500-prone error after
blocking a worker thread. Here the excess waits, first come first served, for at most
`admission_wait_seconds`, then gets a quick, retryable 409 busy.
"""

import asyncio
import json

from starlette.types import ASGIApp, Receive, Scope, Send

from kezek.errors import Busy

# Cheap answers that touch no database, or must answer even under load (liveness probes).
UNLIMITED_PREFIXES = ("/healthz", "/metrics", "/static")


class AdmissionLimit:
    def __init__(self, app: ASGIApp, *, max_concurrent: int, wait_seconds: float):
        self.app = app
        self.max_concurrent = max_concurrent
        self.wait_seconds = wait_seconds
        self._slots: asyncio.Semaphore | None = None  # made on the server's event loop

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(UNLIMITED_PREFIXES):
            await self.app(scope, receive, send)
            return
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.max_concurrent)
        try:
            await asyncio.wait_for(self._slots.acquire(), timeout=self.wait_seconds)
        except TimeoutError:
            await _busy(send)
            return
        try:
            await self.app(scope, receive, send)
        finally:
            self._slots.release()


async def _busy(send: Send) -> None:
    err = Busy("The server is at its limit of requests in progress; retry in a moment.")
    body = json.dumps(err.body()).encode()
    await send(
        {
            "type": "http.response.start",
            "status": err.status_code,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"retry-after", b"1"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
