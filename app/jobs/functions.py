"""The job functions: from arq's untyped ``ctx`` to a domain service, and into the job log.

``ctx["deps"]`` holds the worker's ``Deps`` (with its clock: tests pass their own). A cron
job's due time is its ``score`` (arq enqueues it deferred to that time), so a tick is the
tick it was scheduled for, however late it runs.

The worker registers each function wrapped in :func:`observed`: it runs under the request id
the job was enqueued with, and is counted and timed in the metrics.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from arq.typing import WorkerCoroutine
from arq.worker import Retry

from app.deps import Deps
from app.joblog.service import logged, record
from app.leaderboards import release
from app.ops import metrics, request_ids
from app.queue import ARCHIVE_RUNS
from app.runs import archive, partitions, schedule, snapshot
from app.winners import service as winners

Ctx = dict[str, Any]
log = logging.getLogger("app.jobs")
MINUTE_MS = 60_000
RETRY_SECONDS = 30  # before a job that could not begin is tried again
WINNER_RETRY_SECONDS = 5  # before a winner check with a failed board is tried again


def observed(job: Callable[..., Awaitable[str]]) -> WorkerCoroutine:
    """``job`` run under the request id it was enqueued with (its ``request_id`` keyword,
    see ``app.jobs.queue``), counted in ``ranked_job_runs`` by status (ok, retry, failed,
    cancelled) and timed, and logged when it ends (under that request id)."""
    name = job.__name__

    @functools.wraps(job)
    async def run(ctx: Ctx, *args: Any, request_id: str | None = None, **kwargs: Any) -> str:
        started, status = time.perf_counter(), "failed"
        with request_ids.bound(request_id):
            try:
                outcome = await job(ctx, *args, **kwargs)
                status = "ok"
                return outcome
            except Retry:
                status = "retry"
                raise
            except asyncio.CancelledError:
                status = "cancelled"
                raise
            finally:
                seconds = time.perf_counter() - started
                metrics.job_done(name, status, seconds)
                log.info(
                    "job %s %s in %.0f ms", name, status, seconds * 1000,
                    extra={"job": name, "status": status, "duration_ms": round(seconds * 1000, 1)},
                )  # fmt: skip

    return run


def deps_of(ctx: Ctx) -> Deps:
    deps: Deps = ctx["deps"]
    return deps


def tick_of(ctx: Ctx, tick_ms: int | None) -> datetime:
    """The minute a cron job was due at (or the one given, for a check by hand)."""
    ms = int(ctx["score"] if tick_ms is None else tick_ms)
    return datetime.fromtimestamp((ms - ms % MINUTE_MS) / 1000, UTC)


async def detect_winners(ctx: Ctx, tick_ms: int | None = None) -> str:
    """The winner check of one tick, on every board due then (nothing logged when none)."""
    deps, tick = deps_of(ctx), tick_of(ctx, tick_ms)
    boards = await winners.due_boards(tick)
    if not boards:
        return "no board due"
    outcome, detail = await logged(
        "detect_winners",
        tick.isoformat(),
        deps.clock,
        lambda: winners.check_tick(deps, boards, tick, deps.clock()),
    )
    if winners.FAILED in detail:  # again soon, while the tick may still be decided: boards
        raise Retry(defer=WINNER_RETRY_SECONDS)  # decided already stay as they are
    return outcome


async def make_run(ctx: Ctx, run_id: int) -> str:
    """Make the run; if it could not even begin (the database away), arq tries again later
    (within its tries): the run's one job id would keep the watchdog from asking again."""
    deps = deps_of(ctx)

    async def work() -> tuple[str, dict[str, Any]]:
        run = await snapshot.make_run(deps, run_id, deps.clock())
        if run is None:
            return "no such run", {}
        return run.status.value.lower(), {"rows": run.row_count, "error": run.error}

    try:
        outcome, _ = await logged("make_run", str(run_id), deps.clock, work)
    except Exception as exc:
        raise Retry(defer=RETRY_SECONDS) from exc
    return outcome


async def close_periods(ctx: Ctx) -> str:
    """Scheduled runs of the periods that closed (logged when it made any)."""
    deps = deps_of(ctx)
    s, started = deps.settings, deps.clock()
    created = await schedule.schedule_closed_periods(
        deps,
        started,
        grace=timedelta(seconds=s.run_grace_seconds),
        catch_up=timedelta(days=s.run_catch_up_days),
    )
    if created:
        await _done(deps, "close_periods", started, {"runs": created})
    return f"{len(created)} run(s)"


async def watch_runs(ctx: Ctx) -> str:
    """Runs that lost their job: enqueued again, or failed (logged when it acted)."""
    deps = deps_of(ctx)
    started = deps.clock()
    watched = await schedule.watch_runs(
        deps,
        started,
        pending_after=timedelta(minutes=1),
        processing_after=timedelta(seconds=deps.settings.job_timeout_seconds + 60),
    )
    if watched.requeued or watched.failed:
        detail = {"requeued": watched.requeued, "failed": watched.failed}
        await _done(deps, "watch_runs", started, detail)
    return f"{len(watched.requeued)} requeued, {len(watched.failed)} failed"


async def archive_runs(ctx: Ctx) -> str:
    """Move the runs past their retention to the archive (logged when it moved any), for
    at most half a job's timeout: with more due, it queues its own continuation. (A longer
    timeout of this job would be every job's: arq keeps any job in progress for the
    longest timeout before a dead worker's job is retried.)"""
    deps = deps_of(ctx)
    started = deps.clock()
    budget = deps.settings.archive_budget_seconds
    if budget is None:
        budget = deps.settings.job_timeout_seconds / 2
    moved = await archive.archive_due_runs(deps, started, budget=budget)
    if moved.runs:
        detail: dict[str, Any] = {
            "runs": moved.runs,
            "entries": moved.entries,
            "batches": moved.batches,
        }
        if moved.dropped:
            detail["partitions_dropped"] = list(moved.dropped)
        await _done(deps, "archive_runs", started, detail)
    if moved.more:
        # Any number may run at once, safely (a batch locks its runs): the id needs no meaning.
        await deps.jobs.enqueue(ARCHIVE_RUNS, job_id=f"archive:{uuid.uuid4().hex}")
    more = "; more due, continued" if moved.more else ""
    return f"{moved.runs} run(s), {moved.entries} entries archived{more}"


async def release_rankings(ctx: Ctx) -> str:
    """Delete from Redis the rankings of periods closed longer ago than the release grace
    whose run is COMPLETE (logged when it released any)."""
    deps = deps_of(ctx)
    started = deps.clock()
    done = await release.release_past_rankings(deps, started)
    if done.rankings:
        await _done(
            deps, "release_rankings", started, {"rankings": done.rankings, "keys": done.keys}
        )
    return f"{done.rankings} ranking(s) released ({done.keys} keys)"


async def prepare_partitions(ctx: Ctx) -> str:
    """Keep a range of run ids ahead in the snapshot tables' partitions (PostgreSQL; logged
    when it created any)."""
    deps = deps_of(ctx)
    started = deps.clock()
    done = await partitions.prepare_ahead(deps.settings.partition_runs)
    if done.created:
        detail = {"created": list(done.created), "drained": done.drained}
        await _done(deps, "prepare_partitions", started, detail)
    return f"{len(done.created)} partition(s) created, {done.drained} row(s) moved from DEFAULT"


async def _done(deps: Deps, name: str, started: datetime, detail: dict[str, Any]) -> None:
    await record(name, started.isoformat(timespec="minutes"), started, deps.clock(), "ok", detail)
