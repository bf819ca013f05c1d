"""The participant API as a client sees it: add, update, delete, look up and list."""

from __future__ import annotations

from typing import Any

from app.participants.models import Participant as ParticipantRow
from app.scoring.models import ScoreEvent, Standing
from app.tenancy.service import ensure_tenant
from tests.conftest import GQL, error_code

FIELDS = "id externalId name age address participantType metadata points rank"
ADD = f"mutation($input: AddParticipantInput!) {{ addParticipant(input: $input) {{ {FIELDS} }} }}"
UPDATE = f"mutation($id: ID!, $input: UpdateParticipantInput!) {{ updateParticipant(id: $id, input: $input) {{ {FIELDS} }} }}"
DELETE = "mutation($id: ID!) { deleteParticipant(id: $id) }"
ADJUST = "mutation($id: ID!, $delta: Float!) { adjustPoints(participantId: $id, delta: $delta) { score } }"
GET = f"query($id: ID!) {{ participant(id: $id) {{ {FIELDS} }} }}"
LIST = "query($first: Int!, $after: String) { participants(first: $first, after: $after) { totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { id name } } } }"
BOARD = "query($id: ID!) { leaderboard { size entry(participantId: $id) { rank } entries(first: 100) { edges { node { rank participant { id } } } } } }"


def data(response: dict[str, Any]) -> dict[str, Any]:
    assert "errors" not in response, response
    result: dict[str, Any] = response["data"]
    return result


async def add(gql: GQL, name: str = "Ada", points: float = 0, **fields: Any) -> dict[str, Any]:
    """Add a participant (``fields`` as in ``AddParticipantInput``), then give it ``points``."""
    added: dict[str, Any] = data(await gql(ADD, {"input": {"name": name, **fields}}))[
        "addParticipant"
    ]
    if points:
        data(await gql(ADJUST, {"id": added["id"], "delta": points}))
    return added


async def get(gql: GQL, pid: str) -> dict[str, Any] | None:
    found: dict[str, Any] | None = data(await gql(GET, {"id": pid}))["participant"]
    return found


async def list_page(gql: GQL, first: int, after: str | None = None) -> dict[str, Any]:
    page: dict[str, Any] = data(await gql(LIST, {"first": first, "after": after}))["participants"]
    return page


# addParticipant


async def test_new_participant_starts_at_zero_points_and_is_ranked_at_once(gql: GQL) -> None:
    leader = await add(gql, "Leader", points=5)

    newcomer = await add(gql, "Newcomer")

    assert (newcomer["points"], newcomer["rank"]) == (0, 2)
    board = data(await gql(BOARD, {"id": newcomer["id"]}))["leaderboard"]
    assert board["size"] == 2
    assert board["entry"] == {"rank": 2}
    ranked = [e["node"]["participant"]["id"] for e in board["entries"]["edges"]]
    assert ranked == [leader["id"], newcomer["id"]]


async def test_new_participant_keeps_every_given_field(gql: GQL) -> None:
    added = await add(
        gql, "Ada Lovelace", age=36, address="12 St James's Square, London", externalId="ext-1"
    )

    assert added["name"] == "Ada Lovelace"
    assert added["age"] == 36
    assert added["address"] == "12 St James's Square, London"
    assert added["externalId"] == "ext-1"
    assert added["participantType"] == "individual"
    assert await get(gql, added["id"]) == added


async def test_optional_fields_default_to_empty(gql: GQL) -> None:
    added = await add(gql, "Bare")

    assert (added["age"], added["address"], added["externalId"], added["metadata"]) == (
        None,
        "",
        None,
        {},
    )


async def test_name_is_stored_without_surrounding_whitespace(gql: GQL) -> None:
    added = await add(gql, "  Grace Hopper \n")

    assert added["name"] == "Grace Hopper"


async def test_metadata_json_round_trips_unchanged(gql: GQL) -> None:
    metadata = {
        "team": "red",
        "tags": ["fast", "left-handed"],
        "level": 3,
        "ratio": 0.25,
        "active": True,
        "coach": None,
        "nested": {"unicode": "Zoë ✓", "list": [{"a": 1}, []]},
    }

    added = await add(gql, "Meta", metadata=metadata)

    assert added["metadata"] == metadata
    assert (await get(gql, added["id"]) or {})["metadata"] == metadata


async def test_external_id_already_taken_is_a_conflict_and_adds_nobody(gql: GQL) -> None:
    first = await add(gql, "First", externalId="ext-1")

    response = await gql(ADD, {"input": {"name": "Second", "externalId": "ext-1"}})

    assert error_code(response) == "CONFLICT"
    assert await ParticipantRow.all().values_list("id", flat=True) == [int(first["id"])]
    assert await Standing.all().count() == 1


async def test_participants_without_external_id_never_conflict(gql: GQL) -> None:
    await add(gql, "One")
    await add(gql, "Two")

    assert (await list_page(gql, 10))["totalCount"] == 2


async def test_external_id_is_unique_per_tenant_only(gql: GQL) -> None:
    other = await ensure_tenant("other")
    await add(gql, "Here", externalId="ext-1")

    response = await gql(ADD, {"input": {"name": "There", "externalId": "ext-1"}}, as_tenant=other)

    assert data(response)["addParticipant"]["externalId"] == "ext-1"


# updateParticipant


async def test_update_changes_only_the_given_fields(gql: GQL) -> None:
    before = await add(
        gql, "Ada", points=7, age=36, address="London", externalId="ext-1", metadata={"a": 1}
    )

    assert await get(gql, before["id"]) == {**before, "points": 7, "rank": 1}

    response = await gql(UPDATE, {"id": before["id"], "input": {"address": "Marylebone"}})

    after = data(response)["updateParticipant"]
    assert after == {**before, "address": "Marylebone", "points": 7}
    assert await get(gql, before["id"]) == after


async def test_update_replaces_several_fields_at_once(gql: GQL) -> None:
    before = await add(gql, "Ada", age=36, metadata={"a": 1})
    change = {"name": "Ada King", "age": 37, "externalId": "ext-9", "metadata": {"b": [2]}}

    after = data(await gql(UPDATE, {"id": before["id"], "input": change}))["updateParticipant"]

    assert {k: after[k] for k in change} == change
    assert after["address"] == before["address"]


async def test_update_with_null_age_clears_the_age(gql: GQL) -> None:
    added = await add(gql, "Ada", age=36)

    response = await gql(UPDATE, {"id": added["id"], "input": {"age": None}})

    assert data(response)["updateParticipant"]["age"] is None
    assert (await get(gql, added["id"]) or {})["age"] is None
    assert (await ParticipantRow.get(id=int(added["id"]))).age is None


async def test_update_leaves_points_and_rank_alone(gql: GQL) -> None:
    await add(gql, "Leader", points=10)
    added = await add(gql, "Ada", points=3)

    response = await gql(UPDATE, {"id": added["id"], "input": {"name": "Ada K"}})

    updated = data(response)["updateParticipant"]
    assert (updated["points"], updated["rank"]) == (3, 2)


async def test_update_to_an_external_id_already_taken_is_a_conflict(gql: GQL) -> None:
    await add(gql, "First", externalId="ext-1")
    second = await add(gql, "Second", externalId="ext-2")

    response = await gql(UPDATE, {"id": second["id"], "input": {"externalId": "ext-1"}})

    assert error_code(response) == "CONFLICT"
    assert await get(gql, second["id"]) == second


async def test_update_of_an_unknown_participant_is_not_found(gql: GQL) -> None:
    await add(gql, "Ada")

    response = await gql(UPDATE, {"id": "999999", "input": {"name": "Nobody"}})

    assert error_code(response) == "NOT_FOUND"
    assert await ParticipantRow.filter(name="Nobody").count() == 0


async def test_empty_update_of_an_unknown_participant_is_not_found(gql: GQL) -> None:
    response = await gql(UPDATE, {"id": "999999", "input": {}})

    assert error_code(response) == "NOT_FOUND"


# deleteParticipant


async def test_delete_returns_the_id_and_the_participant_is_gone(gql: GQL) -> None:
    kept = await add(gql, "Kept")
    doomed = await add(gql, "Doomed")

    response = await gql(DELETE, {"id": doomed["id"]})

    assert data(response)["deleteParticipant"] == doomed["id"]
    assert await get(gql, doomed["id"]) is None
    page = await list_page(gql, 10)
    assert [e["node"]["id"] for e in page["edges"]] == [kept["id"]]
    assert page["totalCount"] == 1


async def test_deleted_participant_leaves_the_leaderboard_and_others_move_up(gql: GQL) -> None:
    doomed = await add(gql, "Doomed", points=10)
    kept = await add(gql, "Kept", points=5)
    assert data(await gql(BOARD, {"id": doomed["id"]}))["leaderboard"]["size"] == 2

    data(await gql(DELETE, {"id": doomed["id"]}))

    board = data(await gql(BOARD, {"id": doomed["id"]}))["leaderboard"]
    assert board["size"] == 1
    assert board["entry"] is None
    assert [e["node"] for e in board["entries"]["edges"]] == [
        {"rank": 1, "participant": {"id": kept["id"]}}
    ]


async def test_delete_removes_score_events_and_standings_rows(gql: GQL) -> None:
    doomed = await add(gql, "Doomed", points=10)
    data(await gql(ADJUST, {"id": doomed["id"], "delta": -3}))
    kept = await add(gql, "Kept", points=5)

    data(await gql(DELETE, {"id": doomed["id"]}))

    assert await ScoreEvent.filter(participant_id=int(doomed["id"])).count() == 0
    assert await Standing.filter(participant_id=int(doomed["id"])).count() == 0
    assert await ScoreEvent.filter(participant_id=int(kept["id"])).count() == 1
    assert await Standing.filter(participant_id=int(kept["id"])).values_list(
        "score", flat=True
    ) == [5]


async def test_delete_of_an_unknown_participant_is_not_found(gql: GQL) -> None:
    await add(gql, "Kept")

    response = await gql(DELETE, {"id": "999999"})

    assert error_code(response) == "NOT_FOUND"
    assert await ParticipantRow.all().count() == 1


async def test_deleting_twice_is_not_found_the_second_time(gql: GQL) -> None:
    doomed = await add(gql, "Doomed")
    data(await gql(DELETE, {"id": doomed["id"]}))

    response = await gql(DELETE, {"id": doomed["id"]})

    assert error_code(response) == "NOT_FOUND"


# participant(id)


async def test_participant_lookup_of_an_absent_id_is_null(gql: GQL) -> None:
    await add(gql, "Ada")

    assert await get(gql, "999999") is None


async def test_participant_of_another_tenant_is_invisible(gql: GQL) -> None:
    other = await ensure_tenant("other")
    theirs = data(await gql(ADD, {"input": {"name": "Theirs"}}, as_tenant=other))

    assert await get(gql, theirs["addParticipant"]["id"]) is None
    assert (await list_page(gql, 10))["totalCount"] == 0


# participants(first, after)


async def test_paging_walks_every_participant_exactly_once_oldest_first(gql: GQL) -> None:
    ids = [(await add(gql, f"P{i}"))["id"] for i in range(7)]

    seen: list[str] = []
    pages: list[tuple[int, bool, bool]] = []
    after = None
    while True:
        page = await list_page(gql, 3, after)
        seen += [e["node"]["id"] for e in page["edges"]]
        info = page["pageInfo"]
        pages.append((page["totalCount"], info["hasNextPage"], info["hasPreviousPage"]))
        assert info["endCursor"] == page["edges"][-1]["cursor"]
        if not info["hasNextPage"]:
            break
        after = info["endCursor"]

    assert seen == ids
    assert pages == [(7, True, False), (7, True, True), (7, False, True)]


async def test_page_that_ends_exactly_at_the_last_participant_has_no_next_page(gql: GQL) -> None:
    for i in range(4):
        await add(gql, f"P{i}")

    first = await list_page(gql, 2)
    second = await list_page(gql, 2, first["pageInfo"]["endCursor"])

    assert first["pageInfo"]["hasNextPage"] is True
    assert len(second["edges"]) == 2
    assert second["pageInfo"]["hasNextPage"] is False


async def test_paging_continues_after_a_deleted_participants_cursor(gql: GQL) -> None:
    _, b, c = [(await add(gql, name))["id"] for name in "ABC"]
    cursor = (await list_page(gql, 2))["pageInfo"]["endCursor"]

    data(await gql(DELETE, {"id": b}))
    page = await list_page(gql, 2, cursor)

    assert [e["node"]["id"] for e in page["edges"]] == [c]
    assert page["totalCount"] == 2


async def test_listing_with_nobody_is_an_empty_page(gql: GQL) -> None:
    page = await list_page(gql, 10)

    assert page == {
        "totalCount": 0,
        "pageInfo": {
            "hasNextPage": False,
            "hasPreviousPage": False,
            "startCursor": None,
            "endCursor": None,
        },
        "edges": [],
    }


SEARCH = "query($q: String!, $first: Int! = 10) { searchParticipants(query: $q, first: $first) { id name } }"


async def search(gql: GQL, text: str, first: int = 10) -> list[str]:
    found = data(await gql(SEARCH, {"q": text, "first": first}))["searchParticipants"]
    return [p["name"] for p in found]


async def test_search_finds_names_by_prefix_in_any_case_best_matches_first(gql: GQL) -> None:
    for name in ("Grace Hopper", "grace kelly", "Ada Lovelace", "Margrace"):
        await add(gql, name)
    exact = await add(gql, "Zed", externalId="grace")

    assert await search(gql, "  GRACE ") == ["Grace Hopper", "grace kelly"]
    assert await search(gql, "grace") == ["Zed", "Grace Hopper", "grace kelly"]  # (its id)
    assert await search(gql, exact["id"]) == ["Zed"]
    assert await search(gql, "grace", first=2) == ["Zed", "Grace Hopper"]
    assert await search(gql, "nobody") == []


async def test_search_treats_like_wildcards_as_plain_characters(gql: GQL) -> None:
    await add(gql, "Ada")
    await add(gql, "100% Alan")

    assert await search(gql, "%") == []
    assert await search(gql, "_") == []
    assert await search(gql, "100%") == ["100% Alan"]


async def test_search_refuses_blank_or_oversized_queries_and_pages(gql: GQL) -> None:
    for text, first in (("   ", 10), ("x" * 101, 10), ("a", 21), ("a", 0), ("a\x00", 10)):
        assert error_code(await gql(SEARCH, {"q": text, "first": first})) == "BAD_USER_INPUT"


async def test_search_never_finds_another_tenants_participants(gql: GQL) -> None:
    await add(gql, "Grace Hopper")
    other = await ensure_tenant("other-school")
    await ParticipantRow.create(tenant_id=other.id, name="Grace Other")

    assert await search(gql, "grace") == ["Grace Hopper"]
