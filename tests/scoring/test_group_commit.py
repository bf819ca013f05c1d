"""Group commit of concurrent ``adjustPoints`` (``app.group_commit``): changes that arrive
together share a transaction, and each caller is answered with its own outcome."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable, Sequence

import pytest

from app.deps import Deps, build_deps
from app.errors import Unavailable
from app.group_commit import GroupCommit
from app.scoring.models import ScoreEvent, Standing
from app.tenancy.service import TenantRef
from tests.conftest import GQL
from tests.factories import participant, points_board, redis_ranking

ADJUST = """mutation($id: ID!, $d: Float!, $key: String) {
  adjustPoints(participantId: $id, delta: $d, idempotencyKey: $key) { rank score }
}"""


async def test_concurrent_changes_share_transactions_and_each_gets_its_own_entry(
    gql: GQL, deps: Deps, tenant: TenantRef
) -> None:
    ids = [await participant(deps, tenant.id, f"P{i}") for i in range(60)]
    groups = deps.writes.groups

    answers = await asyncio.gather(
        *(gql(ADJUST, {"id": str(pid), "d": i + 1}) for i, pid in enumerate(ids))
    )

    assert [a["data"]["adjustPoints"]["score"] for a in answers] == [i + 1 for i in range(60)]
    assert deps.writes.groups - groups < 10  # 60 calls, in a few transactions
    ranks = [a["data"]["adjustPoints"]["rank"] for a in answers]
    assert set(ranks) <= set(range(1, 61))  # each its rank when it was answered
    assert ranks[-1] == 1  # the largest change was made last of all
    assert await ScoreEvent.filter(tenant_id=tenant.id).count() == 60
    stored = await Standing.filter(tenant_id=tenant.id).values_list("participant_id", "score")
    assert sorted(stored) == [(pid, float(i + 1)) for i, pid in enumerate(ids)]
    ranked = await redis_ranking(deps, await points_board(tenant.id))
    assert ranked == [(pid, float(i + 1)) for i, pid in reversed(list(enumerate(ids)))]


async def test_a_change_the_database_refuses_fails_alone_and_the_others_commit(
    gql: GQL, deps: Deps, tenant: TenantRef
) -> None:
    ids = [await participant(deps, tenant.id, f"P{i}") for i in range(30)]
    used = uuid.uuid4().hex
    first = await gql(ADJUST, {"id": str(ids[0]), "d": 5, "key": used})
    assert first["data"]["adjustPoints"]["score"] == 5
    calls = [{"id": str(pid), "d": 1} for pid in ids[1:]]
    calls.insert(10, {"id": "999999", "d": 1})  # no such participant
    calls.insert(20, {"id": str(ids[0]), "d": 7, "key": used})  # the key of another change
    groups = deps.writes.groups

    answers = await asyncio.gather(*(gql(ADJUST, c) for c in calls))

    codes = [a.get("errors", [{}])[0].get("extensions", {}).get("code") for a in answers]
    assert codes.count(None) == 29
    assert (codes[10], codes[20]) == ("NOT_FOUND", "CONFLICT")
    assert answers[20]["errors"][0]["extensions"]["field"] == "idempotencyKey"
    assert all(a["data"]["adjustPoints"]["score"] == 1 for i, a in enumerate(answers)
               if i not in (10, 20))  # fmt: skip
    assert deps.writes.groups - groups < len(calls) // 2  # they were grouped
    assert await ScoreEvent.filter(tenant_id=tenant.id).count() == 1 + 29
    stored = dict(await Standing.filter(tenant_id=tenant.id).values_list("participant_id", "score"))
    assert stored == {ids[0]: 5.0, **{pid: 1.0 for pid in ids[1:]}}


async def test_a_score_out_of_range_in_a_group_fails_that_change_alone(
    gql: GQL, deps: Deps, tenant: TenantRef
) -> None:
    ids = [await participant(deps, tenant.id, f"P{i}") for i in range(12)]
    narrow = build_deps(deps.settings.model_copy(update={"max_abs_score": 100.0}), deps.store.redis)
    try:
        assert "errors" not in await gql(ADJUST, {"id": str(ids[0]), "d": 90}, context_deps=narrow)
        calls = [{"id": str(pid), "d": 2} for pid in ids[1:]]
        calls.insert(6, {"id": str(ids[0]), "d": 20})  # 110 would leave the allowed range
        answers = await asyncio.gather(*(gql(ADJUST, c, context_deps=narrow) for c in calls))
    finally:
        await narrow.keeper.close()

    assert answers[6]["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    scores = [a["data"]["adjustPoints"]["score"] for i, a in enumerate(answers) if i != 6]
    assert scores == [2.0] * 11
    assert narrow.writes.groups < 12  # they were grouped, then recorded alone
    stored = dict(await Standing.filter(tenant_id=tenant.id).values_list("participant_id", "score"))
    assert stored == {ids[0]: 90.0, **{pid: 2.0 for pid in ids[1:]}}


# The primitive alone, with a commit function of its own (no database).

Outcomes = Sequence["int | BaseException"]


def doubling(
    seen: list[list[int]], gate: asyncio.Event | None = None
) -> Callable[[list[int]], Awaitable[Outcomes]]:
    async def commit(items: list[int]) -> Outcomes:
        seen.append(items)
        if gate is not None:
            await gate.wait()
        return [ValueError(i) if i < 0 else i * 2 for i in items]

    return commit


async def test_the_first_change_is_not_held_back_and_later_ones_go_together() -> None:
    seen: list[list[int]] = []
    gate = asyncio.Event()
    writes: GroupCommit[int, int] = GroupCommit(lanes=1, most=3)
    commit = doubling(seen, gate)
    first = asyncio.create_task(writes.submit("k", 1, commit))
    await asyncio.wait_for(_until(lambda: seen == [[1]]), 5)  # at once, alone
    rest = [asyncio.create_task(writes.submit("k", i, commit)) for i in (2, 3, -4, 5, 6)]
    await asyncio.sleep(0)  # (they queue behind the commit in flight)
    gate.set()
    assert await first == 2
    done = await asyncio.gather(*rest, return_exceptions=True)
    assert seen == [[1], [2, 3, -4], [5, 6]]  # at most 3 a group, in order
    assert [d if isinstance(d, int) else repr(d) for d in done] == [4, 6, "ValueError(-4)", 10, 12]


async def test_items_kept_apart_never_share_a_group() -> None:
    seen: list[list[int]] = []
    gate = asyncio.Event()
    writes: GroupCommit[int, int] = GroupCommit(lanes=1)
    commit = doubling(seen, gate)
    calls = [asyncio.create_task(writes.submit("k", i, commit, lambda i: i % 3)) for i in range(7)]
    await asyncio.wait_for(_until(lambda: len(seen) == 1), 5)
    gate.set()
    assert await asyncio.gather(*calls) == [i * 2 for i in range(7)]
    assert seen == [[0], [1, 2, 3], [4, 5, 6]]


async def test_a_cancelled_caller_waiting_is_never_committed_and_one_in_flight_is() -> None:
    seen: list[list[int]] = []
    gate = asyncio.Event()
    writes: GroupCommit[int, int] = GroupCommit(lanes=1)
    commit = doubling(seen, gate)
    in_flight = asyncio.create_task(writes.submit("k", 1, commit))
    await asyncio.wait_for(_until(lambda: seen == [[1]]), 5)
    waiting = asyncio.create_task(writes.submit("k", 2, commit))
    other = asyncio.create_task(writes.submit("k", 3, commit))
    await asyncio.sleep(0)
    in_flight.cancel()
    waiting.cancel()
    gate.set()
    assert await other == 6
    assert seen == [[1], [3]]  # the commit under way went on; 2 never reached it
    for task in (in_flight, waiting):
        with pytest.raises(asyncio.CancelledError):
            await task


async def test_past_the_waiting_bound_a_change_is_refused_and_nothing_queues() -> None:
    seen: list[list[int]] = []
    gate = asyncio.Event()
    writes: GroupCommit[int, int] = GroupCommit(lanes=1, waiting=2)
    commit = doubling(seen, gate)
    calls = [asyncio.create_task(writes.submit("k", i, commit)) for i in range(3)]
    await asyncio.wait_for(_until(lambda: len(seen) == 1), 5)
    with pytest.raises(Unavailable):
        await writes.submit("k", 9, commit)
    gate.set()
    assert await asyncio.gather(*calls) == [0, 2, 4]
    assert seen == [[0], [1, 2]]


async def test_a_commit_that_fails_fails_each_of_its_callers() -> None:
    async def broken(items: list[int]) -> Outcomes:
        raise RuntimeError("database went away")

    writes: GroupCommit[int, int] = GroupCommit()
    done = await asyncio.gather(
        *(writes.submit("k", i, broken) for i in range(4)), return_exceptions=True
    )
    assert [repr(d) for d in done] == ["RuntimeError('database went away')"] * 4
    assert (writes.groups, writes.items) == (3, 4)  # 1 and 1 at once, then the other 2


async def _until(check: Callable[[], bool]) -> None:
    """Let the other tasks run until ``check`` holds (callers bound it with wait_for)."""
    while not check():  # noqa: ASYNC110 - a plain state of the primitive, no event to wait on
        await asyncio.sleep(0)
