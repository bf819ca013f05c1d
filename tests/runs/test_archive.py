"""Retention and archiving (seed 002): runs past their retention move to the archive once,
labelled with the school year and term, and history reads live and archived runs as one."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from arq.connections import ArqRedis

from app.deps import Deps, build_deps
from app.joblog.models import JobRun
from app.runs.archive import archive_due_runs
from app.runs.models import ArchivedRun, ArchivedRunEntry, LeaderboardRun, RunEntry
from app.tenancy.scopes import Scope
from app.tenancy.service import TenantRef, ensure_tenant
from tests.conftest import GQL, error_code
from tests.factories import api_key, bearer
from tests.runs.school import school, school_days
from tests.runs.test_runs import data
from tests.runs.test_schedule import close_periods
from tests.workers import Clock, drain

NOW = datetime(2026, 3, 15, 12, tzinfo=UTC)
DAYS = school_days(date(2025, 9, 1), 10, 19)  # 1 September 2025 .. 28 February 2026
RETENTION = "{ retention { window days tenantSet } }"
SET = "mutation($w: TimeWindow!, $d: Int) { setRetention(window: $w, days: $d) { window days tenantSet } }"
TERM = """mutation($k: String!, $s: DateTime!, $e: DateTime!) {
  defineCalendarPeriod(kind: TERM, key: $k, startsAt: $s, endsAt: $e) { key } }"""
RUN = """query($id: ID!) { run(id: $id) { id period archivedAt academicYear term rowCount
  entries(first: 10) { edges { node { position rank score displayName participantId } } } } }"""
HISTORY = """query($b: String!, $from: DateTime, $to: DateTime, $first: Int!, $after: String) {
  history(leaderboard: $b, from: $from, to: $to, first: $first, after: $after) {
    edges { cursor node { id period periodEnd archivedAt } } pageInfo { hasNextPage } } }"""


def days_of(rules: list[dict[str, Any]]) -> dict[str, tuple[int, bool]]:
    return {r["window"]: (r["days"], r["tenantSet"]) for r in rules}


async def test_retention_is_the_seeds_tiers_until_a_tenant_sets_its_own(
    gql: GQL, deps: Deps, tenant: TenantRef
) -> None:
    other = await ensure_tenant("other")
    defaults = days_of((await data(gql, RETENTION))["retention"])
    assert defaults == {
        "DAILY": (30, False),
        "WEEKLY": (90, False),
        "MONTHLY": (365, False),
        "TERM": (730, False),
        "SEASON": (730, False),
        "CUSTOM": (730, False),
        "ALL_TIME": (1095, False),
    }

    set_daily = days_of((await data(gql, SET, {"w": "DAILY", "d": 7}))["setRetention"])
    await data(gql, SET, {"w": "MONTHLY", "d": 400})
    assert set_daily == {**defaults, "DAILY": (7, True)}
    shown = days_of((await data(gql, RETENTION))["retention"])
    assert shown == {**defaults, "DAILY": (7, True), "MONTHLY": (400, True)}
    theirs = await gql(RETENTION, as_tenant=other)
    assert days_of(theirs["data"]["retention"]) == defaults  # another tenant's are its own

    for bad in (0, -1, 36_501):
        assert error_code(await gql(SET, {"w": "DAILY", "d": bad})) == "BAD_USER_INPUT"
    reader = await api_key(deps, tenant.id, Scope.READ)
    refused = await gql(SET, {"w": "DAILY", "d": 1}, headers=bearer(reader))
    assert error_code(refused) == "FORBIDDEN"
    assert days_of((await data(gql, RETENTION))["retention"]) == shown  # nothing changed

    await data(gql, SET, {"w": "DAILY", "d": None})  # back to the default
    back = days_of((await data(gql, RETENTION))["retention"])
    assert back == {**defaults, "MONTHLY": (400, True)}


async def entries_of(gql: GQL, run_id: int) -> dict[str, Any]:
    found: dict[str, Any] = (await data(gql, RUN, {"id": str(run_id)}))["run"]
    return found


async def test_the_daily_job_moves_runs_past_retention_once_labelled_with_year_and_term(
    gql: GQL, job_deps: Deps, tenant: TenantRef, pool: ArqRedis, clock: Clock
) -> None:
    made = await school(job_deps, tenant.id, DAYS, now=NOW)
    daily, monthly = made.runs["daily"], made.runs["monthly"]
    assert (len(daily), len(monthly)) == (19, 6)  # the days scored in; September..February
    for key, start, end in [
        ("autumn-2025", "2025-09-01T00:00:00Z", "2026-01-01T00:00:00Z"),
        ("spring-2026", "2026-01-05T00:00:00Z", "2026-04-01T00:00:00Z"),
    ]:
        await data(gql, TERM, {"k": key, "s": start, "e": end})
    await data(gql, SET, {"w": "MONTHLY", "d": 60})
    before = {r: await entries_of(gql, r) for r in daily + monthly}
    entries = await RunEntry.all().count()

    clock.now = NOW
    name = f"{job_deps.settings.redis_prefix}:archive_runs"
    await pool.enqueue_job(name, _job_id=f"{name}:1", _queue_name=job_deps.settings.job_queue)
    assert await drain(job_deps) == 1

    # DAILY 30 days: periods that ended before 13 February; MONTHLY 60: before 14 January.
    archived = set(daily[:17]) | set(monthly[:4])
    assert {r.id for r in await ArchivedRun.all()} == archived
    assert {r.id for r in await LeaderboardRun.all()} == set(daily + monthly) - archived
    assert await RunEntry.all().count() + await ArchivedRunEntry.all().count() == entries
    for run_id, was in before.items():
        now = await entries_of(gql, run_id)
        moved = {"archivedAt", "academicYear", "term"}
        assert {k: v for k, v in now.items() if k not in moved} == {
            k: v for k, v in was.items() if k not in moved
        }
        assert (now["archivedAt"] is not None) == (run_id in archived)
    labels = {}
    for run_id in archived:
        run = await entries_of(gql, run_id)
        labels[run["period"]] = run
    assert (labels["2025-09-01"]["academicYear"], labels["2025-09-01"]["term"]) == (
        "2025-2026",
        "autumn-2025",
    )
    assert labels["2026-02-08"]["term"] == "spring-2026"
    assert labels["2025-12"]["term"] == "autumn-2025"
    assert labels["2025-12-30"]["term"] == "autumn-2025"
    assert labels["2026-01-09"]["term"] == "spring-2026"
    assert all(r["academicYear"] is None for r in before.values())  # labels come with it
    logged = await JobRun.filter(name="archive_runs").values_list("detail", flat=True)
    assert len(logged) == 1
    assert logged[0]["runs"] == 21

    again = await archive_due_runs(job_deps, NOW)  # nothing more is due: nothing moves
    assert (again.runs, again.entries) == (0, 0)
    assert await ArchivedRun.all().count() == 21


async def test_a_job_out_of_budget_queues_its_continuation_until_none_is_due(
    job_deps: Deps, tenant: TenantRef, pool: ArqRedis, clock: Clock
) -> None:
    made = await school(job_deps, tenant.id, DAYS[:6], now=NOW)
    settings = job_deps.settings.model_copy(
        update={"archive_budget_seconds": 0.0, "archive_batch_rows": 3}  # one run per job
    )
    worker_deps = build_deps(settings, job_deps.store.redis, jobs=job_deps.jobs, clock=clock)
    clock.now = NOW
    name = f"{settings.redis_prefix}:archive_runs"
    await pool.enqueue_job(name, _job_id=f"{name}:1", _queue_name=settings.job_queue)
    try:
        # The cron job and its continuations, one run each; the last finds none left.
        assert await drain(worker_deps) == 7
    finally:
        await worker_deps.keeper.close()
    assert {r.id for r in await ArchivedRun.all()} == set(made.runs["daily"])
    assert await JobRun.filter(name="archive_runs").count() == 6


async def test_a_period_archived_within_the_catch_up_gets_no_second_run(
    gql: GQL, job_deps: Deps, tenant: TenantRef, pool: ArqRedis, clock: Clock
) -> None:
    days = [date(2026, 3, 13), date(2026, 3, 14)]
    made = await school(job_deps, tenant.id, days, now=NOW)
    await data(gql, SET, {"w": "DAILY", "d": 1})
    done = await archive_due_runs(job_deps, NOW)
    # The 13th ended 36 hours before NOW, past its day of retention; the 14th, 12 hours.
    assert done.runs == 1
    assert {r.id for r in await ArchivedRun.all()} == {made.runs["daily"][0]}

    await close_periods(job_deps, pool, clock, NOW)  # both days are within the catch-up
    assert await LeaderboardRun.filter(period="2026-03-13").count() == 0
    assert await LeaderboardRun.filter(period="2026-03-14").count() == 1


async def test_history_reads_live_and_archived_runs_as_one_newest_first(
    gql: GQL, job_deps: Deps, tenant: TenantRef
) -> None:
    made = await school(job_deps, tenant.id, DAYS, now=NOW)
    await archive_due_runs(job_deps, NOW)
    daily = made.runs["daily"]

    seen: list[dict[str, Any]] = []
    after = None
    while True:
        page = (await data(gql, HISTORY, {"b": "daily", "first": 4, "after": after}))["history"]
        seen += [e["node"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["edges"][-1]["cursor"]
    assert [int(r["id"]) for r in seen] == daily[::-1]  # each once, the latest period first
    assert [r["archivedAt"] is not None for r in seen] == [False] * 2 + [True] * 17

    window = {
        "b": "daily",
        "first": 50,
        "from": "2025-12-01T00:00:00Z",
        "to": "2026-02-01T00:00:00Z",
    }
    inside = (await data(gql, HISTORY, window))["history"]["edges"]
    ends = [e["node"]["periodEnd"] for e in inside]
    assert ends == sorted(ends, reverse=True)
    assert all("2025-12-01" < end < "2026-02-01" for end in ends)
    assert len(ends) == 7  # the days of 30 November (it ended on 1 December) .. 29 January

    bad_window = {**window, "from": "2026-02-01T00:00:00Z"}
    assert error_code(await gql(HISTORY, bad_window)) == "BAD_USER_INPUT"
    tampered = {"b": "daily", "first": 4, "after": "aGk6eDox"}  # "hi:x:1"
    assert error_code(await gql(HISTORY, tampered)) == "BAD_USER_INPUT"


async def test_tenants_never_see_each_others_runs_or_archives(
    gql: GQL, job_deps: Deps, tenant: TenantRef
) -> None:
    other = await ensure_tenant("other")
    ours = await school(job_deps, tenant.id, DAYS[:5], now=NOW)
    theirs = await school(job_deps, other.id, DAYS[:5], now=NOW)
    await data(gql, SET, {"w": "DAILY", "d": 36_500})  # ours stay live; theirs are archived
    await archive_due_runs(job_deps, NOW)
    assert {r.tenant_id for r in await ArchivedRun.all()} == {other.id}

    for who, made, archived in [(tenant, ours, False), (other, theirs, True)]:
        page = await gql(HISTORY, {"b": "daily", "first": 50}, as_tenant=who)
        nodes = [e["node"] for e in page["data"]["history"]["edges"]]
        assert [int(n["id"]) for n in nodes] == made.runs["daily"][::-1]
        assert {n["archivedAt"] is not None for n in nodes} == {archived}
    for who, foreign in [(tenant, theirs), (other, ours)]:
        for run_id in foreign.runs["daily"]:
            found = await gql(RUN, {"id": str(run_id)}, as_tenant=who)
            assert found["data"]["run"] is None
