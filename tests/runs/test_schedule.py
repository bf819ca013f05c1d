"""Runs made when periods close, exactly once, and the watchdog of runs that lost their job."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from arq.connections import ArqRedis

from app.deps import Deps, build_deps
from app.jobs.queue import ArqJobQueue, open_pool
from app.jobs.worker import build_worker
from app.leaderboards.admin import (
    BoardFields,
    MetricFields,
    WeightFields,
    define_leaderboard,
    define_metric,
)
from app.leaderboards.models import TimeWindow
from app.runs.models import LeaderboardRun, RunEntry, RunStatus, RunTrigger
from app.runs.schedule import watch_runs
from app.runs.service import trigger_run
from app.scoring.service import ScoreInput, record_scores
from app.tenancy.service import TenantRef
from tests.factories import participant
from tests.redis_server import RedisServer
from tests.workers import Clock, drain


async def board(deps: Deps, tenant: TenantRef, window: TimeWindow, timezone: str) -> None:
    await define_metric(deps, tenant.id, MetricFields("m", "M"))
    fields = BoardFields(
        name="B", metrics=(WeightFields("m"),), time_window=window, timezone=timezone
    )
    await define_leaderboard(deps, tenant.id, "b", fields)


async def score(
    deps: Deps, tenant: TenantRef, pid: int, value: float, at: datetime, key: str
) -> None:
    await record_scores(
        deps, tenant.id, [ScoreInput("m", value, "t", key, participant_id=pid, occurred_at=at)]
    )


async def close_periods(deps: Deps, pool: ArqRedis, clock: Clock, now: datetime) -> None:
    """The cron job that makes runs of closed periods, at ``now``, then the runs it queued."""
    clock.now = now
    name = f"{deps.settings.redis_prefix}:close_periods"
    await pool.enqueue_job(
        name, _job_id=f"{name}:{now.timestamp()}", _queue_name=deps.settings.job_queue
    )
    await drain(deps)


async def scheduled() -> list[tuple[str, str, int]]:
    rows = await LeaderboardRun.filter(trigger=RunTrigger.SCHEDULE).order_by("id")
    return [(r.period, r.status.value, r.row_count) for r in rows]


GRACE = timedelta(seconds=121)  # RANKED_RUN_GRACE_SECONDS is 120


async def test_a_closed_day_gets_one_run_after_the_grace_across_a_dst_change(
    job_deps: Deps, tenant: TenantRef, pool: ArqRedis, clock: Clock
) -> None:
    await board(job_deps, tenant, TimeWindow.DAILY, "America/New_York")
    ada, bob = (
        await participant(job_deps, tenant.id, "Ada"),
        await participant(job_deps, tenant.id, "Bob"),
    )
    # 2 November 2025 lasts 25 hours in New York; 23:30 local is 04:30 UTC the next day.
    late_evening = datetime(2025, 11, 3, 4, 30, tzinfo=UTC)
    await score(job_deps, tenant, ada, 3, late_evening, "1")
    await score(job_deps, tenant, bob, 5, late_evening - timedelta(hours=20), "2")
    day_end = datetime(2025, 11, 3, 5, 0, tzinfo=UTC)  # local midnight, in UTC

    await close_periods(job_deps, pool, clock, day_end + timedelta(seconds=60))  # in the grace
    assert await scheduled() == []
    await close_periods(job_deps, pool, clock, day_end + GRACE)
    await close_periods(job_deps, pool, clock, day_end + GRACE + timedelta(minutes=1))

    assert await scheduled() == [("2025-11-02", "COMPLETE", 2)]
    run = await LeaderboardRun.get(trigger=RunTrigger.SCHEDULE)
    assert (run.period_start, run.period_end) == (datetime(2025, 11, 2, 4, tzinfo=UTC), day_end)
    assert await RunEntry.filter(run_id=run.id).order_by("position").values_list(
        "score", flat=True
    ) == [5.0, 3.0]


async def test_a_closed_month_gets_its_run_and_periods_nobody_scored_in_get_none(
    job_deps: Deps, tenant: TenantRef, pool: ArqRedis, clock: Clock
) -> None:
    await board(job_deps, tenant, TimeWindow.MONTHLY, "Europe/Paris")
    ada = await participant(job_deps, tenant.id, "Ada")
    await score(
        job_deps, tenant, ada, 3, datetime(2025, 3, 31, 21, 59, tzinfo=UTC), "1"
    )  # 23:59 CEST
    march_end = datetime(2025, 3, 31, 22, 0, tzinfo=UTC)

    await close_periods(job_deps, pool, clock, march_end + GRACE)
    april_end = datetime(2025, 4, 30, 22, 0, tzinfo=UTC)
    await close_periods(job_deps, pool, clock, april_end + GRACE)

    assert await scheduled() == [("2025-03", "COMPLETE", 1)]  # April had no scores: no run


async def test_periods_that_closed_while_no_worker_ran_are_caught_up_once(
    job_deps: Deps, tenant: TenantRef, pool: ArqRedis, clock: Clock
) -> None:
    await board(job_deps, tenant, TimeWindow.DAILY, "UTC")
    ada = await participant(job_deps, tenant.id, "Ada")
    for day in (1, 2, 3):
        await score(job_deps, tenant, ada, day, datetime(2025, 6, day, 12, tzinfo=UTC), str(day))

    await close_periods(job_deps, pool, clock, datetime(2025, 6, 5, tzinfo=UTC))
    await close_periods(job_deps, pool, clock, datetime(2025, 6, 5, 0, 1, tzinfo=UTC))

    assert await scheduled() == [
        ("2025-06-01", "COMPLETE", 1), ("2025-06-02", "COMPLETE", 1), ("2025-06-03", "COMPLETE", 1)
    ]  # fmt: skip


@pytest.fixture
async def unreachable_queue(
    settings: object, private_redis: RedisServer
) -> AsyncIterator[ArqJobQueue]:
    """A job queue whose Redis has stopped."""
    dead_pool = await open_pool(private_redis.url)
    private_redis.stop()
    yield ArqJobQueue(dead_pool, settings)  # type: ignore[arg-type]
    await dead_pool.aclose()


async def test_a_run_asked_for_while_the_queue_was_down_is_made_later(
    job_deps: Deps, tenant: TenantRef, clock: Clock, unreachable_queue: ArqJobQueue
) -> None:
    await participant(job_deps, tenant.id, "Ada", points=3)
    api = build_deps(job_deps.settings, job_deps.store.redis, jobs=unreachable_queue)
    asked = await trigger_run(
        api, await api.definitions.board(tenant.id, "points"), None, clock.now
    )
    assert (await LeaderboardRun.get(id=asked.id)).status == RunStatus.PENDING  # nothing lost

    clock.now += timedelta(minutes=2)
    await job_deps.jobs.enqueue(f"{job_deps.settings.redis_prefix}:watch_runs", job_id="watch")
    await drain(job_deps)

    done = await LeaderboardRun.get(id=asked.id)
    assert (done.status, done.row_count) == (RunStatus.COMPLETE, 1)


async def test_a_run_whose_worker_died_for_good_is_failed_with_the_reason(
    job_deps: Deps, tenant: TenantRef, clock: Clock
) -> None:
    definition = await job_deps.definitions.board(tenant.id, "points")
    # What a worker killed at its last try leaves: PROCESSING, and no job any more.
    asked = await LeaderboardRun.create(
        tenant_id=tenant.id, leaderboard_id=definition.id, period="all", trigger=RunTrigger.ADMIN,
        status=RunStatus.PROCESSING, attempts=5, created_at=clock.now, started_at=clock.now,
    )  # fmt: skip

    clock.now += timedelta(seconds=job_deps.settings.job_timeout_seconds + 61)
    await job_deps.jobs.enqueue(f"{job_deps.settings.redis_prefix}:watch_runs", job_id="watch")
    await drain(job_deps)

    failed = await LeaderboardRun.get(id=asked.id)
    assert failed.status == RunStatus.FAILED
    assert "Trigger it again" in failed.error


async def test_a_copy_of_a_job_takes_nothing_from_a_live_attempt(
    job_deps: Deps, tenant: TenantRef, clock: Clock, pool: ArqRedis
) -> None:
    definition = await job_deps.definitions.board(tenant.id, "points")
    live = await LeaderboardRun.create(
        tenant_id=tenant.id, leaderboard_id=definition.id, period="all", trigger=RunTrigger.ADMIN,
        status=RunStatus.PROCESSING, attempts=1, created_at=clock.now, started_at=clock.now,
    )  # fmt: skip
    prefix, queue = job_deps.settings.redis_prefix, job_deps.settings.job_queue
    await pool.enqueue_job("make_run", live.id, _job_id=f"{prefix}:copy", _queue_name=queue)

    await drain(job_deps)

    still = await LeaderboardRun.get(id=live.id)
    assert (still.status, still.attempts) == (RunStatus.PROCESSING, 1)


async def test_the_watchdog_adds_no_copy_of_a_job_still_queued(
    job_deps: Deps, tenant: TenantRef, clock: Clock
) -> None:
    await participant(job_deps, tenant.id, "Ada", points=3)
    points = await job_deps.definitions.board(tenant.id, "points")
    asked = await trigger_run(job_deps, points, None, clock.now)  # queued, not yet picked up
    queue = job_deps.settings.job_queue
    assert await job_deps.store.redis.zcard(queue) == 1

    watched = await watch_runs(
        job_deps, clock.now + timedelta(minutes=5), pending_after=timedelta(minutes=1),
        processing_after=timedelta(hours=1),
    )  # fmt: skip

    assert watched.requeued == []
    assert await job_deps.store.redis.zcard(queue) == 1
    await drain(job_deps)
    assert (await LeaderboardRun.get(id=asked.id)).status == RunStatus.COMPLETE


async def test_a_burst_worker_fires_no_tick_and_runs_each_scheduled_job_by_name(
    job_deps: Deps, pool: ArqRedis
) -> None:
    p = job_deps.settings.redis_prefix
    served = build_worker(job_deps, pool)
    when = {c.name: (c.hour, c.minute, c.second) for c in served.cron_jobs}
    assert when == {
        f"{p}:detect_winners": (None, None, 0),
        f"{p}:close_periods": (None, None, 15),
        f"{p}:watch_runs": (None, None, 30),
        f"{p}:archive_runs": (3, 40, 45),
        f"{p}:release_rankings": (None, 20, 45),
        f"{p}:prepare_partitions": (None, 50, 45),
    }
    burst = build_worker(job_deps, pool, burst=True)
    assert burst.cron_jobs == []  # a tick landing mid-drain would run a job nobody queued
    assert set(when) <= set(burst.functions)
