"""Rebuilds with many processes: built aside and swapped in, done once however many ask,
taken over when the holder dies, never in the readers' or writers' way."""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from app.deps import Deps, build_deps
from app.leaderboards.keeper import clear_dirty_mark, mark_dirty
from app.leaderboards.models import Leaderboard
from app.ranking import build_scripts
from app.ranking.rebuild import begin, holder_pid, rebuild_board
from app.ranking.store import Standing, version_at
from app.scoring.service import adjust_points
from app.tenancy.service import TenantRef
from tests.conftest import GQL, delete_prefix
from tests.factories import participant, points_board, redis_ranking
from tests.live.conftest import until
from tests.ranking.test_recovery import database_ranking, seed_scores
from tests.scoring.test_replays import commit_without_projecting

PAGE = """query($after: String) { leaderboard {
  size entries(first: 4, after: $after) {
    totalCount pageInfo { hasNextPage hasPreviousPage endCursor }
    edges { node { rank score percentile participant { id } } } }
  around(participantId: "%s", radius: 2) { rank score percentile participant { id } }
  entry(participantId: "%s") { rank score }
} }"""


@pytest.fixture
async def other_process(deps: Deps) -> AsyncIterator[Deps]:
    """The services of a second API process: same Redis and prefix, its own keeper."""
    other = build_deps(deps.settings, deps.store.redis)
    yield other
    await other.keeper.close()


async def flush(deps: Deps) -> None:
    await delete_prefix(deps.store.redis, deps.settings.redis_prefix)


def rebuilt(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.getMessage().startswith("rebuilt ")]


async def test_two_processes_asking_for_one_rebuild_build_it_once(
    deps: Deps, other_process: Deps, tenant: TenantRef, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="app.ranking.rebuild")
    await seed_scores(deps, tenant)
    board = await points_board(tenant.id)
    await flush(deps)
    caplog.clear()

    counts = await asyncio.gather(deps.keeper.rebuild(board), other_process.keeper.rebuild(board))

    assert counts == [25, 25]
    assert len(rebuilt(caplog)) == 1
    assert await redis_ranking(deps, board) == await database_ranking(board.leaderboard_id)


async def test_a_rebuild_aside_keeps_serving_and_carries_the_writes_made_meanwhile(
    deps: Deps, tenant: TenantRef, gql: GQL
) -> None:
    ids = await seed_scores(deps, tenant)
    board = await points_board(tenant.id)
    before = await gql(PAGE % (ids[0], ids[0]))
    lock = await begin(deps.store, board, aside=True)  # a build has begun, as another would
    assert lock is not None

    during = await gql(PAGE % (ids[0], ids[0]))
    await adjust_points(deps, tenant.id, ids[1], 40, None)  # lands live and in the staged keys
    staged = deps.store.keys(board).staged
    assert await deps.store.redis.zcard(staged.scores) == 1

    await rebuild_board(deps.store, board, batch=4, fresh=True)  # waits for that holder
    await lock.release()
    assert during == before
    assert await redis_ranking(deps, board) == await database_ranking(board.leaderboard_id)
    assert (await redis_ranking(deps, board))[0] == (ids[1], 40 + (1 * 7) % 11)


async def test_a_flushed_ranking_is_read_from_the_database_until_it_is_rebuilt(
    deps: Deps, tenant: TenantRef, gql: GQL
) -> None:
    ids = await seed_scores(deps, tenant)
    board = await points_board(tenant.id)
    first = await gql(PAGE % (ids[5], ids[5]))
    cursor = first["data"]["leaderboard"]["entries"]["pageInfo"]["endCursor"]
    second = await gql(PAGE % (ids[5], ids[5]), {"after": cursor})
    await flush(deps)
    lock = await begin(deps.store, board, aside=True)  # "another process" is rebuilding
    assert lock is not None

    from_database = [
        await gql(PAGE % (ids[5], ids[5])),
        await gql(PAGE % (ids[5], ids[5]), {"after": cursor}),
    ]
    entry = await adjust_points(deps, tenant.id, ids[7], 100, None)  # answers at once

    assert from_database == [first, second]
    assert not await deps.store.is_ready(board)
    assert (entry.rank, entry.score) == (1, 100 + (7 * 7) % 11)
    await lock.release()
    await deps.keeper.check()
    assert await redis_ranking(deps, board) == await database_ranking(board.leaderboard_id)


async def test_a_dead_holders_lock_expires_and_another_process_takes_over(
    deps: Deps, tenant: TenantRef
) -> None:
    await seed_scores(deps, tenant)
    board = await points_board(tenant.id)
    await flush(deps)
    dead = await begin(deps.store, board, aside=True, seconds=0.5)  # never extended again
    assert dead is not None
    lock_value = await deps.store.redis.get(deps.store.keys(board).rebuild_lock)
    assert holder_pid(lock_value) == os.getpid()  # operators (and tests) see who holds it

    count = await asyncio.wait_for(
        rebuild_board(deps.store, board, batch=5, lock_seconds=0.5), timeout=10
    )

    assert count == 25
    assert await redis_ranking(deps, board) == await database_ranking(board.leaderboard_id)
    assert not await dead.extend()  # the dead holder can change nothing any more
    keys = deps.store.keys(board)
    assert not await deps.store.redis.exists(keys.building, *keys.staged.all())


async def test_the_staged_keys_of_a_dead_holder_expire_with_its_lock(
    deps: Deps, tenant: TenantRef
) -> None:
    ids = await seed_scores(deps, tenant)
    board = await points_board(tenant.id)
    await flush(deps)
    dead = await begin(deps.store, board, aside=True, seconds=0.5)
    assert dead is not None
    now = version_at(datetime.now(UTC))
    rows = [Standing(p, 1.0, now) for p in ids[:3]]
    await deps.store.stage(board, rows, dense=False, token=dead.token)
    keys = deps.store.keys(board)
    assert await deps.store.redis.zcard(keys.staged.scores) == 3

    await until(
        lambda: _none_exist(deps, [keys.rebuild_lock, keys.building, *keys.staged.all()]),
        what="the dead holder's keys to expire",
    )


async def _none_exist(deps: Deps, keys: list[str]) -> bool:
    return not await deps.store.redis.exists(*keys)


async def test_a_holder_whose_lock_expired_cannot_load_into_the_next_build(
    deps: Deps, tenant: TenantRef
) -> None:
    ids = await seed_scores(deps, tenant)
    board = await points_board(tenant.id)
    await flush(deps)
    stalled = await begin(deps.store, board, aside=True, seconds=0.3)
    assert stalled is not None
    keys = deps.store.keys(board)
    await until(lambda: _none_exist(deps, [keys.rebuild_lock]), what="the lock to expire")
    taker = await begin(deps.store, board, aside=True)
    assert taker is not None

    stale = [Standing(p, 99.0, version_at(datetime.now(UTC))) for p in ids[:3]]
    refused = await deps.store.stage(board, stale, dense=False, token=stalled.token)

    assert refused == -1
    assert await deps.store.redis.zcard(keys.staged.scores) == 0
    await taker.release()


async def test_a_holder_that_loses_its_lock_cannot_swap_in_its_build(
    deps: Deps, tenant: TenantRef
) -> None:
    await seed_scores(deps, tenant)
    board = await points_board(tenant.id)
    stalled = await begin(deps.store, board, aside=True, seconds=0.3)
    assert stalled is not None
    keys = deps.store.keys(board)
    await until(lambda: _none_exist(deps, [keys.rebuild_lock]), what="the lock to expire")
    taker = await begin(deps.store, board, aside=True)
    assert taker is not None
    swap_keys = [keys.rebuild_lock, keys.building, *keys.staged.all(), *keys.live.all(),
                 keys.levels_ready, keys.ready, keys.levels_fill]  # fmt: skip

    swapped = await deps.store.run(build_scripts.SWAP, swap_keys, [stalled.token, 1, "0"])

    assert swapped == 0
    assert await deps.store.is_ready(board)
    await taker.release()


async def test_a_levels_fill_cut_short_by_a_drop_marks_nothing_complete(
    deps: Deps, tenant: TenantRef
) -> None:
    await seed_scores(deps, tenant)
    board = await points_board(tenant.id)
    dense = replace(board, rank_mode="DENSE")
    keys = deps.store.keys(board)
    await deps.store.redis.set(keys.levels_fill, "fill-of-a-process-that-thinks-it-dense")
    assert await deps.store.ensure_levels(board, 10)  # another process: not DENSE, drops

    finished = await deps.store.run(
        build_scripts.FINISH_FILL,
        [keys.levels_fill, keys.levels_ready],
        ["fill-of-a-process-that-thinks-it-dense", 1],
    )

    assert finished == 0
    assert not await deps.store.redis.exists(keys.levels_ready)
    assert await deps.store.ensure_levels(dense, 4)  # the next check fills it whole
    scores = {score for _, score in await redis_ranking(deps, board)}
    assert await deps.store.redis.zcard(keys.levels) == len(scores)


async def test_a_miss_marked_during_a_repair_keeps_the_board_marked(
    deps: Deps, tenant: TenantRef
) -> None:
    await participant(deps, tenant.id, "Ada", points=1)
    board = await points_board(tenant.id)
    repair_began = datetime.now(UTC)
    # a miss after the repair began: the repair may not include it
    await mark_dirty(board.leaderboard_id)

    assert not await clear_dirty_mark(board.leaderboard_id, repair_began)
    assert (await Leaderboard.get(id=board.leaderboard_id)).dirty_since is not None
    assert await clear_dirty_mark(board.leaderboard_id, datetime.now(UTC) + timedelta(seconds=1))
    assert (await Leaderboard.get(id=board.leaderboard_id)).dirty_since is None


async def test_the_keeper_repairs_a_dirty_board_once_and_clears_it(
    deps: Deps, other_process: Deps, tenant: TenantRef, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="app.ranking.rebuild")
    ids = await seed_scores(deps, tenant)
    board = await points_board(tenant.id)
    await commit_without_projecting(deps, tenant, ids[2], 1000, "missed")  # Redis missed it
    await mark_dirty(board.leaderboard_id)
    caplog.clear()

    await asyncio.gather(deps.keeper.check(), other_process.keeper.check())

    assert len(rebuilt(caplog)) == 1
    assert await redis_ranking(deps, board) == await database_ranking(board.leaderboard_id)
    assert (await Leaderboard.get(id=board.leaderboard_id)).dirty_since is None
    assert (await redis_ranking(deps, board))[0][0] == ids[2]
