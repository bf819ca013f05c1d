"""A write whose process died between its commit and its projection is healed by the
client's retry: the replay projects what the original event produced."""

from __future__ import annotations

from datetime import UTC, datetime

from app.deps import Deps
from app.leaderboards.service import POINTS
from app.scoring.ingest import EventInput, _record
from app.scoring.service import adjust_points
from app.tenancy.service import TenantRef
from tests.factories import participant, points_board, redis_ranking


async def commit_without_projecting(
    deps: Deps, tenant: TenantRef, pid: int, delta: float, key: str
) -> None:
    """Exactly what a process killed right after the commit leaves behind: the database
    part of a write, and nothing in Redis."""
    metric = await deps.definitions.metric_id(tenant.id, POINTS)
    event = EventInput(pid, metric, delta, "adjustPoints", key, "adjust_points")
    await _record(deps, tenant.id, [(event, key)], datetime.now(UTC))


async def test_a_retried_write_projects_the_change_its_dead_process_never_projected(
    deps: Deps, tenant: TenantRef
) -> None:
    ada = await participant(deps, tenant.id, "Ada", points=1)
    bob = await participant(deps, tenant.id, "Bob", points=3)
    board = await points_board(tenant.id)
    await commit_without_projecting(deps, tenant, ada, 5, "click-1")
    assert await redis_ranking(deps, board) == [(bob, 3.0), (ada, 1.0)]  # the lost projection

    entry = await adjust_points(deps, tenant.id, ada, 5, "click-1")  # the client's retry

    assert (entry.score, entry.rank) == (6.0, 1)
    assert await redis_ranking(deps, board) == [(ada, 6.0), (bob, 3.0)]


async def test_a_replay_of_a_projected_write_changes_nothing(deps: Deps, tenant: TenantRef) -> None:
    ada = await participant(deps, tenant.id, "Ada")
    board = await points_board(tenant.id)
    await adjust_points(deps, tenant.id, ada, 5, "click-1")
    await adjust_points(deps, tenant.id, ada, 2, None)

    replay = await adjust_points(deps, tenant.id, ada, 5, "click-1")

    assert replay.score == 7.0
    assert await redis_ranking(deps, board) == [(ada, 7.0)]
