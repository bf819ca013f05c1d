"""Two API processes on one PostgreSQL and Redis: a subscriber of one sees changes made
through the other. Real `ranked serve` processes, real sockets."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from redis.asyncio import Redis

from app.deps import Deps
from app.tenancy.scopes import Scope
from app.tenancy.service import TenantRef
from tests.conftest import REDIS_URL
from tests.factories import api_key, bearer, points_board
from tests.live.conftest import numsub, until
from tests.live.wsclient import WsClient
from tests.redis_server import free_port
from tests.test_serve import RANKED, wait_healthy

pytestmark = pytest.mark.slow


@pytest.fixture
def two_servers(deps: Deps) -> Iterator[list[str]]:
    env = {
        **os.environ,
        "DATABASE_URL": deps.settings.database_url,
        "REDIS_URL": REDIS_URL,
        "RANKED_REDIS_PREFIX": deps.settings.redis_prefix,
        "RANKED_KEY_PEPPER": "test-pepper-of-the-test-suite-only",
        "RANKED_LOG_LEVEL": "warning",
    }
    processes, urls = [], []
    try:
        for _ in range(2):
            port = free_port()
            processes.append(subprocess.Popen([RANKED, "serve", "--port", str(port)], env=env))
            urls.append(f"http://127.0.0.1:{port}")
        for url, process in zip(urls, processes, strict=True):
            wait_healthy(url, process)
        yield urls
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=20)


async def call(http: httpx.AsyncClient, url: str, query: str, key: str) -> dict[str, Any]:
    response = await http.post(f"{url}/graphql", json={"query": query}, headers=bearer(key))
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body
    return body["data"]


async def subscribed(redis: Redis, channel: str) -> bool:
    return await numsub(redis, channel) >= 1  # only the reader subscribes: one connection


async def test_a_subscriber_on_one_process_sees_changes_made_through_the_other(
    two_servers: list[str], deps: Deps, tenant: TenantRef, redis: Redis
) -> None:
    reader, writer = two_servers
    key = await api_key(deps, tenant.id, Scope.ADMIN)
    async with httpx.AsyncClient() as http:
        added = 'mutation { addParticipant(input: {name: "Ada"}) { id } }'
        ada = (await call(http, writer, added, key))["addParticipant"]["id"]
        client = await WsClient.open(reader.replace("http", "ws", 1) + "/graphql", key=key)
        await client.subscribe(
            "c", "subscription { rankChanged { participant { name } oldRank newRank newScore } }"
        )
        channel = deps.store.keys(await points_board(tenant.id)).changes
        await until(lambda: subscribed(redis, channel), what="the reader to subscribe")
        await client.subscribe(
            "t", "subscription { leaderboardTop(first: 2) { rank score participant { name } } }"
        )
        first = await client.next_data("t")
        await call(http, writer, 'mutation { addParticipant(input: {name: "Bob"}) { id } }', key)
        scored = f'mutation {{ adjustPoints(participantId: "{ada}", delta: 7) {{ rank }} }}'
        await call(http, writer, scored, key)

        changes, tops = [], []
        while len(changes) < 2 or not tops or tops[-1][0]["score"] != 7:
            message = await client.receive()
            if message["id"] == "c":
                changes.append(message["payload"]["data"]["rankChanged"])
            else:
                tops.append(message["payload"]["data"]["leaderboardTop"])
        await client.close()

    assert first["data"]["leaderboardTop"] == [
        {"rank": 1, "score": 0.0, "participant": {"name": "Ada"}}
    ]
    assert changes == [
        {"participant": {"name": "Bob"}, "oldRank": None, "newRank": 1, "newScore": 0.0},
        {"participant": {"name": "Ada"}, "oldRank": 1, "newRank": 1, "newScore": 7.0},
    ]
    assert [(e["participant"]["name"], e["rank"]) for e in tops[-1]] == [("Ada", 1), ("Bob", 2)]
