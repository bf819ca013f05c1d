"""Live updates while a ranking is rebuilt: no change is reported with made-up ranks."""

from __future__ import annotations

from typing import Any

from redis.asyncio import Redis

from app.deps import Deps
from app.ranking.rebuild import begin
from app.scoring.service import adjust_points
from app.tenancy.service import TenantRef
from tests.conftest import delete_prefix
from tests.factories import participant, points_board
from tests.live.conftest import channel_of, numsub, until
from tests.live.test_subscriptions import RANK_CHANGED, TOP, change, top
from tests.live.wsclient import WsClient


async def test_a_change_while_the_ranking_is_rebuilt_ends_rank_changes_and_moves_tops(
    ws_url: str, deps: Deps, tenant: TenantRef, redis: Redis
) -> None:
    ada = await participant(deps, tenant.id, "Ada", points=5)
    bob = await participant(deps, tenant.id, "Bob", points=3)
    client = await WsClient.open(ws_url)
    await client.subscribe("changes", RANK_CHANGED)
    await client.subscribe("top", TOP, {"first": 2})
    assert top(await client.next_data("top")) == [("Ada", 1, 5.0), ("Bob", 2, 3.0)]
    channel = await channel_of(deps, tenant)
    await until(lambda: _subscribed(redis, channel), what="the subscription")
    await adjust_points(deps, tenant.id, ada, 1, None)
    assert change(await client.next_data("changes")) == (str(ada), 1, 1, 5.0, 6.0)
    assert top(await client.next_data("top")) == [("Ada", 1, 6.0), ("Bob", 2, 3.0)]

    await delete_prefix(deps.store.redis, deps.settings.redis_prefix)  # Redis lost it
    lock = await begin(deps.store, await points_board(tenant.id), aside=True)  # rebuilding
    assert lock is not None
    await adjust_points(deps, tenant.id, bob, 10, None)

    seen: dict[tuple[str, str], dict[str, Any]] = {}
    while ("changes", "complete") not in seen or ("top", "next") not in seen:
        message = await client.receive()
        seen[(message["id"], message["type"])] = message
    await lock.release()
    await client.close()

    error = seen[("changes", "next")]["payload"]["errors"][0]
    assert error["extensions"]["code"] == "INTERNAL"
    assert "rebuilt" in error["message"]
    assert top(seen[("top", "next")]["payload"]) == [("Bob", 1, 13.0), ("Ada", 2, 6.0)]


async def _subscribed(redis: Redis, channel: str) -> bool:
    return await numsub(redis, channel) >= 1


async def test_an_opted_out_participant_scoring_on_a_ready_ranking_ends_no_subscription(
    ws_url: str, deps: Deps, tenant: TenantRef, redis: Redis
) -> None:
    from app.participants.service import update_participant
    from app.participants.validation import ParticipantFields

    hidden = await participant(deps, tenant.id, "Hidden", points=1)
    await update_participant(deps, tenant.id, hidden, ParticipantFields(opted_out=True))
    ada = await participant(deps, tenant.id, "Ada", points=5)
    client = await WsClient.open(ws_url)
    await client.subscribe("changes", RANK_CHANGED)
    channel = await channel_of(deps, tenant)
    await until(lambda: _subscribed(redis, channel), what="the subscription")

    await adjust_points(deps, tenant.id, hidden, 3, None)  # scored, never ranked: no message
    await adjust_points(deps, tenant.id, ada, 1, None)

    assert change(await client.next_data("changes")) == (str(ada), 1, 1, 5.0, 6.0)
    await client.close()
