"""Live tops of one group of a scoped board: its members' changes, and moves in and out."""

from __future__ import annotations

from typing import Any

from app.deps import Deps
from app.groups.memberships import set_memberships
from app.groups.service import GroupFields, MembershipFields, define_groups
from app.leaderboards.admin import BoardFields, WeightFields, define_leaderboard
from app.scoring.service import adjust_points
from app.tenancy.service import TenantRef
from tests.factories import participant
from tests.live.wsclient import WsClient

TOP = """subscription { leaderboardTop(leaderboard: "class-points", group: "7B", first: 3) {
  rank score participant { name } } }"""


def top(payload: dict[str, Any]) -> list[tuple[int, str, float]]:
    assert "errors" not in payload, payload
    found = payload["data"]["leaderboardTop"]
    return [(e["rank"], e["participant"]["name"], e["score"]) for e in found]


async def test_a_group_top_follows_its_members_and_the_moves_in_and_out(
    ws_url: str, deps: Deps, tenant: TenantRef
) -> None:
    ids = {n: await participant(deps, tenant.id, n, points=p) for n, p in
           [("Ann", 30), ("Ben", 20), ("Out", 50)]}  # fmt: skip
    groups = [GroupFields("7B", "CLASS", "7B"), GroupFields("7C", "CLASS", "7C")]
    await define_groups(deps, tenant.id, groups)
    rows = [MembershipFields(ids[n], "CLASS", ("7B",)) for n in ("Ann", "Ben")]
    await set_memberships(deps, tenant.id, [*rows, MembershipFields(ids["Out"], "CLASS", ("7C",))])
    fields = BoardFields(name="By class", metrics=(WeightFields("points"),), scope="CLASS")
    await define_leaderboard(deps, tenant.id, "class-points", fields)
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
