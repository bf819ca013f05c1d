"""Live tops and changes of one group of a scoped board: its members' changes, ranked within
the group, and moves in and out."""

from __future__ import annotations

from typing import Any

import pytest

from app.deps import Deps
from app.groups.memberships import set_memberships
from app.groups.service import GroupFields, MembershipFields, define_groups
from app.leaderboards.admin import BoardFields, WeightFields, define_leaderboard
from app.leaderboards.service import board_in
from app.live.service import LiveService
from app.scoring.service import adjust_points
from app.tenancy.service import TenantRef
from tests.factories import participant
from tests.live.conftest import until
from tests.live.wsclient import WsClient

TOP = """subscription { leaderboardTop(leaderboard: "class-points", group: "7B", first: 3) {
  rank score participant { name } } }"""


CHANGES = """subscription($group: String, $board: String!) {
  rankChanged(leaderboard: $board, group: $group) {
    participant { name } oldRank newRank oldScore newScore } }"""


async def school(deps: Deps, tenant: TenantRef, points: dict[str, int]) -> dict[str, int]:
    """The named participants with their points; "Out" in class 7C, the others in 7B; the
    board "class-points" scoped by CLASS, and the unscoped "points"."""
    ids = {n: await participant(deps, tenant.id, n, points=p) for n, p in points.items()}
    groups = [GroupFields("7B", "CLASS", "7B"), GroupFields("7C", "CLASS", "7C")]
    await define_groups(deps, tenant.id, groups)
    rows = [MembershipFields(i, "CLASS", ("7C" if n == "Out" else "7B",)) for n, i in ids.items()]
    await set_memberships(deps, tenant.id, rows)
    fields = BoardFields(name="By class", metrics=(WeightFields("points"),), scope="CLASS")
    await define_leaderboard(deps, tenant.id, "class-points", fields)
    return ids


def top(payload: dict[str, Any]) -> list[tuple[int, str, float]]:
    assert "errors" not in payload, payload
    found = payload["data"]["leaderboardTop"]
    return [(e["rank"], e["participant"]["name"], e["score"]) for e in found]


async def test_a_group_top_follows_its_members_and_the_moves_in_and_out(
    ws_url: str, deps: Deps, tenant: TenantRef
) -> None:
    ids = await school(deps, tenant, {"Ann": 30, "Ben": 20, "Out": 50})
    client = await WsClient.open(ws_url)
    await client.subscribe("t", TOP)
    assert top(await client.next_data("t")) == [(1, "Ann", 30.0), (2, "Ben", 20.0)]

    await adjust_points(deps, tenant.id, ids["Out"], 100, None)  # not a member: no change
    await adjust_points(deps, tenant.id, ids["Ben"], 15, None)  # 20 -> 35: first in 7B
    assert top(await client.next_data("t")) == [(1, "Ben", 35.0), (2, "Ann", 30.0)]

    await set_memberships(deps, tenant.id, [MembershipFields(ids["Out"], "CLASS", ("7B",))])
    assert top(await client.next_data("t")) == [
        (1, "Out", 150.0), (2, "Ben", 35.0), (3, "Ann", 30.0),
    ]  # fmt: skip
    await set_memberships(deps, tenant.id, [MembershipFields(ids["Ben"], "CLASS", ("7C",))])
    assert top(await client.next_data("t")) == [(1, "Out", 150.0), (2, "Ann", 30.0)]
    await client.close()


async def test_rank_changed_of_a_group_sends_its_members_changes_ranked_within_it(
    ws_url: str, deps: Deps, live: LiveService, tenant: TenantRef
) -> None:
    ids = await school(deps, tenant, {"Ann": 30, "Ben": 20, "Cal": 10, "Out": 50})
    client, whole = await WsClient.open(ws_url), await WsClient.open(ws_url)
    await client.subscribe("c", CHANGES, {"board": "class-points", "group": "7B"})
    await whole.subscribe("all", CHANGES, {"board": "class-points"})
    # Both feeds (the group's, the board's) listen to the board's one channel.
    definition = await deps.definitions.board(tenant.id, "class-points")
    channel = deps.store.keys(board_in(definition).ref).changes
    await until(
        lambda: live.subscriber_count() == 2 and live.hub.confirmed(channel),
        what="both subscriptions",
    )

    await adjust_points(deps, tenant.id, ids["Out"], 100, None)  # 7C's: not sent to 7B
    await adjust_points(deps, tenant.id, ids["Cal"], 25, None)  # 10 -> 35

    # The whole board: Out first, then Cal from 4th to 2nd.
    everyone = [(await whole.next_data("all"))["data"]["rankChanged"] for _ in range(2)]
    assert [(c["participant"]["name"], c["oldRank"], c["newRank"]) for c in everyone] == [
        ("Out", 1, 1), ("Cal", 4, 2),
    ]  # fmt: skip
    # Within 7B: Cal from 3rd (behind Ann 30, Ben 20) to 1st; Out's change never came.
    cal = (await client.next_data("c"))["data"]["rankChanged"]
    assert cal == {"participant": {"name": "Cal"}, "oldRank": 3, "newRank": 1,
                   "oldScore": 10.0, "newScore": 35.0}  # fmt: skip

    await adjust_points(deps, tenant.id, ids["Ben"], 15, None)  # 20 -> 35: level with Cal
    ben = (await client.next_data("c"))["data"]["rankChanged"]
    assert (ben["oldRank"], ben["newRank"]) == (3, 1)  # a tie shares the rank
    await client.close()
    await whole.close()


@pytest.mark.parametrize(
    ("board", "group", "code"),
    [("points", "7B", "BAD_USER_INPUT"), ("class-points", "9Z", "NOT_FOUND")],
    ids=["unscoped-board", "unknown-group"],
)
async def test_rank_changed_of_a_group_the_board_does_not_rank_is_a_coded_error(
    ws_url: str, deps: Deps, tenant: TenantRef, board: str, group: str, code: str
) -> None:
    await school(deps, tenant, {"Ann": 1})
    client = await WsClient.open(ws_url)
    await client.subscribe("bad", CHANGES, {"board": board, "group": group})
    message = await client.receive()
    assert message["type"] == "error", message
    assert [e["extensions"]["code"] for e in message["payload"]] == [code], message
    await client.close()
