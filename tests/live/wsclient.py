"""Minimal GraphQL-over-websocket clients for tests, one per protocol.

They speak the wire protocols exactly (graphql-transport-ws and the legacy graphql-ws of
subscriptions-transport-ws); the Node tests check the real npm clients on top of this.
Every wait has a timeout: a missing message fails the test instead of hanging it.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any
from urllib.parse import parse_qs, urlsplit

from websockets.asyncio.client import ClientConnection, connect

TIMEOUT = 10.0


def key_in(url: str) -> str | None:
    """The ``key`` query parameter of a test URL (the server ignores it)."""
    found = parse_qs(urlsplit(url).query).get("key")
    return found[0] if found else None


class WsClient:
    protocol = "graphql-transport-ws"
    subscribe_type = "subscribe"
    next_type = "next"
    stop_type = "complete"

    def __init__(self, socket: ClientConnection) -> None:
        self.socket = socket
        self.ignored: list[dict[str, Any]] = []  # keep-alives and pings seen meanwhile

    @classmethod
    async def open(cls, url: str, *, key: str | None = None, **options: Any) -> WsClient:
        """Connect and initialise with the API ``key`` (default: the ``key`` query parameter
        of ``url``, where the test fixtures put one) in the ``connection_init`` payload, as
        browsers must; ``options`` go to ``websockets``' ``connect``."""
        client = await cls.connect(url, **options)
        ack = await client.init(key if key is not None else key_in(url))
        assert ack["type"] == "connection_ack", ack
        return client

    @classmethod
    async def connect(cls, url: str, **options: Any) -> WsClient:
        """Connect without initialising."""
        socket = await connect(url, subprotocols=[cls.protocol], open_timeout=TIMEOUT, **options)  # type: ignore[list-item]
        return cls(socket)

    async def init(self, key: str | None) -> dict[str, Any]:
        """Send ``connection_init`` (with ``Authorization: Bearer key``); the answer."""
        payload = {"Authorization": f"Bearer {key}"} if key else {}
        await self.send({"type": "connection_init", "payload": payload})
        return await self.receive()

    async def send(self, message: dict[str, Any]) -> None:
        await self.socket.send(json.dumps(message))

    async def receive(self, seconds: float = TIMEOUT) -> dict[str, Any]:
        """The next message that is not a keep-alive or ping."""
        while True:
            raw = await asyncio.wait_for(self.socket.recv(), seconds)
            message: dict[str, Any] = json.loads(raw)
            if message["type"] in ("ka", "ping", "pong"):
                if message["type"] == "ping":
                    await self.send({"type": "pong"})
                self.ignored.append(message)
                continue
            return message

    async def subscribe(
        self, op_id: str, query: str, variables: dict[str, Any] | None = None
    ) -> None:
        payload = {"query": query, "variables": variables or {}}
        await self.send({"id": op_id, "type": self.subscribe_type, "payload": payload})

    async def next_data(self, op_id: str, seconds: float = TIMEOUT) -> dict[str, Any]:
        """The payload of the next result of ``op_id`` (fails on anything else)."""
        message = await self.receive(seconds)
        assert message.get("id") == op_id, message
        assert message["type"] == self.next_type, message
        payload: dict[str, Any] = message["payload"]
        return payload

    async def stop(self, op_id: str) -> None:
        await self.send({"id": op_id, "type": self.stop_type})

    async def close(self) -> None:
        await self.socket.close()


class LegacyWsClient(WsClient):
    """The ``graphql-ws`` protocol of subscriptions-transport-ws."""

    protocol = "graphql-ws"
    subscribe_type = "start"
    next_type = "data"
    stop_type = "stop"
