"""Tie-breaks: a fallback metric, then the earliest to reach the score; exact expected order
and ranks through every read (pages, cursors, entry, around, participant rank, adjustPoints),
after re-scoring and after a rebuild of Redis."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from app.deps import Deps
from app.ranking.rebuild import rebuild_board
from app.ranking.store import Standing, version_at
from app.scoring.recompute import verify
from app.tenancy.service import TenantRef
from tests.conftest import GQL, error_code
from tests.leaderboards.test_generic import (
    BOARD,
    T0,
    UPDATE,
    WEIGHTS,
    board,
    metric,
    ranking,
    record,
)
from tests.leaderboards.test_rankings_api import add, adjust, data

ENTRIES = """query($key: String!, $first: Int!, $after: String) { leaderboard(key: $key) {
  tieBreak { metric earliestToReach }
  entries(first: $first, after: $after) { edges { node { rank reachedAt participant { name } } }
    pageInfo { hasNextPage endCursor } } } }"""
ENTRY = """query($key: String!, $id: ID!) { leaderboard(key: $key) {
  entry(participantId: $id) { rank participant { name } }
  around(participantId: $id, radius: 1) { rank participant { name } } } }"""
HOUR = timedelta(hours=1)


async def names(gql: GQL, key: str) -> list[tuple[str, int]]:
    return [(name, rank) for name, rank, _ in await ranking(gql, key)]


async def test_earliest_to_reach_the_score_ranks_first(gql: GQL) -> None:
    await metric(gql, "m")
    await board(gql, "b", [("m", 1)], tieBreak={"earliestToReach": True})
    a, b, c, d = [await add(gql, n) for n in "ABCD"]
    await record(gql, (a, "m", 4), (c, "m", 10), at=T0)
    await record(gql, (a, "m", 6), at=T0 + HOUR)  # A reaches 10 at +1 h
    await record(gql, (c, "m", 0), at=T0 + 5 * HOUR)  # a zero changes nothing: C stays at T0
    await record(gql, (b, "m", 10), at=T0 + 2 * HOUR)
    await record(gql, (d, "m", 5), at=T0)
    assert await names(gql, "b") == [("C", 1), ("A", 2), ("B", 3), ("D", 4)]
    # Events recorded late that happened earlier: B's score last changed at +2 h all the same.
    await record(gql, (b, "m", 3), (b, "m", -3), at=T0 - HOUR)
    assert await names(gql, "b") == [("C", 1), ("A", 2), ("B", 3), ("D", 4)]
    await record(gql, (b, "m", 1), at=T0 - 2 * HOUR)  # now 11: ahead by score
    await record(gql, (a, "m", 1), at=T0 + 3 * HOUR)  # A 11 too, reached at +3 h > +2 h
    assert await names(gql, "b") == [("B", 1), ("A", 2), ("C", 3), ("D", 4)]
    found = data(await gql(ENTRIES, {"key": "b", "first": 10}))["leaderboard"]
    assert found["tieBreak"] == {"metric": None, "earliestToReach": True}
    reached = [e["node"]["reachedAt"] for e in found["entries"]["edges"]]
    assert reached == [
        (T0 + 2 * HOUR).isoformat(), (T0 + 3 * HOUR).isoformat(), T0.isoformat(), T0.isoformat()
    ]  # fmt: skip


async def test_a_maximum_is_reached_when_it_was_first_set(gql: GQL) -> None:
    await metric(gql, "best", "MAX")
    await board(gql, "b", [("best", 1)], tieBreak={"earliestToReach": True})
    a, b = await add(gql, "A"), await add(gql, "B")
    await record(gql, (a, "best", 100), at=T0 + HOUR)
    await record(gql, (b, "best", 100), at=T0 + 2 * HOUR)
    await record(gql, (b, "best", 50), (a, "best", 100), at=T0 + 3 * HOUR)  # later games
    assert await names(gql, "b") == [("A", 1), ("B", 2)]
    await record(gql, (b, "best", 100), at=T0)  # B had set it earlier (recorded late)
    assert await names(gql, "b") == [("B", 1), ("A", 2)]


async def test_a_fallback_metric_then_the_earliest(gql: GQL) -> None:
    await metric(gql, "points")
    await metric(gql, "wins")
    await metric(gql, "penalties", higher=False)
    await board(
        gql, "b", [("points", 1), ("wins", 0)],
        tieBreak={"metric": "wins", "earliestToReach": True},
    )  # fmt: skip
    a, b, c, d = [await add(gql, n) for n in "ABCD"]
    await record(gql, (a, "points", 10), (b, "points", 10), (a, "wins", 3), at=T0 + HOUR)
    await record(gql, (c, "points", 10), (c, "wins", 3), (b, "wins", 5), at=T0)
    await record(gql, (d, "points", 10), at=T0)  # no wins at all: after everyone with some
    # B has most wins; A and C have 3 each and C reached 10 first.
    assert await names(gql, "b") == [("B", 1), ("C", 2), ("A", 3), ("D", 4)]
    # Weight 0: the wins are tracked, shown in the breakdown, and not scored.
    found = data(await gql(BOARD, {"key": "b"}))["leaderboard"]["entries"]["edges"]
    assert [e["node"]["score"] for e in found] == [10.0] * 4
    assert found[0]["node"]["breakdown"][1] == {
        "metric": "wins", "value": 5.0, "weighted": 0.0, "events": 1
    }  # fmt: skip
    # A lower-is-better fallback metric: fewer penalties first.
    await board(gql, "fair", [("points", 1), ("penalties", 0)], tieBreak={"metric": "penalties"})
    await record(gql, (a, "penalties", 2), (b, "penalties", 7), (c, "penalties", 1), at=T0)
    # D has none: after every value. Without earliestToReach, equal keys would tie.
    assert await names(gql, "fair") == [("C", 1), ("A", 2), ("B", 3), ("D", 4)]


@pytest.mark.parametrize(
    ("mode", "ranks"),
    [("COMPETITION", [1, 1, 3, 4]), ("DENSE", [1, 1, 2, 3]), ("ORDINAL", [1, 2, 3, 4])],
)
async def test_equal_score_and_tie_break_share_a_rank(
    gql: GQL, mode: str, ranks: list[int]
) -> None:
    await metric(gql, "points")
    await metric(gql, "wins")
    await board(gql, "b", [("points", 1), ("wins", 0)], tieBreak={"metric": "wins"},
                rankMode=mode)  # fmt: skip
    a, b, c, d = [await add(gql, n) for n in "ABCD"]
    await record(gql, *((p, "points", 10) for p in (a, b, c)), (d, "points", 1))
    await record(gql, (a, "wins", 2), (b, "wins", 2), (c, "wins", 1))
    assert await names(gql, "b") == list(zip("ABCD", ranks, strict=True))
    for pid, name, rank in zip((b, c, d), "BCD", ranks[1:], strict=True):
        found = data(await gql(ENTRY, {"key": "b", "id": pid}))["leaderboard"]
        assert found["entry"] == {"rank": rank, "participant": {"name": name}}
    around = data(await gql(ENTRY, {"key": "b", "id": c}))["leaderboard"]["around"]
    assert [(e["participant"]["name"], e["rank"]) for e in around] == list(
        zip("BCD", ranks[1:], strict=True)
    )


async def test_pages_follow_the_tie_break_and_cursors_survive_moves(gql: GQL) -> None:
    await metric(gql, "m")
    await board(gql, "b", [("m", 1)], tieBreak={"earliestToReach": True})
    people = [await add(gql, f"P{i}") for i in range(7)]
    for i, pid in enumerate(reversed(people)):  # P6 reached 5 first, P0 last
        await record(gql, (pid, "m", 5), at=T0 + i * HOUR)
    first = data(await gql(ENTRIES, {"key": "b", "first": 3}))["leaderboard"]["entries"]
    assert [e["node"]["participant"]["name"] for e in first["edges"]] == ["P6", "P5", "P4"]
    await record(gql, (people[6], "m", 1), at=T0)  # P6 leaves the page's place
    after = first["pageInfo"]["endCursor"]
    rest = data(await gql(ENTRIES, {"key": "b", "first": 10, "after": after}))["leaderboard"]
    assert [e["node"]["participant"]["name"] for e in rest["entries"]["edges"]] == [
        "P3", "P2", "P1", "P0"
    ]  # fmt: skip
    assert [e["node"]["rank"] for e in rest["entries"]["edges"]] == [4, 5, 6, 7]


async def test_the_points_board_can_break_ties_by_the_earliest(
    gql: GQL, deps: Deps, tenant: TenantRef
) -> None:
    a, b, c = [await add(gql, n) for n in "ABC"]
    data(await gql(UPDATE, {"key": "points", "input": {"tieBreak": {"earliestToReach": True}}}))
    await adjust(gql, b, 5)
    entry = await adjust(gql, a, 5)  # A reaches 5 after B
    assert entry["rank"] == 2
    assert await names(gql, "points") == [("B", 1), ("A", 2), ("C", 3)]
    query = "query($id: ID!) { participant(id: $id) { rank } }"
    assert data(await gql(query, {"id": a}))["participant"]["rank"] == 2
    await add(gql, "D")  # new participants start at 0, after those who reached 0
    await adjust(gql, c, 1)
    await adjust(gql, c, -1)  # C is back at 0, reached now: still before D, who never scored
    assert await names(gql, "points") == [("B", 1), ("A", 2), ("C", 3), ("D", 4)]
    definition = await deps.definitions.board(tenant.id, "points")
    assert await verify(deps, definition, "all", 10) == []


async def test_setting_a_tie_break_rescores_and_redis_rebuilds_the_same_order(
    gql: GQL, deps: Deps, tenant: TenantRef
) -> None:
    await metric(gql, "m")
    await board(gql, "b", [("m", 1)])
    a, b, c = [await add(gql, n) for n in "ABC"]
    await record(gql, (a, "m", 3), at=T0 + HOUR)
    await record(gql, (b, "m", 3), (c, "m", 3), at=T0)
    assert await names(gql, "b") == [("A", 1), ("B", 1), ("C", 1)]  # tied, by id
    response = await gql(UPDATE, {"key": "b", "input": {"tieBreak": {"earliestToReach": True}}})
    data(response)
    assert await names(gql, "b") == [("B", 1), ("C", 1), ("A", 3)]
    definition = await deps.definitions.board(tenant.id, "b")
    assert await verify(deps, definition, "all", 10) == []
    await deps.store.redis.flushdb()
    await rebuild_board(deps.store, definition.ref("all"), batch=2, fresh=True)
    assert await names(gql, "b") == [("B", 1), ("C", 1), ("A", 3)]
    data(await gql(UPDATE, {"key": "b", "input": {"tieBreak": {}}}))  # none again
    assert await names(gql, "b") == [("A", 1), ("B", 1), ("C", 1)]


async def test_switching_to_dense_reads_dense_ranks_from_redis(
    gql: GQL, deps: Deps, tenant: TenantRef
) -> None:
    await metric(gql, "m")
    await board(gql, "b", [("m", 1)])
    people = [await add(gql, n) for n in "ABCD"]
    await record(gql, *((p, "m", v) for p, v in zip(people, [9, 5, 5, 1], strict=True)))
    data(await gql(UPDATE, {"key": "b", "input": {"rankMode": "DENSE"}}))
    definition = await deps.definitions.board(tenant.id, "b")
    ref = definition.ref("all")
    entries = await deps.store.entries(ref, [int(p) for p in people])
    assert [e.dense for e in entries.values() if e] == [1, 2, 2, 3]
    await record(gql, (people[3], "m", 4))  # D to 5: levels follow each write
    assert await names(gql, "b") == [("A", 1), ("B", 2), ("C", 2), ("D", 2)]
    assert await deps.store.redis.zcard(deps.store.keys(ref).levels) == 2
    data(await gql(UPDATE, {"key": "b", "input": {"rankMode": "COMPETITION"}}))
    assert not await deps.store.redis.exists(deps.store.keys(ref).levels)
    assert await names(gql, "b") == [("A", 1), ("B", 2), ("C", 2), ("D", 2)]
    # A writer that still thought the board DENSE leaves levels behind: the keeper drops them.
    stale = (await deps.definitions.board(tenant.id, "b")).ref("all")
    await deps.store.project(
        replace(stale, rank_mode="DENSE"),
        [Standing(int(people[0]), 9.0, version_at(datetime.now(UTC)))],
    )
    assert await deps.store.redis.exists(deps.store.keys(ref).levels)
    assert stale in await deps.keeper.check()
    assert not await deps.store.redis.exists(deps.store.keys(ref).levels)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"metrics": [{"metric": "points"}], "tieBreak": {"metric": "wins"}}, "tieBreak"),
        ({"metrics": [{"metric": "points", "weight": 0}]}, "weight"),
    ],
)
async def test_invalid_tie_breaks_are_rejected(
    gql: GQL, fields: dict[str, Any], field: str
) -> None:
    await metric(gql, "points")
    await metric(gql, "wins")
    define = (
        'mutation($input: LeaderboardInput!) { defineLeaderboard(key: "b", input: $input) { key } }'
    )
    response = await gql(define, {"input": {"name": "b", **fields}})
    assert error_code(response) == "BAD_USER_INPUT"
    assert response["errors"][0]["extensions"]["field"] == field
    assert data(await gql("{ leaderboards { key } }"))["leaderboards"] == [{"key": "points"}]


async def test_the_tie_break_metric_cannot_be_dropped_from_the_weights(gql: GQL) -> None:
    await metric(gql, "points")
    await metric(gql, "wins")
    await board(gql, "b", [("points", 1), ("wins", 0)], tieBreak={"metric": "wins"})
    response = await gql(WEIGHTS, {"key": "b", "weights": [{"metric": "points", "weight": 2}]})
    assert error_code(response) == "BAD_USER_INPUT"
    found = data(await gql('{ leaderboard(key: "b") { metrics { metric weight } } }'))
    assert found["leaderboard"]["metrics"] == [
        {"metric": "points", "weight": 1.0}, {"metric": "wins", "weight": 0.0}
    ]  # fmt: skip
    # Changing the tie-break and the weights in one update is fine.
    both = {"metrics": [{"metric": "points", "weight": 2}], "tieBreak": {"earliestToReach": True}}
    assert data(await gql(UPDATE, {"key": "b", "input": both}))


async def test_a_participant_with_only_tracked_metrics_is_not_ranked(
    gql: GQL, deps: Deps, tenant: TenantRef
) -> None:
    await metric(gql, "points")
    await metric(gql, "wins")
    await board(gql, "b", [("points", 1), ("wins", 0)], tieBreak={"metric": "wins"},
                sortOrder="ASC")  # fmt: skip
    a, b = await add(gql, "A"), await add(gql, "B")
    await record(gql, (a, "points", 3), (b, "wins", 9))  # B: only a tracked metric
    assert await names(gql, "b") == [("A", 1)]  # B (score 0) would lead an ASC board
    definition = await deps.definitions.board(tenant.id, "b")
    assert await verify(deps, definition, "all", 10) == []
    data(await gql(WEIGHTS, {"key": "b", "weights": [{"metric": "points", "weight": 2},
                                                      {"metric": "wins", "weight": 0}]}))  # fmt: skip
    assert await names(gql, "b") == [("A", 1)]  # re-scored from events: the same
    await record(gql, (b, "points", 5))
    assert await names(gql, "b") == [("A", 1), ("B", 2)]


async def test_adjust_points_answers_in_the_boards_rank_mode(gql: GQL) -> None:
    data(await gql(UPDATE, {"key": "points", "input": {"rankMode": "ORDINAL"}}))
    a, b = await add(gql, "A"), await add(gql, "B")
    assert (await adjust(gql, a, 5))["rank"] == 1
    assert (await adjust(gql, b, 5))["rank"] == 2  # tied, listed after A (COMPETITION: 1)
    assert await names(gql, "points") == [("A", 1), ("B", 2)]


async def test_the_keeper_fills_missing_levels_of_a_dense_board(
    gql: GQL, deps: Deps, tenant: TenantRef
) -> None:
    await metric(gql, "m")
    await board(gql, "b", [("m", 1)], rankMode="DENSE")
    people = [await add(gql, f"P{i}") for i in range(7)]
    await record(gql, *((p, "m", v) for p, v in zip(people, [9, 9, 7, 5, 5, 5, 1], strict=True)))
    definition = await deps.definitions.board(tenant.id, "b")
    ref = definition.ref("all")
    keys = deps.store.keys(ref)
    await deps.store.redis.delete(keys.levels, keys.levels_ready)  # as before this version
    entries = await deps.store.entries(ref, [int(p) for p in people])
    assert [e.dense for e in entries.values() if e] == [None] * 7  # unknown: not made up
    assert await names(gql, "b") == list(zip([f"P{i}" for i in range(7)],
                                             [1, 1, 2, 3, 3, 3, 4], strict=True))  # fmt: skip
    deps.keeper.batch = 2  # several slices
    assert ref in await deps.keeper.check()
    entries = await deps.store.entries(ref, [int(p) for p in people])
    assert [e.dense for e in entries.values() if e] == [1, 1, 2, 3, 3, 3, 4]
    assert ref not in await deps.keeper.check()  # complete: nothing more to do
