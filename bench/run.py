"""``make bench``: seed a large board, then measure the GraphQL API against raw Redis.

What one run does, and what it measures:

1. **Fresh state.** Recreates the PostgreSQL database ``ranked_bench`` (``DROP DATABASE ...
   WITH (FORCE)``, ``CREATE DATABASE``) through ``BENCH_POSTGRES_ADMIN_URL`` and deletes
   every Redis key under the benchmark's own prefix (``rankedbench:``, SCAN + DEL; the Redis
   database is never flushed, it may be shared).
2. **Seeding.** ``ranked migrate``, then ``ranked seed --participants N --seed 1``, as
   subprocesses with ``DATABASE_URL``, ``REDIS_URL`` and ``RANKED_REDIS_PREFIX`` set. The
   seed's wall time (process start to exit) gives participants/s; its CPU time says how much
   of that the seed process computed rather than waited for PostgreSQL and Redis.
3. **Server.** ``ranked serve`` (one uvicorn worker, ``RANKED_LOG_LEVEL=warning``) on a free
   loopback port; the run waits (bounded polls, no blind sleeps) for ``/health`` and then
   for the board's ranking to be marked ready in Redis with all N members, because a server
   that finds the ranking not ready rebuilds it from the database first. That wait is
   reported too ("ranking ready").
4. **GraphQL scenarios**, each in a fresh process (``bench.http_load``): httpx, 50
   keep-alive HTTP/1.1 connections and 50 tasks, a 2 s warm-up, then a 10 s window.
   ``trivial`` is ``{ __typename }``; ``top100`` reads the top 100 of the points board with
   each participant's id and name; ``adjustPoints`` adds ±1..10 points to a random
   participant (ids 1..N) with a unique idempotency key. Non-200 responses, GraphQL
   ``errors`` and wrongly shaped data are errors: counted, listed, and they make the run
   exit with status 1 (after the results are written).
5. **Live subscriptions** (``bench.live``), on the same server and data, after the HTTP
   scenarios: ``BENCH_LIVE_SUBSCRIBERS`` websocket connections (graphql-transport-ws, one
   subscription each) held by ``BENCH_LIVE_PROCESSES`` subscriber processes, while a driver
   process makes paced ``adjustPoints`` changes over HTTP (at most
   ``BENCH_LIVE_DRIVER_CONCURRENCY`` in flight) for
   ``BENCH_LIVE_SECONDS``. Before the changes begin, every subscriber has had a first
   message (the initial top, or a marker change), so the server registered it.

   - ``rankChanged``: every subscriber follows every change, at ``BENCH_LIVE_CHANGE_RATE``
     changes/s to random participants.
   - ``rankChanged:own``: each subscriber follows its own participant only (the "my rank"
     widget); the changes go to those participants, at the same rate.
   - ``leaderboardTop``: ``leaderboardTop(first: 10)``, at ``BENCH_LIVE_TOP_RATE``
     changes/s (a target) to the current top 50, so the top 10 keeps changing.
   - ``rankChanged:split`` and ``leaderboardTop:split``: the same, but the driver sends its
     changes to a **second** ``ranked serve`` process (same database, Redis and
     ``RANKED_REDIS_PREFIX``, another free loopback port) while the subscribers stay on the
     first, so changes reach them through Redis pub/sub only and the writes no longer share
     the event loop of the fan-out: a deployment that takes writes on some processes and
     serves subscriptions on others. The second server starts (and waits for ``/health``)
     before the first ``:split`` scenario and stops, like the first, however the run ends.

   Measured: changes/s achieved against the target and the mutations' latency; for
   rankChanged, per subscriber, the changes expected, delivered (a message with ``merged``
   = k delivers k, counted as coalesced too) and lost (must be 0), and the delay from each
   change's HTTP response (and request) to its receipt, p50/p99, on the shared wall clock;
   for leaderboardTop, pushes per subscriber per second and whether every subscriber ended
   on the final top; subscriptions that ended early (``failed``: a subscriber the server
   cut as too slow counts here); server CPU per message; CPU of every process, the second
   server's (``writer``) in columns of its own (a load process near 100% of a core, or the
   machine's cores all busy, is flagged: on 2 cores the subscribers compete with the
   server). After the driver stops, the run waits for delivery as long as messages keep
   arriving (a server whose fan-out fell behind may take minutes to deliver its backlog),
   giving up after 10 s without any, or after 30 x ``BENCH_LIVE_SECONDS`` (60 s at least).
6. **Raw Redis baselines**, each in a fresh process too (``bench.redis_load``), after the
   server has stopped: ``ZREVRANGE <board> 0 99 WITHSCORES`` on the seeded N-member sorted
   set, and single ``ZINCRBY`` calls on a scratch key, with the same tasks and windows.
7. **Report.** A table of ops/s, p50, p99, errors and CPU use (server, the second server
   when a ``:split`` scenario ran, PostgreSQL backends of ``ranked_bench``, redis-server,
   load generator; % of one core) with a row per live scenario, the live scenarios' own
   tables, the ratios top100 / trivial, top100 / raw ZREVRANGE and adjustPoints / raw
   ZINCRBY, the target check "top100 >= 0.5 x trivial", and the same as JSON in
   ``bench/results/<UTC time>.json`` and ``bench/results/latest.json``, with machine info
   and the git commit. Errors (including lost changes, failed mutations and subscriptions
   that ended) make the run exit with status 1 once the results are written.

Clean-up: the server (and the second one) is stopped with SIGINT (SIGKILL after 20 s), every
load process is asked to exit (and terminated, then killed, if it does not), and the
prefix's Redis keys are deleted, also when a step fails, on Ctrl-C, or on SIGTERM (which
ends the run as Ctrl-C does; a job started in the background ignores SIGINT). The
``ranked_bench`` database is **left in place** for inspection or a rerun against the same
data (``DATABASE_URL=.../ranked_bench ranked ...``); the next ``make bench`` drops and
recreates it.

Every knob is an environment variable: ``BENCH_PARTICIPANTS`` (1,000,000),
``BENCH_SECONDS`` (10), ``BENCH_WARMUP`` (2), ``BENCH_CONCURRENCY`` (50),
``BENCH_MAX_SAMPLES`` (1,000,000 operations per window at most), ``BENCH_POSTGRES_ADMIN_URL``,
``BENCH_REDIS_URL`` (redis://127.0.0.1:6379/0), ``BENCH_REDIS_PREFIX`` (rankedbench);
for the live scenarios ``BENCH_LIVE_SCENARIOS`` (rankChanged,rankChanged:own,leaderboardTop,
rankChanged:split,leaderboardTop:split, in that order; empty: none),
``BENCH_LIVE_SUBSCRIBERS`` (1,000), ``BENCH_LIVE_PROCESSES`` (2), ``BENCH_LIVE_SECONDS``
(10), ``BENCH_LIVE_CHANGE_RATE`` (100), ``BENCH_LIVE_TOP_RATE`` (1,000),
``BENCH_LIVE_DRIVER_CONCURRENCY`` (10 changes in flight at most); for ingestion
``BENCH_INGEST_BATCH`` (1,000 events per recordScores call) and
``BENCH_INGEST_CONCURRENCY`` (4 calls in flight). A quick try:
``BENCH_PARTICIPANTS=20000 BENCH_SECONDS=2 BENCH_LIVE_SUBSCRIBERS=100 BENCH_LIVE_SECONDS=3
make bench``; the split configuration alone:
``BENCH_LIVE_SCENARIOS=rankChanged:split,leaderboardTop:split``.

The load generator shares this machine's cores with the server, PostgreSQL and Redis, as in
the numbers of /work/shared/STACK-NOTES.md; the CPU columns show who used them.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import signal
import sys
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import TypeVar

from redis.asyncio import Redis

from bench.archive import measure_archive
from bench.config import DATABASE_NAME, RESULTS_DIR, ROOT, BenchConfig, load_config
from bench.console import say
from bench.cpu import CpuWatch
from bench.driver import Measurement
from bench.groups import measure_groups
from bench.http_load import REQUEST_TIMEOUT, SCENARIOS, HttpSpec, define_composite, run_http
from bench.live import LiveMeasurement, measure_live
from bench.rebuild import measure_rebuilds
from bench.redis_load import RedisSpec, run_redis
from bench.release import measure_release
from bench.report import Run, Seeding, render, to_json, write_json
from bench.runs import measure_runs
from bench.service import Server, ServerLog, run_ranked, service_env, serving
from bench.stores import (
    BenchError,
    check_redis,
    delete_prefix,
    find_scores_key,
    participant_ids,
    recreate_database,
    redis_client,
    wait_until_ranked,
)

Spec = TypeVar("Spec", HttpSpec, RedisSpec)
T = TypeVar("T")

MIGRATE_TIMEOUT = 120.0
SCRATCH_KEY = "bench:zincr"


async def _within(seconds: float, what: str, step: Awaitable[T]) -> T:
    """``step``, or a :class:`BenchError` once ``seconds`` pass (the step is cancelled)."""
    try:
        async with asyncio.timeout(seconds):
            return await step
    except TimeoutError:
        raise BenchError(f"{what} did not finish within {seconds:.0f} s") from None


def _seed_timeout(participants: int) -> float:
    return max(120.0, participants / 1_000)  # a safety net: 1,000 participants/s at worst


def _ready_timeout(participants: int) -> float:
    return max(60.0, participants / 2_000)


async def _seed(config: BenchConfig) -> Seeding:
    """Migrate and seed ``ranked_bench``; checks participants got ids 1..N."""
    env = service_env(config)
    say("migrating")
    migrate = await _within(MIGRATE_TIMEOUT, "migrate", run_ranked(["migrate"], env))
    n = config.participants
    say(f"seeding {n:,} participants")
    args = ["seed", "--participants", str(n), "--seed", "1"]
    seed = await _within(_seed_timeout(n), "seeding", run_ranked(args, env))
    ids = await participant_ids(config.database_url)
    if (ids.count, ids.first, ids.last) != (n, 1, n):
        raise BenchError(f"expected participants 1..{n}, found {ids}")
    say(f"seeded in {seed.wall_seconds:.1f} s ({n / seed.wall_seconds:,.0f} participants/s)")
    return Seeding(
        n,
        migrate_seconds=round(migrate.wall_seconds, 3),
        seed_seconds=round(seed.wall_seconds, 3),
        seed_cpu_seconds=round(seed.cpu_seconds, 3),
    )


def _settle(future: asyncio.Future[Measurement], outcome: Measurement | BaseException) -> None:
    if future.done():  # given up on (timeout, Ctrl-C)
        return
    if isinstance(outcome, BaseException):
        future.set_exception(outcome)
    else:
        future.set_result(outcome)


async def _in_fresh_process(target: Callable[[Spec], Measurement], spec: Spec) -> Measurement:
    """Run one load scenario in a new process (its own interpreter, GIL and event loop)."""
    loop = asyncio.get_running_loop()
    result: asyncio.Future[Measurement] = loop.create_future()

    def deliver(outcome: Measurement | BaseException) -> None:  # runs in the pool's thread
        loop.call_soon_threadsafe(_settle, result, outcome)

    timeout = spec.warmup + spec.seconds + REQUEST_TIMEOUT + 60
    with multiprocessing.get_context("spawn").Pool(1) as pool:  # exit terminates the worker
        pool.apply_async(target, (spec,), callback=deliver, error_callback=deliver)
        try:
            measurement = await asyncio.wait_for(result, timeout)
        except TimeoutError:
            raise BenchError(f"load process gave no result within {timeout:.0f} s") from None
    ok = f"{measurement.ops_per_second:,.1f} ops/s, p99 {measurement.p99_ms} ms"
    say(f"{measurement.name}: {ok}, {measurement.errors} errors")
    return measurement


async def _measure_http(config: BenchConfig, server: Server, watch: CpuWatch) -> list[Measurement]:
    results = []
    for scenario in SCENARIOS:
        say(f"scenario {scenario}")
        concurrency = config.concurrency
        if scenario == "recordScores":
            await define_composite(server.base_url)
            concurrency = config.ingest_concurrency
        spec = HttpSpec(
            scenario, server.base_url, config.participants, concurrency,
            config.warmup, config.seconds, config.max_samples, watch, batch=config.ingest_batch,
        )  # fmt: skip
        results.append(await _in_fresh_process(run_http, spec))
    return results


async def _measure_redis(config: BenchConfig, scores_key: str, redis_pid: int) -> list[Measurement]:
    watch = CpuWatch({"redis": (redis_pid,)})
    scratch = f"{config.redis_prefix}:{SCRATCH_KEY}"
    results = []
    for baseline, key in (("raw ZREVRANGE", scores_key), ("raw ZINCRBY", scratch)):
        say(f"baseline {baseline}")
        spec = RedisSpec(
            baseline, config.redis_url, key, config.participants, config.concurrency,
            config.warmup, config.seconds, config.max_samples, watch,
        )  # fmt: skip
        results.append(await _in_fresh_process(run_redis, spec))
    return results


async def _serve_and_measure(
    config: BenchConfig,
    redis: Redis,
    redis_pid: int,
    logs: tuple[ServerLog, ServerLog],
    scores_key: str,
) -> tuple[float, list[Measurement], list[LiveMeasurement]]:
    """Serve, measure the GraphQL scenarios and the live ones; ``logs``: the output of the
    server and of the live scenarios' second server; ``scores_key``: the seeded ranking."""
    log, writer_log = logs
    try:
        async with serving(service_env(config), log) as server:
            say(f"server at {server.base_url}; waiting for the ranking to be ready")
            ready = await _within(
                _ready_timeout(config.participants),
                "the ranking's rebuild",
                wait_until_ranked(redis, scores_key, config.participants),
            )
            say(f"ranking ready after {ready:.1f} s")
            watch = CpuWatch({"server": (server.pid,), "redis": (redis_pid,)}, DATABASE_NAME)
            http = await _measure_http(config, server, watch)
            live = await measure_live(config, server, watch, writer_log)
    except BenchError:
        for name, lines in (("server", log.tail), ("second server", writer_log.tail)):
            for line in lines:
                say(f"{name}: {line}")
        raise
    return ready, http + await _measure_redis(config, scores_key, redis_pid), live


def _cancel_on_sigterm() -> None:
    """SIGTERM cancels the run, so every clean-up (servers, load processes, Redis keys) runs
    as on Ctrl-C; by default it would end this process at once and orphan the servers."""
    task = asyncio.current_task()
    if task is not None:
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, task.cancel)


async def benchmark(config: BenchConfig) -> Run:
    """One complete run; Redis keys under the prefix are deleted however it ends."""
    _cancel_on_sigterm()
    started, load_before = datetime.now(UTC), os.getloadavg()
    redis = redis_client(config.redis_url)
    try:
        redis_pid = await check_redis(redis, config.redis_url)
        await recreate_database(config.postgres_admin_url, DATABASE_NAME)
        await delete_prefix(redis, config.redis_prefix)
        seeding = await _seed(config)
        logs = ServerLog(), ServerLog()
        scores_key = await find_scores_key(redis, config.redis_prefix)  # the seeded points board
        ready, measurements, live = await _serve_and_measure(
            config, redis, redis_pid, logs, scores_key
        )
        rebuilds = await measure_rebuilds(config, redis, scores_key, logs[0])
        runs = await measure_runs(config, logs[0])
        archive = await measure_archive(config, logs[0])
        archive += await measure_groups(config, logs[0])
        release = await measure_release(config)
        return Run(
            config,
            started,
            seeding,
            ready,
            measurements,
            live,
            *logs,
            load_before,
            rebuilds,
            runs,
            archive,
            release,
        )
    finally:
        deleted = await delete_prefix(redis, config.redis_prefix)
        say(f"deleted {deleted} Redis keys under {config.redis_prefix}:")
        await redis.aclose()


def main() -> None:
    config = load_config()
    try:
        run = asyncio.run(benchmark(config))
    except BenchError as exc:
        print(f"bench: {exc}", file=sys.stderr)
        raise SystemExit(1) from None
    except asyncio.CancelledError:  # SIGTERM
        print("bench: stopped (SIGTERM)", file=sys.stderr)
        raise SystemExit(128 + signal.SIGTERM) from None
    document = to_json(run)
    path = write_json(document, RESULTS_DIR, run.started)
    print(render(document, run))
    print(f"\nresults: {path.relative_to(ROOT)} (also {RESULTS_DIR.relative_to(ROOT)}/latest.json)")
    if any(m.errors or m.errors_outside_window for m in run.measurements):
        raise SystemExit(1)
    if any(m.errors for m in run.live) or any(m.errors for m in run.rebuilds):
        raise SystemExit(1)
    if any(m.errors for m in run.archive):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
