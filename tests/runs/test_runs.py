"""Leaderboard runs (seed 004): asked for by admins and by the calendar, made by a real arq
worker, snapshots as of one instant."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from arq.connections import ArqRedis

from app.deps import Deps
from app.leaderboards.admin import (
    BoardFields,
    MetricFields,
    TieBreakFields,
    WeightFields,
    deactivate_leaderboard,
    define_leaderboard,
    define_metric,
)
from app.leaderboards.models import RankMode, TimeWindow
from app.runs.models import LeaderboardRun, RunEntry, RunStatus
from app.runs.service import trigger_run
from app.scoring.service import ScoreInput, record_scores
from app.tenancy.scopes import Scope
from app.tenancy.service import TenantRef, ensure_tenant
from tests.conftest import GQL, error_code
from tests.factories import api_key, bearer, participant
from tests.workers import Clock, drain

TRIGGER = "mutation($key: String!, $p: String, $all: Boolean) { triggerRun(leaderboard: $key, period: $p, keepAll: $all) { id status period trigger } }"
RUN = """query($id: ID!) { run(id: $id) {
  status rowCount period maxEntries error trigger
  entries(first: 10) { edges { node { position rank score displayName tiebreaker
    participant { name } breakdown { metric value weight weighted events } } } }
} }"""


async def data(gql: GQL, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    response = await gql(query, variables)
    assert "errors" not in response, response
    result: dict[str, Any] = response["data"]
    return result


async def test_a_triggered_run_is_pending_then_complete_with_the_ranking_as_it_was(
    gql: GQL, job_deps: Deps, tenant: TenantRef
) -> None:
    names = ["Ada", "Bob", "Cy", "Di"]
    for name, points in zip(names, [7, 9, 9, 1], strict=True):
        await participant(job_deps, tenant.id, name, points=points)

    asked = (await data(gql, TRIGGER, {"key": "points"}))["triggerRun"]
    await drain(job_deps)
    await participant(job_deps, tenant.id, "Late", points=100)  # after the snapshot

    assert (asked["status"], asked["period"], asked["trigger"]) == ("PENDING", "all", "ADMIN")
    run = (await data(gql, RUN, {"id": asked["id"]}))["run"]
    assert (run["status"], run["rowCount"], run["maxEntries"], run["error"]) == (
        "COMPLETE",
        4,
        1000,
        "",
    )
    entries = [e["node"] for e in run["entries"]["edges"]]
    assert [(e["rank"], e["score"], e["displayName"]) for e in entries] == [
        (1, 9.0, "Bob"), (1, 9.0, "Cy"), (3, 7.0, "Ada"), (4, 1.0, "Di")
    ]  # fmt: skip
    assert entries[0]["breakdown"] == [
        {"metric": "points", "value": 9.0, "weight": 1.0, "weighted": 9.0, "events": 1}
    ]
    assert entries[0]["participant"] == {"name": "Bob"}


async def test_a_run_keeps_its_rank_mode_tie_break_and_cap(
    gql: GQL, job_deps: Deps, tenant: TenantRef, clock: Clock
) -> None:
    await define_metric(job_deps, tenant.id, MetricFields("m", "M"))
    fields = BoardFields(
        name="B", metrics=(WeightFields("m"),), rank_mode=RankMode.DENSE, max_entries=3,
        tie_break=TieBreakFields(earliest=True),
    )  # fmt: skip
    definition = await define_leaderboard(job_deps, tenant.id, "b", fields)
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    people = [await participant(job_deps, tenant.id, n) for n in "ABCD"]
    for i, (pid, value) in enumerate(zip(people, [5, 5, 3, 2], strict=True)):
        at = t0 + timedelta(hours=len(people) - i)  # B reached 5 before A
        await record_scores(
            job_deps,
            tenant.id,
            [ScoreInput("m", value, "t", str(i), participant_id=pid, occurred_at=at)],
        )

    capped = await trigger_run(job_deps, definition, None, clock.now)
    every = await trigger_run(job_deps, definition, None, clock.now, keep_all=True)
    await drain(job_deps)

    async def ranked(run_id: int) -> list[tuple[int, str]]:
        rows = RunEntry.filter(run_id=run_id).order_by("position")
        return [tuple(r) for r in await rows.values_list("rank", "display_name")]  # type: ignore[misc]

    assert await ranked(capped.id) == [(1, "B"), (2, "A"), (3, "C")]
    assert await ranked(every.id) == [(1, "B"), (2, "A"), (3, "C"), (4, "D")]


async def test_runs_of_past_periods_and_late_events(
    gql: GQL, job_deps: Deps, tenant: TenantRef, clock: Clock
) -> None:
    await define_metric(job_deps, tenant.id, MetricFields("m", "M"))
    fields = BoardFields(name="D", metrics=(WeightFields("m"),), time_window=TimeWindow.DAILY)
    definition = await define_leaderboard(job_deps, tenant.id, "daily", fields)
    ada = await participant(job_deps, tenant.id, "Ada")
    yesterday = datetime.now(UTC) - timedelta(days=1)
    await record_scores(
        job_deps,
        tenant.id,
        [ScoreInput("m", 4, "t", "1", participant_id=ada, occurred_at=yesterday)],
    )
    period = yesterday.date().isoformat()

    first = await trigger_run(job_deps, definition, period, clock.now)
    await drain(job_deps)
    await record_scores(
        job_deps,
        tenant.id,
        [ScoreInput("m", 6, "t", "2", participant_id=ada, occurred_at=yesterday)],
    )
    second = await trigger_run(job_deps, definition, period, clock.now)
    await drain(job_deps)

    scores = [
        await RunEntry.filter(run_id=r.id).values_list("score", flat=True) for r in (first, second)
    ]
    assert scores == [
        [4.0],
        [10.0],
    ]  # the first run stays as it was; the new one has the late event
    assert (await LeaderboardRun.get(id=first.id)).period == period


async def test_a_run_of_a_deactivated_board_fails_with_the_reason(
    job_deps: Deps, tenant: TenantRef, clock: Clock
) -> None:
    await define_metric(job_deps, tenant.id, MetricFields("m", "M"))
    definition = await define_leaderboard(
        job_deps, tenant.id, "b", BoardFields(name="B", metrics=(WeightFields("m"),))
    )
    run = await trigger_run(job_deps, definition, None, clock.now)
    await deactivate_leaderboard(job_deps, tenant.id, "b")

    await drain(job_deps)

    failed = await LeaderboardRun.get(id=run.id)
    assert failed.status == RunStatus.FAILED
    assert "deactivated" in failed.error
    assert await RunEntry.filter(run_id=run.id).count() == 0


async def test_a_repeated_job_for_a_finished_run_changes_nothing(
    job_deps: Deps, tenant: TenantRef, clock: Clock, pool: ArqRedis
) -> None:
    await participant(job_deps, tenant.id, "Ada", points=3)
    definition = await job_deps.definitions.board(tenant.id, "points")
    run = await trigger_run(job_deps, definition, None, clock.now)
    await drain(job_deps)
    await pool.enqueue_job(
        "make_run",
        run.id,
        _job_id=f"{job_deps.settings.redis_prefix}:again",
        _queue_name=job_deps.settings.job_queue,
    )

    await drain(job_deps)

    done = await LeaderboardRun.get(id=run.id)
    assert (done.status, done.attempts, done.row_count) == (RunStatus.COMPLETE, 1, 1)
    assert await RunEntry.filter(run_id=run.id).count() == 1


async def test_runs_are_listed_newest_first_and_latest_is_the_last_complete(
    gql: GQL, job_deps: Deps, tenant: TenantRef
) -> None:
    await participant(job_deps, tenant.id, "Ada", points=3)
    ids = [(await data(gql, TRIGGER, {"key": "points"}))["triggerRun"]["id"] for _ in range(3)]
    await drain(job_deps)
    pending = (await data(gql, TRIGGER, {"key": "points"}))["triggerRun"]["id"]

    listed = await data(
        gql,
        "{ leaderboardRuns(first: 2) { edges { node { id status } } pageInfo { hasNextPage } } }",
    )
    complete = await data(
        gql, "{ leaderboardRuns(status: COMPLETE, first: 10) { edges { node { id } } } }"
    )
    latest = await data(
        gql, '{ latestRun(leaderboard: "points") { id } leaderboards { key latestRun { id } } }'
    )

    assert [e["node"] for e in listed["leaderboardRuns"]["edges"]] == [
        {"id": pending, "status": "PENDING"}, {"id": ids[2], "status": "COMPLETE"}
    ]  # fmt: skip
    assert listed["leaderboardRuns"]["pageInfo"]["hasNextPage"] is True
    assert [e["node"]["id"] for e in complete["leaderboardRuns"]["edges"]] == ids[::-1]
    assert latest["latestRun"] == {"id": ids[2]}
    assert latest["leaderboards"] == [{"key": "points", "latestRun": {"id": ids[2]}}]


async def test_another_tenants_run_does_not_exist(
    gql: GQL, job_deps: Deps, tenant: TenantRef, clock: Clock
) -> None:
    other = await ensure_tenant("other")
    await participant(job_deps, other.id, "Theirs", points=3)
    theirs = await trigger_run(
        job_deps, await job_deps.definitions.board(other.id, "points"), None, clock.now
    )

    assert (await data(gql, RUN, {"id": str(theirs.id)}))["run"] is None
    listed = await data(gql, "{ leaderboardRuns { edges { node { id } } } }")
    assert listed["leaderboardRuns"]["edges"] == []


async def test_trigger_run_rejects_bad_input_and_changes_nothing(gql: GQL, deps: Deps) -> None:
    bad_period = await gql(TRIGGER, {"key": "points", "p": "2025-W44"})
    unknown = await gql(TRIGGER, {"key": "nope"})

    assert error_code(bad_period) == "BAD_USER_INPUT"
    assert error_code(unknown) == "NOT_FOUND"
    assert await LeaderboardRun.all().count() == 0


async def test_only_admins_trigger_runs_and_detect_winners(
    gql: GQL, job_deps: Deps, tenant: TenantRef
) -> None:
    reader = bearer(await api_key(job_deps, tenant.id, Scope.READ, Scope.INGEST))
    admin = bearer(await api_key(job_deps, tenant.id, Scope.ADMIN))

    run = await gql(TRIGGER, {"key": "points"}, headers={})
    winner = await gql("mutation { detectWinner { outcome } }", headers=reader)
    allowed = await gql(TRIGGER, {"key": "points"}, headers=admin)

    assert error_code(run) == "UNAUTHENTICATED"
    assert error_code(winner) == "FORBIDDEN"
    assert "errors" not in allowed
    assert await LeaderboardRun.all().count() == 1


async def test_a_runs_list_read_before_shows_each_state_of_a_run_at_once(
    gql: GQL, job_deps: Deps, tenant: TenantRef
) -> None:
    await participant(job_deps, tenant.id, "Ada", points=3)
    query = "{ leaderboardRuns { edges { node { status } } } latestRun { id } }"
    assert (await data(gql, query))["leaderboardRuns"]["edges"] == []  # cached

    await data(gql, TRIGGER, {"key": "points"})
    pending = await data(gql, query)
    await drain(job_deps)
    complete = await data(gql, query)

    assert pending["leaderboardRuns"]["edges"] == [{"node": {"status": "PENDING"}}]
    assert complete["leaderboardRuns"]["edges"] == [{"node": {"status": "COMPLETE"}}]
    assert complete["latestRun"] is not None
