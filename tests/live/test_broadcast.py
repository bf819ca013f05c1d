"""One event, many subscribers with the same query: executed once, sent to all."""

from __future__ import annotations

from typing import Any

import pytest
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from app.deps import Deps
from app.live.service import LiveService
from app.scoring.service import adjust_points
from app.tenancy.service import TenantRef
from tests.factories import participant
from tests.live.conftest import channel_of, until
from tests.live.wsclient import WsClient

SAME = "subscription { rankChanged { participantId newRank newScore participant { name } } }"
OTHER = "subscription { rankChanged { participantId newScore } }"
ASYNC_FIELDS = "subscription { rankChanged { newScore participant { points rank } } }"
TOP = "subscription { leaderboardTop(first: 2) { rank participant { name } } }"


@pytest.fixture
def executions(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every real execution of a subscription event, by its root type."""
    seen: list[str] = []
    execute = StrawberryGraphQLCoreExecutionContext.execute_operation

    def counting(self: Any, serially: bool | None = None) -> Any:
        if hasattr(self.root_value, "shared_results"):
            seen.append(type(self.root_value).__name__)
        return execute(self, serially)

    monkeypatch.setattr(StrawberryGraphQLCoreExecutionContext, "execute_operation", counting)
    return seen


async def test_subscribers_with_the_same_query_share_one_execution_per_event(
    ws_url: str, deps: Deps, live: LiveService, tenant: TenantRef, executions: list[str]
) -> None:
    ada = await participant(deps, tenant.id, "Ada")
    clients = [await WsClient.open(ws_url) for _ in range(4)]
    for client in clients[:3]:
        await client.subscribe("s", SAME)
    await clients[3].subscribe("s", OTHER)
    channel = await channel_of(deps, tenant)
    await until(
        lambda: live.subscriber_count() == 4 and live.hub.confirmed(channel),
        what="four subscriptions",
    )

    await adjust_points(deps, tenant.id, ada, 5, None)

    payloads = [await c.next_data("s") for c in clients]
    assert payloads[0] == payloads[1] == payloads[2]
    assert payloads[0]["data"]["rankChanged"]["participant"] == {"name": "Ada"}
    assert payloads[3]["data"]["rankChanged"] == {"participantId": str(ada), "newScore": 5.0}
    assert executions == ["RankChange", "RankChange"]  # one per distinct query
    for client in clients:
        await client.close()


async def test_a_selection_with_async_fields_is_shared_while_it_runs(
    ws_url: str, deps: Deps, live: LiveService, tenant: TenantRef, executions: list[str]
) -> None:
    ada = await participant(deps, tenant.id, "Ada")
    clients = [await WsClient.open(ws_url) for _ in range(5)]
    for client in clients:  # `points` and `rank` resolve through a loader: they await
        await client.subscribe("s", ASYNC_FIELDS)
    channel = await channel_of(deps, tenant)
    await until(
        lambda: live.subscriber_count() == 5 and live.hub.confirmed(channel),
        what="five subscriptions",
    )

    await adjust_points(deps, tenant.id, ada, 3, None)

    payloads = [await c.next_data("s") for c in clients]
    assert all(p == payloads[0] for p in payloads)
    assert payloads[0]["data"]["rankChanged"]["participant"] == {"points": 3.0, "rank": 1}
    assert executions == ["RankChange"]
    for client in clients:
        await client.close()


async def test_top_subscribers_share_one_execution_per_push(
    ws_url: str, deps: Deps, tenant: TenantRef, executions: list[str]
) -> None:
    ada = await participant(deps, tenant.id, "Ada", points=1)
    clients = [await WsClient.open(ws_url) for _ in range(3)]
    for client in clients:
        await client.subscribe("t", TOP)
        await client.next_data("t")  # each subscriber's own first top
    executions.clear()

    await adjust_points(deps, tenant.id, ada, 5, None)

    pushes = [await c.next_data("t") for c in clients]
    assert pushes[0] == pushes[1] == pushes[2]
    assert executions == ["TopEntries"]
    for client in clients:
        await client.close()
