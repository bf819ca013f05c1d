"""Trends from the calendar's runs, live and archived alike: a participant's rank and
movement period by period, a board's risers, fallers and leaders."""

from __future__ import annotations

from typing import Any

from app.deps import Deps
from app.runs.archive import archive_due_runs
from app.runs.models import ArchivedRun
from app.tenancy.service import TenantRef, ensure_tenant
from tests.conftest import GQL, error_code
from tests.runs.school import school
from tests.runs.test_archive import DAYS, NOW
from tests.runs.test_runs import data

TREND = """query($id: ID!, $from: DateTime, $to: DateTime, $last: Int!) { participant(id: $id) {
  trend(leaderboard: "daily", from: $from, to: $to, last: $last) {
    period rank score movement runId } } }"""
TRENDS = """query($periods: Int!, $top: Int!) {
  leaderboardTrends(leaderboard: "daily", periods: $periods, top: $top) {
    periods { period }
    risers { participantId displayName fromRank toRank change participant { name } }
    fallers { participantId change toRank }
    leaders { participantId displayName periods bestRank } } }"""
PUPILS = 3


def rank(pupil: int, day: int) -> int:
    """Pupil ``pupil``'s rank on day number ``day`` of the school (tests.runs.school)."""
    return PUPILS - (pupil + day) % PUPILS


async def trend(gql: GQL, pid: int, **variables: Any) -> list[dict[str, Any]]:
    found = await data(gql, TREND, {"id": str(pid), "last": 30, **variables})
    points: list[dict[str, Any]] = found["participant"]["trend"]
    return points


async def test_a_trend_shows_rank_and_movement_per_period_across_live_and_archive(
    gql: GQL, job_deps: Deps, tenant: TenantRef
) -> None:
    made = await school(job_deps, tenant.id, DAYS, pupils=PUPILS, now=NOW)
    await archive_due_runs(job_deps, NOW)
    assert await ArchivedRun.filter(leaderboard__key="daily").count() == 17
    first = made.pupils[0]

    points = await trend(gql, first, last=5)
    days = range(14, 19)  # the latest five of nineteen days; 14..16 archived, 17, 18 live
    assert [p["period"] for p in points] == [DAYS[n].isoformat() for n in days]
    assert [p["rank"] for p in points] == [rank(0, n) for n in days]
    assert [p["movement"] for p in points] == [rank(0, n - 1) - rank(0, n) for n in days]
    assert [p["score"] for p in points] == [float(PUPILS + 1 - rank(0, n)) for n in days]
    assert [int(p["runId"]) for p in points] == made.runs["daily"][14:]

    whole = await trend(gql, first)
    assert len(whole) == 19
    assert whole[0]["movement"] is None  # no period before the first
    since = await trend(gql, first, **{"from": "2026-02-01T00:00:00Z"})
    assert [p["period"] for p in since] == ["2026-02-08", "2026-02-18", "2026-02-28"]
    assert since[0]["movement"] == rank(0, 15) - rank(0, 16)  # from 29 January, outside
    until = await trend(gql, first, to="2025-09-13T00:00:00Z")
    assert [p["period"] for p in until] == ["2025-09-01", "2025-09-11"]

    bad = {"id": str(first), "last": 0}
    assert error_code(await gql(TREND, bad)) == "BAD_USER_INPUT"
    backwards = {**bad, "last": 5, "from": "2026-02-01T00:00:00Z", "to": "2026-01-01T00:00:00Z"}
    assert error_code(await gql(TREND, backwards)) == "BAD_USER_INPUT"


async def test_board_trends_name_risers_fallers_and_who_held_the_top(
    gql: GQL, job_deps: Deps, tenant: TenantRef
) -> None:
    made = await school(job_deps, tenant.id, DAYS, pupils=PUPILS, now=NOW)
    await archive_due_runs(job_deps, NOW)
    p0, p1, p2 = (str(p) for p in made.pupils)

    found = (await data(gql, TRENDS, {"periods": 6, "top": 1}))["leaderboardTrends"]
    # Days 13..18: from day 13 to day 18 P2 goes 3rd -> 1st, P0 2nd -> 3rd, P1 1st -> 2nd;
    # first place rotates, each pupil holding it twice.
    assert [p["period"] for p in found["periods"]] == [DAYS[n].isoformat() for n in range(13, 19)]
    assert [
        (r["participantId"], r["fromRank"], r["toRank"], r["change"]) for r in found["risers"]
    ] == [(p2, 3, 1, 2)]
    assert found["risers"][0]["participant"] == {"name": "P2"}
    assert [(f["participantId"], f["change"]) for f in found["fallers"]] == [(p1, -1), (p0, -1)]
    assert [(x["participantId"], x["periods"], x["bestRank"]) for x in found["leaders"]] == [
        (p0, 2, 1),
        (p1, 2, 1),
        (p2, 2, 1),
    ]

    one = (await data(gql, TRENDS, {"periods": 1, "top": 2}))["leaderboardTrends"]
    assert (one["risers"], one["fallers"]) == ([], [])  # one period: nobody moved
    assert {x["participantId"] for x in one["leaders"]} == {p2, p1}  # day 18: P2, P1, P0

    for bad in ({"periods": 0, "top": 1}, {"periods": 101, "top": 1}, {"periods": 6, "top": 0}):
        assert error_code(await gql(TRENDS, bad)) == "BAD_USER_INPUT"


async def test_another_tenant_sees_none_of_the_trends(
    gql: GQL, job_deps: Deps, tenant: TenantRef
) -> None:
    other = await ensure_tenant("other")
    made = await school(job_deps, tenant.id, DAYS[:4], pupils=PUPILS, now=NOW)
    theirs = await gql(TRENDS, {"periods": 6, "top": 1}, as_tenant=other)
    assert error_code(theirs) == "NOT_FOUND"  # they have no board "daily"
    await school(job_deps, other.id, DAYS[:2], pupils=PUPILS, now=NOW)
    found = await gql(TRENDS, {"periods": 6, "top": 3}, as_tenant=other)
    trends = found["data"]["leaderboardTrends"]
    assert len(trends["periods"]) == 2
    ours = {str(p) for p in made.pupils}
    assert not {x["participantId"] for x in trends["leaders"]} & ours
    stranger = await gql(TREND, {"id": str(made.pupils[0]), "last": 5}, as_tenant=other)
    assert stranger["data"]["participant"] is None
