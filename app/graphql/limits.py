"""Limits of the HTTP and websocket endpoint, around the GraphQL app (ASGI).

- ``BodyLimit``: a request body larger than ``RANKED_MAX_BODY_BYTES`` is refused with 413
  and a GraphQL-shaped error, before any of it is parsed (a declared length at once, a
  streamed body as soon as it grows past the limit).
- ``ConnectionRelease``: a websocket connection counted against its key's limits
  (``app.tenancy.rates``) is uncounted when it ends, however it ends.
- ``TransportHandler``: a refused ``connection_init`` closes the socket (4403) with a
  reason that names the error's code.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)

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


REFUSAL_SCOPE_KEY = "ranked.refusal"  # why connection_init was refused: "CODE: message"
REFUSED_CLOSE_CODE = 4403  # graphql-transport-ws: "Forbidden"
_MOST_REASON_BYTES = 123  # what a websocket close frame can carry


def refusal_reason(code: str, message: str) -> str:
    """A close reason that names the error's code first (cut to fit a close frame)."""
    reason = f"{code}: {message}".encode()
    return reason[:_MOST_REASON_BYTES].decode(errors="ignore")


class _SaysWhy:
    """The handler's websocket, closing a refused connection with its reason, not with
    strawberry's bare "Forbidden"."""

    def __init__(self, websocket: Any, scope: dict[str, Any]) -> None:
        self._websocket = websocket
        self._scope = scope

    def __getattr__(self, name: str) -> Any:
        return getattr(self._websocket, name)

    async def close(self, code: int, reason: str) -> None:
        why = self._scope.get(REFUSAL_SCOPE_KEY)
        if code == REFUSED_CLOSE_CODE and why:
            reason = why
        await self._websocket.close(code, reason)


class TransportHandler(BaseGraphQLTransportWSHandler[Any, None]):
    """graphql-transport-ws, with refusals of ``connection_init`` that say why: the close
    reason is ``"CODE: message"`` (UNAUTHENTICATED, FORBIDDEN or RATE_LIMITED)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = getattr(self.context, "request", None)
        scope = getattr(request, "scope", None)
        if isinstance(scope, dict):
            self.websocket = _SaysWhy(self.websocket, scope)  # type: ignore[assignment]
