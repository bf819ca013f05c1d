"""The process's one pub/sub connection, against the real Redis."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from app.live.hub import PubSubHub, hub_client
from tests.conftest import REDIS_URL
from tests.live.conftest import until


class Collect:
    def __init__(self) -> None:
        self.payloads: list[str] = []
        self.arrived = asyncio.Event()

    def deliver(self, payload: str) -> None:
        self.payloads.append(payload)
        self.arrived.set()

    def interrupted(self) -> None:
        pass

    def resumed(self) -> None:
        pass


@pytest.fixture
async def hub() -> AsyncIterator[PubSubHub]:
    client = hub_client(REDIS_URL)
    hub = PubSubHub(client, confirm_timeout=3, ping_interval=0.2)
    task = asyncio.create_task(hub.run())
    yield hub
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    await client.aclose()


def channel() -> str:
    return f"rankedtest:hub:{uuid.uuid4().hex}"


async def test_a_message_published_after_confirmation_is_delivered(
    hub: PubSubHub, redis: Redis
) -> None:
    name, listener = channel(), Collect()
    hub.listen(name, listener)
    await hub.wait_confirmed(name)

    await redis.publish(name, "hello")

    await asyncio.wait_for(listener.arrived.wait(), 5)
    assert listener.payloads == ["hello"]


async def test_leaving_and_rejoining_in_one_step_stays_subscribed(
    hub: PubSubHub, redis: Redis
) -> None:
    name, first, second = channel(), Collect(), Collect()
    hub.listen(name, first)
    await hub.wait_confirmed(name)

    hub.unlisten(name, first)  # the last listener leaves ...
    hub.listen(name, second)  # ... and a new one arrives before the hub acts on it
    await hub.wait_confirmed(name)
    await redis.publish(name, "still here")

    await asyncio.wait_for(second.arrived.wait(), 5)
    assert second.payloads == ["still here"]
    assert first.payloads == []


async def test_a_cancelled_waiter_does_not_unsubscribe_the_others(hub: PubSubHub) -> None:
    name, listener = channel(), Collect()
    hub.listen(name, listener)
    first = asyncio.create_task(hub.wait_confirmed(name))
    second = asyncio.create_task(hub.wait_confirmed(name))
    first.cancel()

    await asyncio.wait_for(second, 5)

    assert hub.confirmed(name)
    assert hub.listener_count() == 1


async def test_constant_subscription_churn_does_not_starve_the_keepalive(hub: PubSubHub) -> None:
    await until(lambda: hub.connected, what="the connection")
    loop = asyncio.get_running_loop()
    end = loop.time() + 1.5  # more than three ping intervals
    while loop.time() < end:  # a new channel every 50 ms: the sender is always woken
        name, listener = channel(), Collect()
        hub.listen(name, listener)
        await hub.wait_confirmed(name)
        hub.unlisten(name, listener)
        await asyncio.sleep(0.05)

    assert hub.reconnects == 0
    assert hub.connected
