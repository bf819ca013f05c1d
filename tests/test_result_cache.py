"""Cached query results are reused only while nothing has changed, in any process."""

from __future__ import annotations

from typing import Any

from app.context import Context
from app.deps import Deps
from app.graphql.schema import build_schema
from app.participants.models import Participant
from app.participants.service import update_participant
from app.participants.validation import ParticipantFields
from app.scoring.service import adjust_points
from app.tenancy.service import TenantRef
from tests.conftest import admin_of
from tests.factories import participant

TOP = "{ leaderboard { entries(first: 5) { edges { node { rank score participant { name } } } } } }"


class Process:
    """One API process: its own schema and result cache, the shared Redis and database."""

    def __init__(self, deps: Deps, tenant: TenantRef) -> None:
        self.schema = build_schema(deps.settings)
        self.context = Context(deps, admin_of(tenant))

    async def top(self) -> list[dict[str, Any]]:
        result = await self.schema.execute(TOP, context_value=self.context)
        assert result.errors is None, result.errors
        assert result.data is not None
        edges: list[dict[str, Any]] = result.data["leaderboard"]["entries"]["edges"]
        return [e["node"] for e in edges]


async def test_a_repeated_query_is_served_from_the_cache(deps: Deps, tenant: TenantRef) -> None:
    ada = await participant(deps, tenant.id, "Ada", points=3)
    api = Process(deps, tenant)
    first = await api.top()
    # Change the row behind the service's back: only a cached answer can still say "Ada".
    await Participant.filter(id=ada).update(name="Changed directly")

    assert await api.top() == first
    await deps.store.touch(tenant.id)
    assert (await api.top())[0]["participant"]["name"] == "Changed directly"


async def test_a_score_change_made_through_another_process_is_seen_at_once(
    deps: Deps, tenant: TenantRef
) -> None:
    await participant(deps, tenant.id, "Ada", points=3)
    bob = await participant(deps, tenant.id, "Bob", points=2)
    reader, writer = Process(deps, tenant), Process(deps, tenant)
    assert [e["participant"]["name"] for e in await reader.top()] == ["Ada", "Bob"]

    await adjust_points(writer.context.deps, tenant.id, bob, 5, None)

    assert await reader.top() == [
        {"rank": 1, "score": 7.0, "participant": {"name": "Bob"}},
        {"rank": 2, "score": 3.0, "participant": {"name": "Ada"}},
    ]


async def test_a_rename_is_seen_at_once(deps: Deps, tenant: TenantRef) -> None:
    ada = await participant(deps, tenant.id, "Ada", points=3)
    api = Process(deps, tenant)
    await api.top()

    await update_participant(deps, tenant.id, ada, ParticipantFields(name="Ada Lovelace"))

    assert (await api.top())[0]["participant"]["name"] == "Ada Lovelace"


async def test_a_flushed_redis_never_revives_an_old_cached_result(
    deps: Deps, tenant: TenantRef
) -> None:
    ada = await participant(deps, tenant.id, "Ada", points=3)
    api = Process(deps, tenant)
    before = await deps.store.data_version(tenant.id)
    await api.top()

    async for key in deps.store.redis.scan_iter(match=f"{deps.settings.redis_prefix}:*"):
        await deps.store.redis.delete(key)
    await update_participant(deps, tenant.id, ada, ParticipantFields(name="Renamed"))

    assert await deps.store.data_version(tenant.id) != before
    assert (await api.top())[0]["participant"]["name"] == "Renamed"
