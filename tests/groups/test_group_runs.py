"""Runs of a scoped board keep each group's ranking as it was: history, run entries and
trends of one class, live and archived alike, unmoved by later changes of membership."""

from __future__ import annotations

import itertools
from typing import Any

from app.deps import Deps
from app.groups.memberships import set_memberships
from app.groups.service import MembershipFields
from app.runs.archive import archive_due_runs
from app.runs.models import ArchivedRunGroupEntry, RunGroupEntry
from app.tenancy.service import TenantRef
from tests.conftest import GQL, error_code
from tests.leaderboards.test_rankings_api import data
from tests.runs.school import school
from tests.runs.test_archive import DAYS, NOW

PUPILS = 4
CLASSES = ["A", "A", "B", "B"]  # P0, P1 in A; P2, P3 in B
HISTORY = """query($group: String, $first: Int!) {
  history(leaderboard: "daily", group: $group, first: $first) { edges { node {
    period archivedAt entries(first: 10) { edges { node { position rank displayName score } } }
  } } } }"""
TREND = """query($id: ID!, $group: String) { participant(id: $id) {
  trend(leaderboard: "daily", group: $group, last: 30) { period rank movement } } }"""
TRENDS = """query($group: String) { leaderboardTrends(leaderboard: "daily", group: $group,
  periods: 3, top: 1) { risers { displayName fromRank toRank } leaders { displayName periods } } }"""


def score(pupil: int, day: int) -> float:
    return float((pupil + day) % PUPILS + 1)


def class_ranking(members: list[int], day: int) -> list[tuple[int, int, str, float]]:
    """(position, rank, name, score) of ``members`` on day number ``day``, best first."""
    ordered = sorted(members, key=lambda p: -score(p, day))
    return [(i, i + 1, f"P{p}", score(p, day)) for i, p in enumerate(ordered)]


def entries(node: dict[str, Any]) -> list[tuple[int, int, str, float]]:
    return [
        (e["node"]["position"], e["node"]["rank"], e["node"]["displayName"], e["node"]["score"])
        for e in node["entries"]["edges"]
    ]


async def test_history_of_a_class_is_its_ranking_as_it_was_live_and_archived(
    gql: GQL, job_deps: Deps, tenant: TenantRef
) -> None:
    # The boards' runs keep their top 2 only: each class is kept whole all the same.
    made = await school(
        job_deps, tenant.id, DAYS, pupils=PUPILS, now=NOW, classes=CLASSES, max_entries=2
    )
    assert await RunGroupEntry.all().count() == 19 * PUPILS + 6 * PUPILS  # daily + monthly
    # P1 moves to B after every run was made: the runs keep the class as it was.
    await set_memberships(job_deps, tenant.id, [MembershipFields(made.pupils[1], "CLASS", ("B",))])
    await archive_due_runs(job_deps, NOW)
    # DAILY keeps 30 days: 17 of the 19 daily runs go, with their group entries; MONTHLY
    # keeps a year: none of the 6.
    assert await ArchivedRunGroupEntry.all().count() == 17 * PUPILS

    found = data(await gql(HISTORY, {"group": "A", "first": 19}))["history"]["edges"]
    assert len(found) == 19
    for n, edge in zip(range(18, -1, -1), found, strict=True):  # the latest day first
        assert entries(edge["node"]) == class_ranking([0, 1], n), n
    assert found[0]["node"]["archivedAt"] is None
    assert found[-1]["node"]["archivedAt"] is not None

    whole = data(await gql(HISTORY, {"group": None, "first": 1}))["history"]["edges"][0]
    assert len(entries(whole["node"])) == 2  # the board's own top 2
    one_run = """query($group: String!) { history(leaderboard: "daily", first: 1) { edges {
      node { entries(group: $group) { edges { node { displayName rank } } } } } } }"""
    b = data(await gql(one_run, {"group": "B"}))["history"]["edges"][0]["node"]["entries"]
    assert [e["node"]["displayName"] for e in b["edges"]] == [
        name for _, _, name, _ in class_ranking([2, 3], 18)
    ]  # P1 is not there: it moved after the run
    assert error_code(await gql(HISTORY, {"group": "nope", "first": 1})) == "NOT_FOUND"


async def test_trends_of_a_class_rank_within_it(
    gql: GQL, job_deps: Deps, tenant: TenantRef
) -> None:
    made = await school(job_deps, tenant.id, DAYS, pupils=PUPILS, now=NOW, classes=CLASSES)
    await archive_due_runs(job_deps, NOW)
    p0 = str(made.pupils[0])

    points = data(await gql(TREND, {"id": p0, "group": "A"}))["participant"]["trend"]
    ranks = [
        next(r for _, r, name, _ in class_ranking([0, 1], n) if name == "P0") for n in range(19)
    ]
    assert [p["rank"] for p in points] == ranks
    assert [p["movement"] for p in points[1:]] == [a - b for a, b in itertools.pairwise(ranks)]
    overall = data(await gql(TREND, {"id": p0, "group": None}))["participant"]["trend"]
    assert max(p["rank"] for p in overall) > 2 >= max(p["rank"] for p in points)

    found = data(await gql(TRENDS, {"group": "B"}))["leaderboardTrends"]
    assert {x["displayName"] for x in found["leaders"]} <= {"P2", "P3"}
    assert sum(x["periods"] for x in found["leaders"]) == 3  # one leader per period
    assert all(r["displayName"] in ("P2", "P3") for r in found["risers"])
