"""Redis restarting under connected subscribers: the process reconnects, resubscribes, and
clients hear about it (a fresh top; rankChanged ends with an error, since changes may have
been missed)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from app.connections import redis_client
from app.deps import Deps, build_deps
from app.live.hub import PubSubHub, hub_client
from app.live.service import LiveService
from app.scoring.service import adjust_points
from app.settings import Settings
from app.tenancy.scopes import Scope
from app.tenancy.service import TenantRef
from tests.factories import api_key, participant, points_board
from tests.live.conftest import serving, until
from tests.live.wsclient import WsClient
from tests.redis_server import RedisServer

TOP = "subscription { leaderboardTop(first: 2) { rank score participant { name } } }"
CHANGES = "subscription { rankChanged { participantId newRank } }"


@pytest.fixture
async def restart_services(
    settings: Settings, private_redis: RedisServer
) -> AsyncIterator[tuple[Deps, LiveService]]:
    """The services and live service of a process whose Redis the test restarts."""
    client = redis_client(private_redis.url, socket_timeout=2)
    pubsub = hub_client(private_redis.url)
    deps = build_deps(settings, client)
    live = LiveService(deps, PubSubHub(pubsub, backoff=(0.05, 0.2)))  # reconnect quickly
    yield deps, live
    await deps.keeper.close()
    await pubsub.aclose()
    await client.aclose()


def names(payload: dict[str, Any]) -> list[tuple[str, float]]:
    assert "errors" not in payload, payload
    return [(e["participant"]["name"], e["score"]) for e in payload["data"]["leaderboardTop"]]


async def test_subscribers_recover_from_a_redis_restart(
    restart_services: tuple[Deps, LiveService], tenant: TenantRef, private_redis: RedisServer
) -> None:
    deps, live = restart_services
    a = await participant(deps, tenant.id, "A", points=3)
    await participant(deps, tenant.id, "B", points=2)
    key = await api_key(deps, tenant.id, Scope.READ)
    async with serving(deps, live, tenant) as url:
        await until(lambda: live.hub.connected, what="the pub/sub connection")
        client = await WsClient.open(url, key=key)
        await client.subscribe("top", TOP)
        assert names(await client.next_data("top")) == [("A", 3.0), ("B", 2.0)]
        await client.subscribe("changes", CHANGES)
        channel = deps.store.keys(await points_board(tenant.id)).changes
        await until(lambda: live.hub.confirmed(channel), what="the subscription")

        private_redis.stop()
        await until(lambda: not live.hub.connected, what="the hub to notice")
        private_redis.start()  # empty: every ranking must be rebuilt from the database

        # rankChanged says it was interrupted; leaderboardTop sends a fresh top.
        seen: dict[tuple[str, str], dict[str, Any]] = {}
        while len(seen) < 3:  # in any order: the error and end of one, a push of the other
            message = await client.receive()
            seen[(message["id"], message["type"])] = message
        interrupted = seen[("changes", "next")]["payload"]["errors"][0]
        assert interrupted["extensions"]["code"] == "INTERNAL"
        assert "interrupted" in interrupted["message"]
        assert ("changes", "complete") in seen
        assert names(seen[("top", "next")]["payload"]) == [("A", 3.0), ("B", 2.0)]

        # And the top keeps moving after the restart.
        c = await participant(deps, tenant.id, "C")
        await adjust_points(deps, tenant.id, c, 10, None)
        assert names(await client.next_data("top")) == [("C", 10.0), ("A", 3.0)]
        await adjust_points(deps, tenant.id, a, 20, None)
        assert names(await client.next_data("top")) == [("A", 23.0), ("C", 10.0)]
        assert live.hub.reconnects >= 1
        await client.close()
