"""The arq worker: its functions, its cron table, and the services it runs them with.

Cron (every minute; names under the Redis prefix, so arq's per-tick job ids are per
deployment): at :00 the winner check of that minute's tick (boards are due when the tick
falls on their interval), at :15 the scheduled runs of periods that closed, at :30 the
watchdog of runs that lost their job; daily at 03:40:45 UTC the archive job (runs past their
retention; it queues its own continuation, ``archive_runs``, when there is more than it may
do in one go); hourly at :20:45 the release of past periods' rankings from Redis
(``app.leaderboards.release``); hourly at :50:45 the snapshot tables' partitions ahead
(``app.runs.partitions``; the migration leaves 10,000 run ids of room for the first hour).
Queued: ``make_run``. The worker also runs a ranking keeper, like every API process.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import time
from typing import Any

from arq import cron
from arq.connections import ArqRedis
from arq.worker import Worker, func

from app.connections import embedded_redis_url, redis_client
from app.db import database
from app.deps import Deps, build_deps
from app.jobs import functions
from app.jobs.functions import observed
from app.jobs.queue import ArqJobQueue, open_pool
from app.ops import metrics
from app.queue import ARCHIVE_RUNS, MAKE_RUN
from app.settings import Settings

log = logging.getLogger(__name__)

HEALTH_CHECK_SECONDS = 60  # how often the worker writes <queue>:health-check
ARCHIVE_AT = time(3, 40, 45)  # UTC, daily: the archive job, between the minute's other jobs
RELEASE_AT = time(0, 20, 45)  # every hour at :20:45: the release of past rankings
PARTITIONS_AT = time(0, 50, 45)  # every hour at :50:45: partitions ahead

Every = tuple[int | None, int | None, int]  # a cron's hour, minute, second (None: each)


def build_worker(deps: Deps, pool: ArqRedis, *, burst: bool = False) -> Worker:
    """A worker over open services and an arq pool (``burst``: until the queue is empty).

    A burst worker runs what was queued and stops: its scheduled functions are registered
    under their cron names without their schedules, so they can be queued by name, but no
    tick fires while it drains (one landing mid-drain would run a job nobody queued)."""
    s = deps.settings
    prefix = s.redis_prefix
    scheduled: list[tuple[Any, str, Every]] = [  # (function, name, when: hour, minute, second)
        (functions.detect_winners, "detect_winners", (None, None, 0)),
        (functions.close_periods, "close_periods", (None, None, 15)),
        (functions.watch_runs, "watch_runs", (None, None, 30)),
        (functions.archive_runs, "archive_runs", _at(ARCHIVE_AT, daily=True)),
        (functions.release_rankings, "release_rankings", _at(RELEASE_AT)),
        (functions.prepare_partitions, "prepare_partitions", _at(PARTITIONS_AT)),
    ]
    queued = [
        func(observed(functions.make_run), name=MAKE_RUN, timeout=s.job_timeout_seconds),
        func(observed(functions.detect_winners), name="detect_winners"),
        func(observed(functions.archive_runs), name=ARCHIVE_RUNS),
    ]
    if burst:
        queued += [func(observed(job), name=f"{prefix}:{name}") for job, name, _ in scheduled]
    crons = (
        []
        if burst
        else [
            cron(observed(job), name=f"{prefix}:{name}", hour=h, minute=m, second=sec)
            for job, name, (h, m, sec) in scheduled
        ]
    )
    return Worker(
        functions=queued,
        cron_jobs=crons,
        redis_pool=pool,
        queue_name=s.job_queue,
        burst=burst,
        poll_delay=0 if burst else 0.5,
        handle_signals=not burst,
        job_timeout=s.job_timeout_seconds,
        max_tries=s.job_tries,
        health_check_interval=HEALTH_CHECK_SECONDS,
        ctx={"deps": deps},
        on_startup=_start_keeper,
        on_shutdown=_stop_keeper,
    )


def _at(moment: time, *, daily: bool = False) -> Every:
    """The cron fields of a moment of every hour (or, ``daily``, of every day)."""
    return (moment.hour if daily else None, moment.minute, moment.second)


async def _start_keeper(ctx: dict[str, Any]) -> None:
    deps = functions.deps_of(ctx)
    ctx["keeper"] = asyncio.create_task(deps.keeper.run(), name="ranking-keeper")


async def _stop_keeper(ctx: dict[str, Any]) -> None:
    task: asyncio.Task[None] | None = ctx.get("keeper")
    if task is not None:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    await functions.deps_of(ctx).keeper.close()
    metrics.process_stopping()


@asynccontextmanager
async def job_services(settings: Settings) -> AsyncIterator[tuple[Deps, ArqRedis]]:
    """ORM, Redis and the arq pool, and the services over them (a process that enqueues
    or runs jobs)."""
    async with database(settings), embedded_redis_url(settings) as url:
        redis = redis_client(url)
        pool = await open_pool(url)
        try:
            yield build_deps(settings, redis, jobs=ArqJobQueue(pool, settings)), pool
        finally:
            await redis.aclose()
            await pool.aclose()


async def run_worker(settings: Settings, *, burst: bool = False) -> None:
    """Run a worker until it is stopped (SIGINT, SIGTERM), or the queue is empty (burst)."""
    if settings.metrics and settings.worker_metrics_port:
        metrics.serve_in_background(settings.host, settings.worker_metrics_port)
    async with job_services(settings) as (deps, pool):
        worker = build_worker(deps, pool, burst=burst)
        try:
            await worker.async_run()
        except asyncio.CancelledError:  # SIGINT or SIGTERM: arq cancelled its main task
            log.info("worker stopping")
        finally:
            await worker.close()
