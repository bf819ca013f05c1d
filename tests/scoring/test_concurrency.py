"""Concurrent writers: nothing is lost, counted twice, or left behind."""

from __future__ import annotations

import asyncio
import uuid

from app.deps import Deps
from app.errors import NotFound
from app.participants.service import delete_participant
from app.scoring.models import ScoreEvent, Standing
from app.tenancy.service import TenantRef
from tests.conftest import GQL
from tests.factories import participant, points_board, redis_ranking

ADJUST = "mutation($id: ID!, $key: String) { adjustPoints(participantId: $id, delta: 1, idempotencyKey: $key) { score } }"


async def test_200_concurrent_increments_end_at_exactly_200(
    gql: GQL, deps: Deps, tenant: TenantRef
) -> None:
    pid = await participant(deps, tenant.id)

    results = await asyncio.gather(*(gql(ADJUST, {"id": str(pid)}) for _ in range(200)))

    assert all("errors" not in r for r in results)
    # Each call answers with the score its own change produced: 1, 2, ..., 200 once each.
    assert sorted(r["data"]["adjustPoints"]["score"] for r in results) == list(range(1, 201))
    standing = await Standing.get(participant_id=pid)
    assert standing.score == 200
    assert await ScoreEvent.filter(participant_id=pid).count() == 200
    assert await redis_ranking(deps, await points_board(tenant.id)) == [(pid, 200.0)]


async def test_concurrent_retries_of_one_key_count_once(
    gql: GQL, deps: Deps, tenant: TenantRef
) -> None:
    pid = await participant(deps, tenant.id)
    key = uuid.uuid4().hex

    results = await asyncio.gather(*(gql(ADJUST, {"id": str(pid), "key": key}) for _ in range(50)))

    assert all(r["data"]["adjustPoints"]["score"] == 1 for r in results), results
    assert await ScoreEvent.filter(participant_id=pid).count() == 1
    assert await redis_ranking(deps, await points_board(tenant.id)) == [(pid, 1.0)]


async def test_concurrent_writes_and_deletes_never_leave_a_deleted_participant_ranked(
    deps: Deps, tenant: TenantRef, gql: GQL
) -> None:
    board = await points_board(tenant.id)
    ids = [await participant(deps, tenant.id, f"P{i}") for i in range(40)]
    doomed = ids[::2]

    async def hammer(pid: int) -> None:
        for _ in range(5):
            await gql(ADJUST, {"id": str(pid)})

    async def delete(pid: int) -> None:
        try:
            await delete_participant(deps, tenant.id, pid)
        except NotFound:
            raise AssertionError(f"{pid} vanished before its deletion") from None

    await asyncio.gather(*(hammer(p) for p in ids), *(delete(p) for p in doomed))

    ranked = {pid for pid, _ in await redis_ranking(deps, board)}
    assert ranked == set(ids) - set(doomed)
    assert await Standing.filter(participant_id__in=doomed).count() == 0
    assert await ScoreEvent.filter(participant_id__in=doomed).count() == 0
    for pid, score in await redis_ranking(deps, board):
        assert score == (await Standing.get(participant_id=pid)).score
