"""ASGI middleware around the whole app: request ids and the open websocket count.

- ``RequestIds``: each HTTP request and websocket connection runs under a request id (the
  caller's ``X-Request-ID`` if sane, else a new one: ``app.ops.request_ids``), returned in
  the response's (or the websocket handshake's) ``X-Request-ID`` header.
- ``CountWebsockets``: ``ranked_websocket_connections`` counts the sockets accepted and not
  yet ended, however they end.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.ops import metrics, request_ids

_HEADER = request_ids.HEADER.encode()


class RequestIds:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        given = dict(scope.get("headers") or ()).get(_HEADER)
        rid = request_ids.accepted(given.decode("latin-1") if given is not None else None)

        async def send_with_id(message: Message) -> None:
            if message["type"] in ("http.response.start", "websocket.accept"):
                headers = [(k, v) for k, v in message.get("headers") or () if k.lower() != _HEADER]
                message = {**message, "headers": [*headers, (_HEADER, rid.encode())]}
            await send(message)

        with request_ids.bound(rid):
            await self.app(scope, receive, send_with_id)


class CountWebsockets:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "websocket":
            await self.app(scope, receive, send)
            return
        accepted = False

        async def counting(message: Message) -> None:
            nonlocal accepted
            await send(message)
            if message["type"] == "websocket.accept" and not accepted:
                accepted = True
                metrics.websocket_opened()

        try:
            await self.app(scope, receive, counting)
        finally:
            if accepted:
                metrics.websocket_closed()
