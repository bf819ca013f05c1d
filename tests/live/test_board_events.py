"""winnerDeclared and runCompleted: a board's events, from the worker to subscribers of
another process, through Redis pub/sub."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from redis.asyncio import Redis

from app.deps import Deps
from app.runs.service import trigger_run
from app.tenancy.service import TenantRef
from app.winners.service import detect_now
from tests.factories import participant
from tests.live.conftest import numsub, until
from tests.live.wsclient import WsClient
from tests.workers import Clock, drain

WINNERS = "subscription { winnerDeclared { tick points participant { name } } }"
RUNS = "subscription { runCompleted { id status rowCount trigger } }"


async def test_a_declared_winner_and_a_finished_run_reach_their_subscribers(
    ws_url: str, job_deps: Deps, tenant: TenantRef, redis: Redis, clock: Clock
) -> None:
    client = await WsClient.open(ws_url)
    await client.subscribe("w", WINNERS)
    await client.subscribe("r", RUNS)
    channel = job_deps.store.events_channel(tenant.id, "points")
    await until(lambda: _subscribed(redis, channel), what="the events subscription")
    await participant(job_deps, tenant.id, "Ada", points=10)
    points = await job_deps.definitions.board(tenant.id, "points")

    declared = await detect_now(job_deps, points, datetime.now(UTC))  # the worker's side
    run = await trigger_run(job_deps, points, None, clock.now)
    await drain(job_deps)

    received: dict[str, dict[str, Any]] = {}
    while len(received) < 2:
        message = await client.receive()
        assert message["type"] == "next", message
        received[message["id"]] = message["payload"]["data"]
    await client.close()
    assert declared.winner is not None
    assert received["w"]["winnerDeclared"] == {
        "tick": declared.tick.isoformat(),
        "points": 10.0,
        "participant": {"name": "Ada"},
    }
    assert received["r"]["runCompleted"] == {
        "id": str(run.id),
        "status": "COMPLETE",
        "rowCount": 1,
        "trigger": "ADMIN",
    }


async def test_subscribing_to_an_unknown_board_is_an_error_before_the_stream(
    ws_url: str,
) -> None:
    client = await WsClient.open(ws_url)
    await client.subscribe("w", 'subscription { winnerDeclared(leaderboard: "nope") { tick } }')

    message = await client.receive()
    await client.close()

    assert message["type"] in ("error", "next"), message
    errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
    assert [e["extensions"]["code"] for e in errors] == ["NOT_FOUND"]


async def _subscribed(redis: Redis, channel: str) -> bool:
    return await numsub(redis, channel) >= 1
