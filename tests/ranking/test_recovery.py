"""Redis holds only a projection: losing it, or losing it for a while, loses no score."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from app.connections import redis_client
from app.deps import Deps, build_deps
from app.leaderboards.keeper import mark_dirty
from app.leaderboards.models import Leaderboard
from app.participants.service import delete_participant
from app.ranking.rebuild import rebuild_board
from app.scoring.models import ScoreEvent, Standing
from app.settings import Settings
from app.tenancy.service import TenantRef
from tests.conftest import GQL, delete_prefix, error_code
from tests.factories import participant, points_board, redis_ranking
from tests.redis_server import RedisServer
from tests.scoring.test_replays import commit_without_projecting

TOP = "{ leaderboard { size entries(first: 100) { edges { node { rank score participant { id } } } } } }"


async def database_ranking(board_id: int) -> list[tuple[int, float]]:
    rows = await Standing.filter(leaderboard_id=board_id).order_by("-score", "participant_id")
    return [(r.participant_id, r.score) for r in rows]  # type: ignore[attr-defined]


async def seed_scores(deps: Deps, tenant: TenantRef) -> list[int]:
    return [await participant(deps, tenant.id, f"P{i}", points=(i * 7) % 11) for i in range(25)]


async def test_rebuild_after_a_flush_restores_the_identical_ranking(
    deps: Deps, tenant: TenantRef
) -> None:
    await seed_scores(deps, tenant)
    board = await points_board(tenant.id)
    before = await redis_ranking(deps, board)

    await delete_prefix(deps.store.redis, deps.settings.redis_prefix)
    count = await rebuild_board(deps.store, board, batch=7, fresh=True)

    assert count == 25
    assert (
        await redis_ranking(deps, board) == before == await database_ranking(board.leaderboard_id)
    )


async def test_a_fresh_rebuild_drops_results_cached_from_the_ranking_it_replaces(
    gql: GQL, deps: Deps, tenant: TenantRef
) -> None:
    ids = await seed_scores(deps, tenant)
    board = await points_board(tenant.id)
    await commit_without_projecting(deps, tenant, ids[1], 1000, "unseen")  # Redis is wrong
    stale = await gql(TOP)  # read from the wrong ranking, and cached

    await rebuild_board(deps.store, board, batch=7, fresh=True)

    top = (await gql(TOP))["data"]["leaderboard"]["entries"]["edges"][0]["node"]
    assert stale["data"]["leaderboard"]["entries"]["edges"][0]["node"] != top
    assert (top["participant"]["id"], top["score"]) == (str(ids[1]), 1007.0)


async def test_a_read_after_a_flush_rebuilds_the_ranking_on_demand(
    gql: GQL, deps: Deps, tenant: TenantRef
) -> None:
    await seed_scores(deps, tenant)
    before = await gql(TOP)

    await delete_prefix(deps.store.redis, deps.settings.redis_prefix)

    assert await gql(TOP) == before
    assert before["data"]["leaderboard"]["size"] == 25


async def test_the_keeper_rebuilds_missing_rankings(deps: Deps, tenant: TenantRef) -> None:
    await seed_scores(deps, tenant)
    board = await points_board(tenant.id)
    await delete_prefix(deps.store.redis, deps.settings.redis_prefix)

    acted = await deps.keeper.check()

    assert acted == [board]
    assert await redis_ranking(deps, board) == await database_ranking(board.leaderboard_id)
    assert await deps.keeper.check() == []


@pytest.fixture
async def outage_deps(settings: Settings, private_redis: RedisServer) -> AsyncIterator[Deps]:
    client = redis_client(private_redis.url, socket_timeout=2)
    outage = build_deps(settings, client)
    yield outage
    await outage.keeper.close()
    await client.aclose()


async def test_a_write_while_redis_is_down_is_kept_and_reconciled(
    outage_deps: Deps, tenant: TenantRef, gql: GQL, private_redis: RedisServer
) -> None:
    deps = outage_deps
    ids = await seed_scores(deps, tenant)
    board = await points_board(tenant.id)
    private_redis.stop()

    entry = await _adjust(gql, deps, ids[0], 100)

    assert entry == {"rank": 1, "score": 100 + (0 * 7) % 11}
    assert await ScoreEvent.filter(participant_id=ids[0], value=100).count() == 1
    assert (await Leaderboard.get(id=board.leaderboard_id)).dirty_since is not None

    private_redis.start()  # empty: the projection is gone
    await deps.keeper.check()

    assert await redis_ranking(deps, board) == await database_ranking(board.leaderboard_id)
    assert (await Leaderboard.get(id=board.leaderboard_id)).dirty_since is None


async def test_changes_missed_during_an_outage_are_repaired_when_redis_returns(
    outage_deps: Deps, tenant: TenantRef, gql: GQL, private_redis: RedisServer
) -> None:
    deps = outage_deps
    ids = await seed_scores(deps, tenant)
    board = await points_board(tenant.id)
    private_redis.stop(save=True)  # comes back with its old (now stale) data

    await _adjust(gql, deps, ids[3], -50)
    await delete_participant(deps, tenant.id, ids[4])
    private_redis.start()
    assert ids[4] in {p for p, _ in await redis_ranking(deps, board)}  # stale: still ranked

    await deps.keeper.check()

    assert await redis_ranking(deps, board) == await database_ranking(board.leaderboard_id)
    assert ids[4] not in {p for p, _ in await redis_ranking(deps, board)}


async def test_reads_while_redis_is_down_fail_with_a_clear_error(
    outage_deps: Deps, tenant: TenantRef, gql: GQL, private_redis: RedisServer
) -> None:
    private_redis.stop()

    response = await gql(TOP, context_deps=outage_deps)

    assert error_code(response) == "INTERNAL"
    assert "temporarily unavailable" in response["errors"][0]["message"]


async def _adjust(gql: GQL, deps: Deps, pid: int, delta: float) -> dict[str, float]:
    response = await gql(
        "mutation($id: ID!, $d: Float!) { adjustPoints(participantId: $id, delta: $d) { rank score } }",
        {"id": str(pid), "d": delta},
        context_deps=deps,
    )
    assert "errors" not in response, response
    entry: dict[str, float] = response["data"]["adjustPoints"]
    return entry


async def test_a_change_outside_the_rankings_while_redis_is_down_is_marked_then_bumped(
    outage_deps: Deps, tenant: TenantRef, private_redis: RedisServer
) -> None:
    deps = outage_deps
    board = await points_board(tenant.id)
    private_redis.stop()

    bumped = await deps.keeper.touch(tenant.id)  # e.g. a winner stored meanwhile

    assert not bumped
    assert (await Leaderboard.get(id=board.leaderboard_id)).dirty_since is not None


async def test_the_repair_of_a_dirty_board_bumps_the_data_version(
    deps: Deps, tenant: TenantRef
) -> None:
    board = await points_board(tenant.id)  # no standings: the repair projects nothing
    await deps.keeper.check()
    await mark_dirty(board.leaderboard_id)
    before = await deps.store.data_version(tenant.id)

    await deps.keeper.check()

    assert (await Leaderboard.get(id=board.leaderboard_id)).dirty_since is None
    assert await deps.store.data_version(tenant.id) != before
