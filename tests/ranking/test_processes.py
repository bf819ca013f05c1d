"""Processes that die between a commit and its projection: their beats stop, one survivor
claims them and projects again what they committed since their last beat."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from app.deps import Deps, build_deps
from app.leaderboards.keeper import mark_dirty
from app.leaderboards.models import Leaderboard
from app.participants.models import Participant
from app.ranking.keys import member, processes_key
from app.settings import Settings
from app.tenancy.service import TenantRef
from tests.factories import points_board, redis_ranking
from tests.ranking.test_recovery import database_ranking, seed_scores
from tests.scoring.test_replays import commit_without_projecting


@pytest.fixture
async def other_process(deps: Deps) -> AsyncIterator[Deps]:
    other = build_deps(deps.settings, deps.store.redis)
    yield other
    await other.keeper.close()


async def redis_ms(deps: Deps) -> int:
    seconds, micros = await deps.store.redis.time()
    return int(seconds) * 1000 + int(micros) // 1000


async def dead_process(deps: Deps, *, beat_seconds_ago: float) -> str:
    """An entry as a process killed ``beat_seconds_ago`` after its last beat leaves it."""
    beat = await redis_ms(deps) - int(beat_seconds_ago * 1000)
    await deps.store.redis.hset(processes_key(deps.settings.redis_prefix), "dead", f"b|{beat}")
    return "dead"


async def test_what_a_dead_process_left_unprojected_is_projected_by_one_survivor(
    deps: Deps, other_process: Deps, tenant: TenantRef
) -> None:
    ids = await seed_scores(deps, tenant)
    board = await points_board(tenant.id)
    await commit_without_projecting(deps, tenant, ids[3], 1000, "lost")  # then it was killed
    await dead_process(deps, beat_seconds_ago=60)
    assert await redis_ranking(deps, board) != await database_ranking(board.leaderboard_id)

    claims = await asyncio.gather(deps.keeper.beat(), other_process.keeper.beat())

    assert sorted(len(c) for c in claims) == [0, 1]  # one claimant
    sweeper, claim = (deps, claims[0][0]) if claims[0] else (other_process, claims[1][0])
    await sweeper.keeper.sweep(claim)
    assert await redis_ranking(deps, board) == await database_ranking(board.leaderboard_id)
    entries = await deps.store.redis.hgetall(processes_key(deps.settings.redis_prefix))
    assert "dead" not in {k.decode() if isinstance(k, bytes) else k for k in entries}


async def test_the_sweep_prunes_participants_the_dead_process_deleted(
    deps: Deps, tenant: TenantRef
) -> None:
    ids = await seed_scores(deps, tenant)
    board = await points_board(tenant.id)
    await Participant.filter(id=ids[0]).delete()  # committed; the removal from Redis never ran
    await dead_process(deps, beat_seconds_ago=60)

    for claim in await deps.keeper.beat():
        await deps.keeper.sweep(claim)

    scores = deps.store.keys(board).scores
    assert await deps.store.redis.zscore(scores, member(ids[0])) is None
    assert await redis_ranking(deps, board) == await database_ranking(board.leaderboard_id)


async def test_a_process_that_beats_is_not_claimed_and_one_that_stops_cleanly_leaves(
    deps: Deps, other_process: Deps
) -> None:
    await dead_process(deps, beat_seconds_ago=1)  # it beat a second ago: alive
    await other_process.keeper.beat()

    assert await deps.keeper.beat() == []
    await other_process.keeper.close()
    entries = await deps.store.redis.hkeys(processes_key(deps.settings.redis_prefix))
    assert sorted(k.decode() if isinstance(k, bytes) else k for k in entries) == sorted(
        ["dead", deps.keeper.processes.token]
    )


async def test_a_claim_whose_sweeper_died_is_claimed_again_after_its_lease(
    deps: Deps,
) -> None:
    now = await redis_ms(deps)
    lease = int(deps.keeper.processes.lease * 1000)
    key = processes_key(deps.settings.redis_prefix)
    await deps.store.redis.hset(key, "fresh-claim", f"s|{now - 90_000}|{now - 1000}")
    await deps.store.redis.hset(key, "old-claim", f"s|{now - 90_000}|{now - lease - 1000}")

    claims = await deps.keeper.beat()

    assert [(c.token, c.last_beat) for c in claims] == [("old-claim", now - 90_000)]


@pytest.fixture
async def skewed(deps: Deps) -> AsyncIterator[Deps]:
    """A process that allows its peers' clocks two seconds' difference."""
    settings = Settings(**{**deps.settings.model_dump(), "clock_skew_seconds": 2.0})
    other = build_deps(settings, deps.store.redis)
    yield other
    await other.keeper.close()


async def test_a_dirty_board_is_repaired_only_by_a_build_begun_after_the_clock_skew(
    skewed: Deps, deps: Deps, tenant: TenantRef
) -> None:
    ids = await seed_scores(deps, tenant)
    board = await points_board(tenant.id)
    await commit_without_projecting(deps, tenant, ids[2], 1000, "missed")
    await mark_dirty(board.leaderboard_id)

    assert board not in await skewed.keeper.check()  # marked just now: perhaps in its future
    assert (await Leaderboard.get(id=board.leaderboard_id)).dirty_since is not None

    # Three seconds on: the mark, and the build of the ranking before it, are that old.
    past = datetime.now(UTC) - timedelta(seconds=3)
    await Leaderboard.filter(id=board.leaderboard_id).update(dirty_since=past, dirty_last=past)
    built_before = int((past - timedelta(seconds=1)).timestamp() * 1000)
    await deps.store.redis.set(deps.store.keys(board).ready, built_before)
    assert board in await skewed.keeper.check()
    assert (await Leaderboard.get(id=board.leaderboard_id)).dirty_since is None
    assert await redis_ranking(deps, board) == await database_ranking(board.leaderboard_id)
