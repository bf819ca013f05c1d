"""Groups (classes, subjects, campuses) and boards scoped by them: one definition ranks
every class among its own members; a move between classes moves the pupil's standing."""

from __future__ import annotations

from typing import Any

from app.deps import Deps
from app.scoring.service import adjust_points
from app.tenancy.service import TenantRef, create_tenant
from tests.conftest import GQL, error_code
from tests.factories import participant
from tests.leaderboards.test_rankings_api import data

DEFINE = """mutation($groups: [GroupInput!]!) {
  defineGroups(groups: $groups) { key kind name memberCount } }"""
SET = """mutation($m: [MembershipInput!]!) {
  setMemberships(memberships: $m) { participants added removed } }"""
GROUPS = """query($kind: String, $first: Int!, $after: String) {
  groups(kind: $kind, first: $first, after: $after) {
    edges { cursor node { key kind name memberCount } } pageInfo { hasNextPage endCursor } } }"""
PARTICIPANT_GROUPS = """query($id: ID!, $kind: String) {
  participant(id: $id) { groups(kind: $kind) { key kind } } }"""
BOARD = """query($group: String, $id: ID!) { leaderboard(key: "class-points", group: $group) {
  size group { key } scope
  entries(first: 10) { edges { node { rank score participant { name } } } }
  around(participantId: $id, radius: 1) { rank participant { name } }
  entry(participantId: $id) { rank percentile } } }"""
STANDINGS = """query($first: Int!, $after: String, $kind: String) {
  groupStandings(leaderboard: "class-points", kind: $kind, first: $first, after: $after) {
    edges { cursor node { rank score members group { key } } } pageInfo { hasNextPage } } }"""
CLASSES = [
    {"key": "7A", "kind": "CLASS", "name": "Class 7A"},
    {"key": "7B", "kind": "CLASS", "name": "Class 7B"},
    {"key": "7C", "kind": "CLASS", "name": "Class 7C"},
    {"key": "maths", "kind": "SUBJECT", "name": "Mathematics"},
    {"key": "art", "kind": "SUBJECT", "name": "Art"},
]


async def define_scoped_board(gql: GQL, group_score: str = "SUM") -> None:
    data(
        await gql(
            'mutation($how: GroupScore!) { defineLeaderboard(key: "class-points", input: {'
            ' name: "Points by class", metrics: [{metric: "points"}], scope: "CLASS",'
            " groupScore: $how}) { key scope groupScore } }",
            {"how": group_score},
        )
    )


async def school(gql: GQL, deps: Deps, tenant: TenantRef) -> dict[str, int]:
    """Six pupils with points 60, 50 ... 10: Ann, Ben in 7A; Cat, Dan, Eve in 7B; Fay in 7C;
    everyone takes maths; Ann and Cat take art too."""
    names = ["Ann", "Ben", "Cat", "Dan", "Eve", "Fay"]
    ids = {
        n: await participant(deps, tenant.id, n, points=60 - 10 * i) for i, n in enumerate(names)
    }
    data(await gql(DEFINE, {"groups": CLASSES}))
    classes = {"Ann": "7A", "Ben": "7A", "Cat": "7B", "Dan": "7B", "Eve": "7B", "Fay": "7C"}
    rows: list[dict[str, Any]] = [
        {"participantId": str(ids[n]), "kind": "CLASS", "groups": [c]} for n, c in classes.items()
    ]
    rows += [
        {"participantId": str(ids[n]), "kind": "SUBJECT", "groups": ["maths", "art"]}
        for n in ("Ann", "Cat")
    ] + [
        {"participantId": str(ids[n]), "kind": "SUBJECT", "groups": ["maths"]}
        for n in ("Ben", "Dan", "Eve", "Fay")
    ]
    found = data(await gql(SET, {"m": rows}))["setMemberships"]
    assert found == {"participants": 6, "added": 14, "removed": 0}
    return ids


async def group_rows(gql: GQL) -> list[tuple[str, str, str, int]]:
    edges = data(await gql(GROUPS, {"first": 100}))["groups"]["edges"]
    return [(e["node"]["key"], e["node"]["kind"], e["node"]["name"], e["node"]["memberCount"])
            for e in edges]  # fmt: skip


async def board(gql: GQL, group: str | None, pid: int) -> dict[str, Any]:
    found: dict[str, Any] = data(await gql(BOARD, {"group": group, "id": str(pid)}))["leaderboard"]
    return found


def names(found: dict[str, Any]) -> list[tuple[int, str, float]]:
    return [
        (e["node"]["rank"], e["node"]["participant"]["name"], e["node"]["score"])
        for e in found["entries"]["edges"]
    ]


async def test_groups_are_defined_in_bulk_listed_by_kind_and_renamed_by_key(
    gql: GQL, deps: Deps, tenant: TenantRef
) -> None:
    made = data(await gql(DEFINE, {"groups": CLASSES}))["defineGroups"]
    assert [g["key"] for g in made] == ["7A", "7B", "7C", "maths", "art"]
    assert all(g["memberCount"] == 0 for g in made)

    page = data(await gql(GROUPS, {"kind": "CLASS", "first": 2}))["groups"]
    assert [e["node"]["key"] for e in page["edges"]] == ["7A", "7B"]
    assert page["pageInfo"]["hasNextPage"] is True
    rest = await gql(GROUPS, {"kind": "CLASS", "first": 2, "after": page["pageInfo"]["endCursor"]})
    assert [e["node"]["key"] for e in data(rest)["groups"]["edges"]] == ["7C"]

    renamed = [{"key": "7A", "kind": "CLASS", "name": "Seven A"}]
    assert data(await gql(DEFINE, {"groups": renamed}))["defineGroups"][0]["name"] == "Seven A"
    assert len(await group_rows(gql)) == 5


async def test_bad_groups_are_refused_and_change_nothing(gql: GQL, tenant: TenantRef) -> None:
    data(await gql(DEFINE, {"groups": CLASSES[:1]}))
    before = await group_rows(gql)
    bad_batches = [
        [{"key": "7D", "kind": "class", "name": "lower-case kind"}],
        [{"key": "bad key", "kind": "CLASS", "name": "space in key"}],
        [{"key": "7D", "kind": "CLASS", "name": ""}],
        [{"key": "7D", "kind": "CLASS", "name": "x"}, {"key": "7D", "kind": "CLASS", "name": "y"}],
        [{"key": "7A", "kind": "CLASS", "name": "renamed"}, {"key": "7E", "kind": "", "name": "z"}],
        [],
    ]
    for batch in bad_batches:
        assert error_code(await gql(DEFINE, {"groups": batch})) == "BAD_USER_INPUT", batch
    assert await group_rows(gql) == before
    assert error_code(await gql(GROUPS, {"kind": "class", "first": 1})) == "BAD_USER_INPUT"
    assert error_code(await gql('{ group(key: "nope") { key } }')) == "NOT_FOUND"


async def test_memberships_are_set_per_kind_and_shown_on_the_participant(
    gql: GQL, deps: Deps, tenant: TenantRef
) -> None:
    ids = await school(gql, deps, tenant)
    ann = str(ids["Ann"])
    groups = data(await gql(PARTICIPANT_GROUPS, {"id": ann}))["participant"]["groups"]
    assert groups == [
        {"key": "7A", "kind": "CLASS"},
        {"key": "art", "kind": "SUBJECT"},
        {"key": "maths", "kind": "SUBJECT"},
    ]

    moved = data(await gql(SET, {"m": [{"participantId": ann, "kind": "CLASS", "groups": ["7C"]}]}))
    assert moved["setMemberships"] == {"participants": 1, "added": 1, "removed": 1}
    again = data(await gql(SET, {"m": [{"participantId": ann, "kind": "CLASS", "groups": ["7C"]}]}))
    assert again["setMemberships"] == {"participants": 1, "added": 0, "removed": 0}
    dropped = await gql(SET, {"m": [{"participantId": ann, "kind": "SUBJECT", "groups": []}]})
    assert data(dropped)["setMemberships"]["removed"] == 2
    found = await gql(PARTICIPANT_GROUPS, {"id": ann, "kind": None})
    assert data(found)["participant"]["groups"] == [{"key": "7C", "kind": "CLASS"}]
    counts = {key: n for key, _, _, n in await group_rows(gql)}
    assert counts == {"7A": 1, "7B": 3, "7C": 2, "art": 1, "maths": 5}


async def test_bad_memberships_are_refused_and_change_nothing(
    gql: GQL, deps: Deps, tenant: TenantRef
) -> None:
    ids = await school(gql, deps, tenant)
    ann, ben = str(ids["Ann"]), str(ids["Ben"])
    before = await group_rows(gql)
    good = {"participantId": ben, "kind": "CLASS", "groups": ["7C"]}  # valid alone
    bad_rows = [
        {"participantId": "987654", "kind": "CLASS", "groups": ["7B"]},  # no such participant
        {"participantId": ann, "kind": "CLASS", "groups": ["7Z"]},  # no such group
        {"participantId": ann, "kind": "CLASS", "groups": ["maths"]},  # a SUBJECT group
        {"participantId": ann, "kind": "CLASS", "groups": ["7B", "7B"]},
        {"participantId": ann, "kind": "class", "groups": ["7B"]},
        {"participantId": "x", "kind": "CLASS", "groups": ["7B"]},
    ]
    for row in bad_rows:
        assert error_code(await gql(SET, {"m": [good, row]})) == "BAD_USER_INPUT", row
    twice = [good, {**good, "groups": ["7B"]}]
    assert error_code(await gql(SET, {"m": twice})) == "BAD_USER_INPUT"
    assert error_code(await gql(SET, {"m": []})) == "BAD_USER_INPUT"
    assert await group_rows(gql) == before


async def test_a_scoped_board_ranks_each_class_among_its_own_members(
    gql: GQL, deps: Deps, tenant: TenantRef
) -> None:
    ids = await school(gql, deps, tenant)
    await define_scoped_board(gql)

    seven_b = await board(gql, "7B", ids["Dan"])
    assert seven_b["scope"] == "CLASS"
    assert seven_b["group"] == {"key": "7B"}
    assert seven_b["size"] == 3
    assert names(seven_b) == [(1, "Cat", 40.0), (2, "Dan", 30.0), (3, "Eve", 20.0)]
    assert [(e["rank"], e["participant"]["name"]) for e in seven_b["around"]] == [
        (1, "Cat"), (2, "Dan"), (3, "Eve"),
    ]  # fmt: skip
    assert seven_b["entry"] == {"rank": 2, "percentile": 66.67}

    whole = await board(gql, None, ids["Dan"])
    assert whole["group"] is None
    assert whole["size"] == 6
    assert whole["entry"]["rank"] == 4
    outsider = await board(gql, "7A", ids["Dan"])  # Dan is not in 7A
    assert outsider["entry"] is None
    assert outsider["around"] == []

    # Scores change: the class ranking follows at once (read from the standings).
    await adjust_points(deps, tenant.id, ids["Eve"], 25, None)
    assert names(await board(gql, "7B", ids["Eve"]))[0] == (1, "Eve", 45.0)

    variables = {"id": str(ids["Dan"])}
    assert error_code(await gql(BOARD, {**variables, "group": "maths"})) == "BAD_USER_INPUT"
    assert error_code(await gql(BOARD, {**variables, "group": "7Z"})) == "NOT_FOUND"
    unscoped = '{ leaderboard(key: "points", group: "7B") { size } }'
    assert error_code(await gql(unscoped)) == "BAD_USER_INPUT"


async def test_a_move_between_classes_moves_the_standing_exactly(
    gql: GQL, deps: Deps, tenant: TenantRef
) -> None:
    ids = await school(gql, deps, tenant)
    await define_scoped_board(gql)
    before = data(await gql(STANDINGS, {"first": 10}))["groupStandings"]["edges"]
    assert [(e["node"]["group"]["key"], e["node"]["score"], e["node"]["members"], e["node"]["rank"])
            for e in before] == [("7A", 110.0, 2, 1), ("7B", 90.0, 3, 2), ("7C", 10.0, 1, 3)]  # fmt: skip

    cat = str(ids["Cat"])
    await gql(SET, {"m": [{"participantId": cat, "kind": "CLASS", "groups": ["7C"]}]})

    assert names(await board(gql, "7B", ids["Dan"])) == [(1, "Dan", 30.0), (2, "Eve", 20.0)]
    assert names(await board(gql, "7C", ids["Cat"])) == [(1, "Cat", 40.0), (2, "Fay", 10.0)]
    after = data(await gql(STANDINGS, {"first": 10}))["groupStandings"]["edges"]
    assert [(e["node"]["group"]["key"], e["node"]["score"]) for e in after] == [
        ("7A", 110.0), ("7B", 50.0), ("7C", 50.0),
    ]  # fmt: skip
    assert [e["node"]["rank"] for e in after] == [1, 2, 2]  # equal sums share a rank
    # Points earned after the move count in the new class, the same as before it.
    await adjust_points(deps, tenant.id, ids["Cat"], 5, None)
    late = data(await gql(STANDINGS, {"first": 10}))["groupStandings"]["edges"]
    assert [(e["node"]["group"]["key"], e["node"]["score"]) for e in late] == [
        ("7A", 110.0), ("7C", 55.0), ("7B", 50.0),
    ]  # fmt: skip


async def test_group_standings_by_mean_page_and_rank_any_kind(
    gql: GQL, deps: Deps, tenant: TenantRef
) -> None:
    await school(gql, deps, tenant)
    await define_scoped_board(gql, "MEAN")
    first = data(await gql(STANDINGS, {"first": 2}))["groupStandings"]
    assert [(e["node"]["group"]["key"], e["node"]["score"]) for e in first["edges"]] == [
        ("7A", 55.0), ("7B", 30.0),
    ]  # fmt: skip
    cursor = first["edges"][-1]["cursor"]
    rest = data(await gql(STANDINGS, {"first": 2, "after": cursor}))["groupStandings"]
    assert [(e["node"]["group"]["key"], e["node"]["rank"]) for e in rest["edges"]] == [("7C", 3)]
    assert rest["pageInfo"]["hasNextPage"] is False

    subjects = data(await gql(STANDINGS, {"first": 5, "kind": "SUBJECT"}))["groupStandings"]
    assert [(e["node"]["group"]["key"], e["node"]["score"], e["node"]["members"])
            for e in subjects["edges"]] == [("art", 50.0, 2), ("maths", 35.0, 6)]  # fmt: skip
    no_scope = '{ groupStandings(leaderboard: "points") { edges { cursor } } }'
    assert error_code(await gql(no_scope)) == "BAD_USER_INPUT"


async def test_two_tenants_never_see_each_others_groups(
    gql: GQL, deps: Deps, tenant: TenantRef
) -> None:
    ids = await school(gql, deps, tenant)
    await define_scoped_board(gql)
    other = await create_tenant("other-school")

    assert data(await gql(GROUPS, {"first": 10}, as_tenant=other))["groups"]["edges"] == []
    assert error_code(await gql('{ group(key: "7B") { key } }', as_tenant=other)) == "NOT_FOUND"
    theirs = [{"participantId": str(ids["Ann"]), "kind": "CLASS", "groups": ["7B"]}]
    data(await gql(DEFINE, {"groups": CLASSES[:2]}, as_tenant=other))  # the same keys, apart
    assert error_code(await gql(SET, {"m": theirs}, as_tenant=other)) == "BAD_USER_INPUT"
    pupil = await participant(deps, other.id, "Zed", points=7)
    mine = [{"participantId": str(pupil), "kind": "CLASS", "groups": ["7B"]}]
    assert data(await gql(SET, {"m": mine}, as_tenant=other))["setMemberships"]["added"] == 1

    # Each tenant's 7B holds only its own pupils; A's group names are A's.
    assert [g[3] for g in await group_rows(gql) if g[0] == "7B"] == [3]
    assert [g[3] for g in await group_rows(gql) if g[0] == "7A"] == [2]
    other_b = await gql(GROUPS, {"kind": "CLASS", "first": 10}, as_tenant=other)
    assert [e["node"]["memberCount"] for e in data(other_b)["groups"]["edges"]] == [0, 1]
    # A cannot reach B's groups through B's participant either.
    assert data(await gql(PARTICIPANT_GROUPS, {"id": str(pupil)}))["participant"] is None
