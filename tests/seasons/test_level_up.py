"""levelUp: one message per level gained, in order, on the season board's change stream
(Redis pub/sub), in this process and across two `ranked serve` processes."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from redis.asyncio import Redis

from app.deps import Deps
from app.tenancy.scopes import Scope
from app.tenancy.service import TenantRef
from tests.conftest import GQL
from tests.factories import api_key
from tests.leaderboards.test_rankings_api import data
from tests.live.conftest import numsub, until, ws_url
from tests.live.test_processes import call, two_servers
from tests.live.wsclient import WsClient
from tests.seasons.conftest import INSIDE, add, challenges, create_season, record, season_board

__all__ = ["two_servers", "ws_url"]  # fixtures, used below

LEVEL_UP = """
subscription($ids: [ID!]) {
  levelUp(season: "S1-2025", participantIds: $ids) {
    season { key } participantId participant { name } oldLevel newLevel points
  }
}"""


def level_up(payload: dict[str, Any]) -> tuple[Any, ...]:
    assert "errors" not in payload, payload
    u = payload["data"]["levelUp"]
    return (u["participant"]["name"], u["oldLevel"], u["newLevel"], u["points"])


async def subscribed(redis: Redis, channel: str) -> bool:
    return await numsub(redis, channel) >= 1


async def test_a_jump_of_three_levels_sends_three_level_ups_in_order(
    gql: GQL, ws_url: str, deps: Deps, tenant: TenantRef, redis: Redis
) -> None:
    await challenges(gql)
    await create_season(gql)
    ada, bob = await add(gql, "Ada"), await add(gql, "Bob")
    client = await WsClient.open(ws_url)
    await client.subscribe("1", LEVEL_UP, {"ids": [ada]})
    channel = deps.store.keys(await season_board(deps, tenant)).changes
    await until(lambda: subscribed(redis, channel), what="the subscription")

    await record(gql, bob, "lp-depth", 1000, INSIDE)  # not followed
    await record(gql, ada, "lp-depth", 1100, INSIDE)  # 3300 points: levels 1, 2 and 3
    await record(gql, ada, "hero-riser", 500, INSIDE)  # 3800: no new level
    await record(gql, ada, "hero-riser", 200, INSIDE)  # 4000: level 4
    got = [level_up(await client.next_data("1")) for _ in range(4)]
    await client.close()
    assert got == [
        ("Ada", 0, 1, 3300.0),
        ("Ada", 1, 2, 3300.0),
        ("Ada", 2, 3, 3300.0),
        ("Ada", 3, 4, 4000.0),
    ]


async def test_an_unknown_season_is_refused_before_the_stream_starts(gql: GQL, ws_url: str) -> None:
    client = await WsClient.open(ws_url)
    await client.subscribe("1", 'subscription { levelUp(season: "S9-2099") { newLevel } }')
    message = await client.receive()
    await client.close()
    assert message["type"] == "error", message
    assert message["payload"][0]["extensions"]["code"] == "NOT_FOUND"


@pytest.mark.slow
async def test_level_ups_reach_a_subscriber_of_another_process(
    two_servers: list[str], gql: GQL, deps: Deps, tenant: TenantRef, redis: Redis
) -> None:
    reader, writer = two_servers
    await challenges(gql)
    await create_season(gql)
    key = await api_key(deps, tenant.id, Scope.ADMIN)
    async with httpx.AsyncClient() as http:
        added = 'mutation { addParticipant(input: {name: "Ada"}) { id } }'
        ada = (await call(http, writer, added, key))["addParticipant"]["id"]
        client = await WsClient.open(reader.replace("http", "ws", 1) + "/graphql", key=key)
        await client.subscribe("1", LEVEL_UP)
        channel = deps.store.keys(await season_board(deps, tenant)).changes
        await until(lambda: subscribed(redis, channel), what="the reader to subscribe")
        scored = (
            'mutation { recordScore(input: {metric: "lp-depth", value: 700, source: "etl",'
            f' sourceId: "x1", participantId: "{ada}", occurredAt: "{INSIDE.isoformat()}"}})'
            " { duplicate } }"
        )
        await call(http, writer, scored, key)
        got = [level_up(await client.next_data("1")) for _ in range(2)]
        await client.close()
    assert got == [("Ada", 0, 1, 2100.0), ("Ada", 1, 2, 2100.0)]


OPT = (
    "mutation($id: ID!, $o: Boolean!) { updateParticipant(id: $id, input: {optedOut: $o}) { id } }"
)


async def test_a_level_reached_before_is_not_sent_again(
    gql: GQL, ws_url: str, deps: Deps, tenant: TenantRef, redis: Redis
) -> None:
    await challenges(gql)
    await create_season(gql)
    ada, bob = await add(gql, "Ada"), await add(gql, "Bob")
    await record(gql, ada, "lp-depth", 500, INSIDE)  # 1500: level 1 before subscribing
    await record(gql, bob, "lp-depth", 500, INSIDE)
    data(await gql(OPT, {"id": bob, "o": True}))  # Bob: 1500 points, not ranked
    client = await WsClient.open(ws_url)
    await client.subscribe("1", LEVEL_UP, {"ids": [ada, bob]})
    channel = deps.store.keys(await season_board(deps, tenant)).changes
    await until(lambda: subscribed(redis, channel), what="the subscription")

    data(await gql(OPT, {"id": bob, "o": False}))  # back on the board: still level 1
    await record(gql, ada, "hero-riser", -800, INSIDE)  # 700: level 0
    await record(gql, ada, "hero-riser", 800, INSIDE)  # 1500: level 1 again, not new
    await record(gql, ada, "hero-riser", 600, INSIDE)  # 2100: level 2
    await record(gql, bob, "hero-riser", 600, INSIDE)  # 2100: level 2
    got = [level_up(await client.next_data("1")) for _ in range(2)]
    await client.close()
    assert got == [("Ada", 1, 2, 2100.0), ("Bob", 1, 2, 2100.0)]


async def test_a_rescore_sends_the_levels_it_gains_to_followed_participants(
    gql: GQL, ws_url: str, deps: Deps, tenant: TenantRef, redis: Redis
) -> None:
    await challenges(gql)
    await create_season(gql)
    ada = await add(gql, "Ada")
    await record(gql, ada, "hero-riser", 900, INSIDE)  # 900 points: level 0
    client = await WsClient.open(ws_url)
    await client.subscribe("1", LEVEL_UP, {"ids": [ada]})
    channel = deps.store.keys(await season_board(deps, tenant)).changes
    await until(lambda: subscribed(redis, channel), what="the subscription")

    raised = (
        'mutation { setSeasonWeights(season: "S1-2025", weights: [{metric: "hero-riser",'
        " weight: 3}]) { weight } }"
    )
    data(await gql(raised))  # re-scored: 2700 points, levels 1 and 2
    got = [level_up(await client.next_data("1")) for _ in range(2)]
    await client.close()
    assert got == [("Ada", 0, 1, 2700.0), ("Ada", 1, 2, 2700.0)]
