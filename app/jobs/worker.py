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


def build_worker(deps: Deps, pool: ArqRedis, *, burst: bool = False) -> Worker:
    """A worker over open services and an arq pool (``burst``: until the queue is empty)."""
    s = deps.settings
    prefix = s.redis_prefix
    return Worker(
        functions=[
            func(observed(functions.make_run), name=MAKE_RUN, timeout=s.job_timeout_seconds),
            func(observed(functions.detect_winners), name="detect_winners"),
            func(observed(functions.archive_runs), name=ARCHIVE_RUNS),
        ],
        cron_jobs=[
            cron(observed(functions.detect_winners), name=f"{prefix}:detect_winners", second=0),
            cron(observed(functions.close_periods), name=f"{prefix}:close_periods", second=15),
            cron(observed(functions.watch_runs), name=f"{prefix}:watch_runs", second=30),
            cron(
                observed(functions.archive_runs),
                name=f"{prefix}:archive_runs",
                hour=ARCHIVE_AT.hour,
                minute=ARCHIVE_AT.minute,
                second=ARCHIVE_AT.second,
            ),
            cron(
                observed(functions.release_rankings),
                name=f"{prefix}:release_rankings",
                minute=RELEASE_AT.minute,
                second=RELEASE_AT.second,
            ),
            cron(
                observed(functions.prepare_partitions),
                name=f"{prefix}:prepare_partitions",
                minute=PARTITIONS_AT.minute,
                second=PARTITIONS_AT.second,
            ),
        ],
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
