"""Limits of the HTTP and websocket endpoint, around the GraphQL app (ASGI).

- ``BodyLimit``: a request body larger than ``RANKED_MAX_BODY_BYTES`` is refused with 413
  and a GraphQL-shaped error, before any of it is parsed (a declared length at once, a
  streamed body as soon as it grows past the limit).
- ``ConnectionRelease``: a websocket connection counted against its key's limits
  (``app.tenancy.rates``) is uncounted when it ends, however it ends.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.errors import Unavailable
from app.tenancy.rates import RateLimiter

CONNECTION_SCOPE_KEY = "ranked.connection"  # (caller, connection id) of a counted websocket


class BodyLimit:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or ()).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(send)
            return
        chunks, size, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body = message.get("body", b"")
            size += len(body)
            if size > self.max_bytes:
                await self._refuse(send)
                return
            chunks.append(body)
            more = message.get("more_body", False)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": b"".join(chunks), "more_body": False}

        await self.app(scope, replay, send)

    async def _refuse(self, send: Send) -> None:
        error = {
            "message": f"The request body is larger than {self.max_bytes:,} bytes"
            " (RANKED_MAX_BODY_BYTES); send less per request.",
            "extensions": {"code": "BAD_USER_INPUT", "maxBytes": self.max_bytes},
        }
        body = json.dumps({"data": None, "errors": [error]}).encode()
        headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": body})


class ConnectionRelease:
    def __init__(self, app: ASGIApp, limiter: Callable[[], RateLimiter]) -> None:
        self.app = app
        self.limiter = limiter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await self.app(scope, receive, send)
        finally:
            counted: Any = scope.get(CONNECTION_SCOPE_KEY)
            if counted is not None:
                caller, connection = counted
                with contextlib.suppress(Unavailable):
                    await self.limiter().close_connection(caller, connection)
