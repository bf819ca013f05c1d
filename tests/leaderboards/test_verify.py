"""`ranked verify` and `ranked rebuild --from-events`, as real processes."""

from __future__ import annotations

import asyncio
import os

import pytest

from app.deps import Deps
from app.ranking.keys import member
from app.tenancy.service import TenantRef
from tests.conftest import GQL, REDIS_URL
from tests.leaderboards.test_generic import board, metric, ranking, record
from tests.leaderboards.test_rankings_api import add
from tests.test_serve import RANKED

pytestmark = pytest.mark.slow


async def ranked(deps: Deps, *args: str) -> tuple[int, str]:
    env = {
        **os.environ,
        "DATABASE_URL": deps.settings.database_url,
        "REDIS_URL": REDIS_URL,
        "RANKED_REDIS_PREFIX": deps.settings.redis_prefix,
        "RANKED_LOG_LEVEL": "warning",
    }
    process = await asyncio.create_subprocess_exec(
        RANKED, *args, env=env, stdout=asyncio.subprocess.PIPE
    )
    stdout, _ = await process.communicate()
    assert process.returncode is not None
    return process.returncode, stdout.decode()


async def test_verify_finds_a_drifted_ranking_and_rebuild_from_events_repairs_it(
    gql: GQL, deps: Deps, tenant: TenantRef
) -> None:
    await metric(gql, "m", "AVG")
    await board(gql, "b", [("m", 2)])
    a, b = await add(gql, "A"), await add(gql, "B")
    await record(gql, (a, "m", 4), (a, "m", 6), (b, "m", 3))
    assert await ranking(gql, "b") == [("A", 1, 10.0), ("B", 2, 6.0)]

    code, out = await ranked(deps, "verify", "--leaderboard", "b")
    assert (code, out.splitlines()[-1]) == (0, "b/all: 0 difference(s) in the top 100")

    definition = await deps.definitions.board(tenant.id, "b")
    scores = deps.store.keys(definition.ref("all")).scores
    await deps.store.redis.zadd(scores, {member(int(b)): -50.0})  # B now leads in Redis only
    code, out = await ranked(deps, "verify", "--leaderboard", "b")
    assert code == 1
    assert f"#1: expected ({a}, 10.0), live ({b}, 50.0)" in out

    code, out = await ranked(deps, "rebuild", "--leaderboard", "b", "--from-events")
    assert code == 0
    assert (await ranked(deps, "verify", "--leaderboard", "b"))[0] == 0
    assert await ranking(gql, "b") == [("A", 1, 10.0), ("B", 2, 6.0)]


async def test_verify_of_an_unknown_board_fails(deps: Deps, tenant: TenantRef) -> None:
    code, _ = await ranked(deps, "verify", "--leaderboard", "nope")
    assert code != 0
