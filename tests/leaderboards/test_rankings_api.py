"""Reading rankings and moving scores, as a client of the GraphQL API sees them."""

from __future__ import annotations

from typing import Any

from app.scoring.models import ScoreEvent, Standing
from tests.conftest import GQL, error_code

ADD = "mutation($input: AddParticipantInput!) { addParticipant(input: $input) { id } }"
ADJUST = "mutation($id: ID!, $delta: Float!, $key: String) { adjustPoints(participantId: $id, delta: $delta, idempotencyKey: $key) { rank score participant { id name } } }"
ENTRIES = "query($first: Int!, $after: String) { leaderboard { entries(first: $first, after: $after) { totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { rank score participant { name } } } } } }"
ENTRY = "query($id: ID!) { leaderboard { entry(participantId: $id) { rank score participant { id name } } } }"
AROUND = "query($id: ID!, $radius: Int!) { leaderboard { around(participantId: $id, radius: $radius) { rank score participant { name } } } }"
SIZE = "{ leaderboard { key name period size } }"
GROUPS = "query($first: Int!, $after: Float) { scoreGroups(first: $first, after: $after) { score count averageAge } }"
GROUP_MEMBERS = "query($first: Int!, $after: String) { scoreGroups { score participants(first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { name } } } } }"


def data(response: dict[str, Any]) -> dict[str, Any]:
    assert "errors" not in response, response
    result: dict[str, Any] = response["data"]
    return result


async def add(gql: GQL, name: str, points: float = 0, age: int | None = None) -> str:
    """Add a participant with ``points`` points; returns its id."""
    response = await gql(ADD, {"input": {"name": name, "age": age}})
    pid: str = data(response)["addParticipant"]["id"]
    if points:
        await adjust(gql, pid, points)
    return pid


async def ladder(gql: GQL, size: int) -> list[str]:
    """Participants P0..P(size-1) with distinct scores, P0 best; returns their ids."""
    return [await add(gql, f"P{i}", 100 - i) for i in range(size)]


async def adjust(gql: GQL, pid: str, delta: float, key: str | None = None) -> dict[str, Any]:
    response = await gql(ADJUST, {"id": pid, "delta": delta, "key": key})
    entry: dict[str, Any] = data(response)["adjustPoints"]
    return entry


async def page(gql: GQL, first: int, after: str | None = None) -> dict[str, Any]:
    response = await gql(ENTRIES, {"first": first, "after": after})
    entries: dict[str, Any] = data(response)["leaderboard"]["entries"]
    return entries


def rows(entries: dict[str, Any]) -> list[tuple[str, int, float]]:
    """(name, rank, score) of each entry of a page, in order."""
    return [
        (e["node"]["participant"]["name"], e["node"]["rank"], e["node"]["score"])
        for e in entries["edges"]
    ]


async def standings(gql: GQL) -> list[tuple[str, int, float]]:
    return rows(await page(gql, 100))


async def walk(gql: GQL, first: int) -> list[tuple[str, int, float]]:
    """Every entry, page by page, following ``endCursor``."""
    seen: list[tuple[str, int, float]] = []
    after = None
    while True:
        current = await page(gql, first, after)
        seen += rows(current)
        if not current["pageInfo"]["hasNextPage"]:
            return seen
        after = current["pageInfo"]["endCursor"]


async def around(gql: GQL, pid: str, radius: int) -> list[tuple[str, int]]:
    response = await gql(AROUND, {"id": pid, "radius": radius})
    return [(e["participant"]["name"], e["rank"]) for e in data(response)["leaderboard"]["around"]]


async def groups(gql: GQL, first: int = 100, after: float | None = None) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = data(await gql(GROUPS, {"first": first, "after": after}))[
        "scoreGroups"
    ]
    return found


# entries: order and ranks


async def test_higher_score_ranks_first(gql: GQL) -> None:
    await add(gql, "Low", 1)
    await add(gql, "High", 30)
    await add(gql, "Mid", 20)

    assert await standings(gql) == [("High", 1, 30), ("Mid", 2, 20), ("Low", 3, 1)]


async def test_equal_scores_share_a_rank_and_the_next_rank_skips(gql: GQL) -> None:
    await add(gql, "A", 30)
    await add(gql, "B", 20)
    await add(gql, "C", 20)
    await add(gql, "D", 10)

    assert [rank for _, rank, _ in await standings(gql)] == [1, 2, 2, 4]


async def test_tie_for_first_shares_rank_one(gql: GQL) -> None:
    await add(gql, "A", 10)
    await add(gql, "B", 10)
    await add(gql, "C", 5)

    assert await standings(gql) == [("A", 1, 10), ("B", 1, 10), ("C", 3, 5)]


async def test_ties_are_listed_by_ascending_participant_id(gql: GQL) -> None:
    older = await add(gql, "Zed")
    newer = await add(gql, "Abe")
    await adjust(gql, newer, 5)  # reaches the score first
    await adjust(gql, older, 5)

    assert [name for name, _, _ in await standings(gql)] == ["Zed", "Abe"]
    assert int(older) < int(newer)


async def test_negative_scores_rank_below_zero(gql: GQL) -> None:
    await add(gql, "Minus", -4)
    await add(gql, "Zero")
    await add(gql, "Plus", 1)

    assert await standings(gql) == [("Plus", 1, 1), ("Zero", 2, 0), ("Minus", 3, -4)]


async def test_empty_leaderboard_has_no_entries(gql: GQL) -> None:
    entries = await page(gql, 10)

    assert (entries["totalCount"], entries["edges"]) == (0, [])
    assert entries["pageInfo"]["hasNextPage"] is False
    assert entries["pageInfo"]["endCursor"] is None


# entries: paging


async def test_paging_with_after_walks_every_entry_exactly_once(gql: GQL) -> None:
    for name, points in [("A", 5), ("B", 9), ("C", 5), ("D", 0), ("E", 9), ("F", 5), ("G", 1)]:
        await add(gql, name, points)

    walked = await walk(gql, 2)

    assert walked == await standings(gql)
    assert sorted(name for name, _, _ in walked) == list("ABCDEFG")


async def test_page_info_reports_neighbours_and_total(gql: GQL) -> None:
    for i in range(5):
        await add(gql, f"P{i}", 10 - i)

    first = await page(gql, 2)
    last = await page(gql, 2, (await page(gql, 4))["pageInfo"]["endCursor"])

    assert first["totalCount"] == last["totalCount"] == 5
    assert (first["pageInfo"]["hasPreviousPage"], first["pageInfo"]["hasNextPage"]) == (
        False,
        True,
    )
    assert (last["pageInfo"]["hasPreviousPage"], last["pageInfo"]["hasNextPage"]) == (True, False)
    assert first["pageInfo"]["startCursor"] == first["edges"][0]["cursor"]
    assert rows(last) == [("P4", 5, 6)]


async def test_tie_across_a_page_boundary_keeps_its_shared_rank(gql: GQL) -> None:
    for name in "ABC":
        await add(gql, name, 10)
    await add(gql, "D", 1)

    second = await page(gql, 2, (await page(gql, 2))["pageInfo"]["endCursor"])

    assert rows(second) == [("C", 1, 10), ("D", 4, 1)]


async def test_paging_continues_where_it_was_when_the_cursor_entry_moves_up(gql: GQL) -> None:
    ids = {
        name: await add(gql, name, points)
        for name, points in [("A", 50), ("B", 40), ("C", 30), ("D", 20), ("E", 10)]
    }
    first = await page(gql, 2)
    assert [name for name, _, _ in rows(first)] == ["A", "B"]

    await adjust(gql, ids["B"], 100)
    rest = await page(gql, 2, first["pageInfo"]["endCursor"])

    assert rows(rest) == [("C", 3, 30), ("D", 4, 20)]
    assert rows(await page(gql, 2, rest["pageInfo"]["endCursor"])) == [("E", 5, 10)]


async def test_paging_continues_where_it_was_when_the_cursor_entry_drops(gql: GQL) -> None:
    ids = {
        name: await add(gql, name, points)
        for name, points in [("A", 50), ("B", 40), ("C", 30), ("D", 20)]
    }
    first = await page(gql, 2)

    await adjust(gql, ids["B"], -35)
    rest = await page(gql, 10, first["pageInfo"]["endCursor"])

    assert [name for name, _, _ in rows(rest)] == ["C", "D", "B"]


async def test_paging_continues_after_the_cursor_entry_is_deleted(gql: GQL) -> None:
    ids = {name: await add(gql, name, points) for name, points in [("A", 3), ("B", 2), ("C", 1)]}
    first = await page(gql, 2)

    data(await gql("mutation($id: ID!) { deleteParticipant(id: $id) }", {"id": ids["B"]}))
    rest = await page(gql, 2, first["pageInfo"]["endCursor"])

    assert rows(rest) == [("C", 2, 1)]
    assert rest["totalCount"] == 2


# entry, around, size


async def test_entry_gives_one_participants_rank_and_score(gql: GQL) -> None:
    await add(gql, "A", 9)
    b = await add(gql, "B", 4)

    response = await gql(ENTRY, {"id": b})

    assert data(response)["leaderboard"]["entry"] == {
        "rank": 2,
        "score": 4,
        "participant": {"id": b, "name": "B"},
    }


async def test_entry_of_an_unknown_participant_is_null(gql: GQL) -> None:
    await add(gql, "A", 9)

    assert data(await gql(ENTRY, {"id": "999999"}))["leaderboard"]["entry"] is None


async def test_around_the_leader_shows_only_entries_below(gql: GQL) -> None:
    ids = await ladder(gql, 6)

    assert await around(gql, ids[0], 2) == [("P0", 1), ("P1", 2), ("P2", 3)]


async def test_around_the_middle_shows_radius_entries_on_each_side(gql: GQL) -> None:
    ids = await ladder(gql, 7)

    assert await around(gql, ids[3], 2) == [("P1", 2), ("P2", 3), ("P3", 4), ("P4", 5), ("P5", 6)]


async def test_around_the_last_shows_only_entries_above(gql: GQL) -> None:
    ids = await ladder(gql, 6)

    assert await around(gql, ids[5], 2) == [("P3", 4), ("P4", 5), ("P5", 6)]


async def test_around_with_radius_zero_is_the_entry_alone(gql: GQL) -> None:
    ids = await ladder(gql, 3)

    assert await around(gql, ids[1], 0) == [("P1", 2)]


async def test_around_keeps_shared_ranks_of_ties(gql: GQL) -> None:
    await add(gql, "A", 5)
    b = await add(gql, "B", 5)
    await add(gql, "C", 5)

    assert await around(gql, b, 1) == [("A", 1), ("B", 1), ("C", 1)]


async def test_around_an_unknown_participant_is_empty(gql: GQL) -> None:
    await ladder(gql, 3)

    assert await around(gql, "999999", 2) == []


async def test_size_counts_every_ranked_participant_including_zero_points(gql: GQL) -> None:
    await add(gql, "A", 3)
    await add(gql, "B")
    await add(gql, "C", -1)

    assert data(await gql(SIZE))["leaderboard"] == {
        "key": "points",
        "name": "Points",
        "period": "all",
        "size": 3,
    }


async def test_unknown_leaderboard_is_not_found(gql: GQL) -> None:
    response = await gql('{ leaderboard(key: "nope") { size } }')

    assert error_code(response) == "NOT_FOUND"
    assert response["data"] is None


async def test_score_groups_of_an_unknown_leaderboard_are_not_found(gql: GQL) -> None:
    response = await gql('{ scoreGroups(leaderboard: "nope") { score } }')

    assert error_code(response) == "NOT_FOUND"


# scoreGroups


async def test_score_groups_are_ordered_best_score_first_with_counts(gql: GQL) -> None:
    for name, points in [("A", 5), ("B", 9), ("C", 5), ("D", -2), ("E", 5)]:
        await add(gql, name, points, age=30)

    found = [(g["score"], g["count"]) for g in await groups(gql)]

    assert found == [(9, 1), (5, 3), (-2, 1)]


async def test_zero_point_participants_form_a_group(gql: GQL) -> None:
    await add(gql, "A", 2, age=40)
    await add(gql, "B", age=20)
    await add(gql, "C", age=22)

    assert await groups(gql) == [
        {"score": 2, "count": 1, "averageAge": 40},
        {"score": 0, "count": 2, "averageAge": 21},
    ]


async def test_average_age_is_exact_to_two_decimals(gql: GQL) -> None:
    for name, age in [("A", 20), ("B", 21), ("C", 21)]:
        await add(gql, name, 7, age=age)

    assert (await groups(gql))[0]["averageAge"] == 20.67


async def test_average_age_rounds_half_up(gql: GQL) -> None:
    for i, age in enumerate([20] * 7 + [21]):  # 161 / 8 = 20.125
        await add(gql, f"P{i}", 1, age=age)

    assert (await groups(gql))[0]["averageAge"] == 20.13


async def test_participants_without_an_age_are_left_out_of_the_average(gql: GQL) -> None:
    await add(gql, "A", 3, age=20)
    await add(gql, "B", 3)
    await add(gql, "C", 3, age=23)

    assert await groups(gql) == [{"score": 3, "count": 3, "averageAge": 21.5}]


async def test_group_where_nobody_has_an_age_has_no_average(gql: GQL) -> None:
    await add(gql, "A", 3)
    await add(gql, "B", 3)

    assert await groups(gql) == [{"score": 3, "count": 2, "averageAge": None}]


async def test_score_groups_page_by_the_last_score_seen(gql: GQL) -> None:
    for name, points in [("A", 1), ("B", 2), ("C", 3), ("D", 4), ("E", 5)]:
        await add(gql, name, points)

    first = await groups(gql, first=2)
    rest = await groups(gql, first=2, after=first[-1]["score"])

    assert [g["score"] for g in first] == [5, 4]
    assert [g["score"] for g in rest] == [3, 2]
    assert [g["score"] for g in await groups(gql, first=2, after=rest[-1]["score"])] == [1]


async def test_group_participants_page_in_id_order(gql: GQL) -> None:
    for name in "ABCDE":
        await add(gql, name, 4)
    await add(gql, "Other", 1)

    seen: list[str] = []
    after = None
    while True:
        response = await gql(GROUP_MEMBERS, {"first": 2, "after": after})
        top = data(response)["scoreGroups"][0]["participants"]
        assert top["totalCount"] == 5
        seen += [e["node"]["name"] for e in top["edges"]]
        if not top["pageInfo"]["hasNextPage"]:
            break
        after = top["pageInfo"]["endCursor"]

    assert seen == list("ABCDE")


# adjustPoints


async def test_adjust_points_returns_the_new_entry(gql: GQL) -> None:
    await add(gql, "A", 5)
    b = await add(gql, "B")

    entry = await adjust(gql, b, 7)

    assert entry == {"rank": 1, "score": 7, "participant": {"id": b, "name": "B"}}


async def test_positive_and_negative_deltas_move_ranks(gql: GQL) -> None:
    a = await add(gql, "A", 10)
    b = await add(gql, "B", 5)
    await add(gql, "C", 1)
    assert await standings(gql) == [("A", 1, 10), ("B", 2, 5), ("C", 3, 1)]

    assert (await adjust(gql, b, 6))["rank"] == 1
    assert (await adjust(gql, a, -10))["rank"] == 3
    assert await standings(gql) == [("B", 1, 11), ("C", 2, 1), ("A", 3, 0)]


async def test_repeated_idempotency_key_applies_once_and_returns_the_same_entry(gql: GQL) -> None:
    pid = await add(gql, "A")

    first = await adjust(gql, pid, 3, key="order-1")
    again = await adjust(gql, pid, 3, key="order-1")

    assert again == first
    assert first["score"] == 3
    assert await ScoreEvent.filter(participant_id=int(pid)).count() == 1
    assert await Standing.filter(participant_id=int(pid)).values_list("score", flat=True) == [3]


async def test_different_idempotency_keys_each_apply(gql: GQL) -> None:
    pid = await add(gql, "A")

    await adjust(gql, pid, 3, key="order-1")
    entry = await adjust(gql, pid, 3, key="order-2")

    assert entry["score"] == 6


async def test_reusing_an_idempotency_key_with_a_different_delta_is_a_conflict(gql: GQL) -> None:
    pid = await add(gql, "A")
    await adjust(gql, pid, 3, key="order-1")

    response = await gql(ADJUST, {"id": pid, "delta": 4, "key": "order-1"})

    assert error_code(response) == "CONFLICT"
    assert response["errors"][0]["extensions"]["field"] == "idempotencyKey"
    assert await standings(gql) == [("A", 1, 3)]
    assert await ScoreEvent.filter(participant_id=int(pid)).count() == 1


async def test_reusing_an_idempotency_key_for_another_participant_is_a_conflict(gql: GQL) -> None:
    a = await add(gql, "A")
    b = await add(gql, "B")
    await adjust(gql, a, 3, key="order-1")

    response = await gql(ADJUST, {"id": b, "delta": 3, "key": "order-1"})

    assert error_code(response) == "CONFLICT"
    assert await standings(gql) == [("A", 1, 3), ("B", 2, 0)]
