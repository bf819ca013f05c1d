"""Disconnects clean up everything: subscriptions, tasks, and the Redis channel."""

from __future__ import annotations

import asyncio

from redis.asyncio import Redis

from app.deps import Deps
from app.live.service import LiveService
from app.tenancy.service import TenantRef
from tests.factories import participant, points_board
from tests.live.conftest import numsub, until
from tests.live.wsclient import LegacyWsClient, WsClient

CYCLES = 1000
TOP = "subscription { leaderboardTop(first: 3) { rank participant { name } } }"
CHANGES = "subscription { rankChanged { newRank } }"


async def one_cycle(url: str, i: int) -> None:
    """Connect, subscribe, and leave: politely or by dropping the socket, at different
    moments, over both protocols."""
    client_class = LegacyWsClient if i % 4 == 3 else WsClient
    client = await client_class.open(url)
    if i % 2 == 0:
        await client.subscribe("t", TOP)
        await client.next_data("t")  # registered: the first top arrived
        if i % 3 == 0:
            await client.stop("t")
    else:
        await client.subscribe("c", CHANGES)  # and leave before it may even be registered
    await client.close()


async def test_a_thousand_subscribe_and_disconnect_cycles_leave_nothing_behind(
    ws_url: str, deps: Deps, live: LiveService, tenant: TenantRef, redis: Redis
) -> None:
    await participant(deps, tenant.id, "A", points=1)
    channel = deps.store.keys(await points_board(tenant.id)).changes
    await one_cycle(ws_url, 0)  # warm up lazily created machinery
    await until(lambda: live.feed_count() == 0, what="the warm-up feed to close")
    tasks_before = len(asyncio.all_tasks())

    for i in range(CYCLES):
        await one_cycle(ws_url, i)

    await until(lambda: live.feed_count() == 0, what="every feed to close")
    assert live.hub.listener_count() == 0
    await until(lambda: len(asyncio.all_tasks()) <= tasks_before, what="tasks to end")
    await until(lambda: _unsubscribed(redis, channel), what="the channel to be unsubscribed")


async def _unsubscribed(redis: Redis, channel: str) -> bool:
    return await numsub(redis, channel) == 0
