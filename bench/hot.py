"""The hot paths of issue 17, loaded with native tools, each row against its limit measured
in the same run, on a database and Redis prefix of their own.

1. ``ranked_bench_hot``: migrate, seed ``BENCH_HOT_PARTICIPANTS`` (1,000,000), ``ranked
   serve`` (one process, the result cache on), waiting until the points board is ranked.
2. Rows, wrk with ``bench/wrk/graphql.lua``, ``BENCH_HOT_SECONDS`` (10) each:
   - ``top100, no writes``: the same top-100 body, 50 connections (served from the result
     cache). Limit: ``bench.bare``, a bare uvicorn ASGI app answering every request with
     the same response bytes, same wrk, same connections.
   - ``top100 while adjustPoints runs`` and ``adjustPoints while top100 runs``: both at
     once, reads on 50 connections and writes on 5, each as fast as it is answered
     (``saturating``); then paced (wrk's ``delay()``) at the seed's sizing, 1,000 reads/s
     and 100 writes/s, on ``ranked serve --workers 2`` (``paced, --workers 2``: the
     issue's target 1 asks p99 < 50 ms for reads and < 100 ms for writes). Limits: the
     seed's 1,000 reads/s and 100 writes/s.
   - ``adjustPoints``: 50 connections. Limit: ``pgbench``, 50 clients, one transaction of
     an event insert and a standing upsert (what one adjustPoints commits, at the least).
3. ``Redis bytes per ranked member``: ``MEMORY USAGE`` of the board's sorted set and its
   versions hash over its members; the limit is the issue's target, 100 B (below 1.0x is
   better).
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import httpx
from redis.asyncio import Redis

from bench.archive import pgbench, run_alone
from bench.config import BENCH_KEY, ROOT, BenchConfig
from bench.console import say
from bench.service import Server, ServerLog, free_port, run_ranked, service_env, serving, stop
from bench.stores import (
    BenchError,
    delete_prefix,
    recreate_database,
    redis_client,
    wait_until_ranked,
)
from bench.wrk import WrkResult, wrk

DATABASE = "ranked_bench_hot"
READERS, WRITERS = 50, 5
PACED_WRITERS = 10  # connections of the paced writes (each waits 100 ms between requests)
SEED_READS, SEED_WRITES = 1_000.0, 100.0  # seed 003's peak: reads/s and adjustPoints/s
MEMORY_TARGET = 100.0  # bytes per ranked member (issue 17)
TOP100 = (
    '{"query":"{ leaderboard { entries(first: 100) { edges { node { rank score'
    ' participant { id name } } } } } }"}'
)  # bench/wrk/graphql.lua's top100
# One adjustPoints at the least: an event and its standing, one transaction (pgbench).
WRITE_SQL = """\\set p random(1, {participants})
BEGIN;
INSERT INTO score_events (value, occurred_at, source, source_id, action_type, context,
  created_at, metric_id, participant_id, tenant_id)
  VALUES (1, now(), 'pgbench', md5(random()::text), '', '{{}}', now(), 1, :p, 1);
INSERT INTO standings (period, score, version, updated_at, leaderboard_id, participant_id,
  tenant_id, tie_key) VALUES ('all', 1, 1, now(), 1, :p, 1, '')
  ON CONFLICT (leaderboard_id, period, participant_id)
  DO UPDATE SET score = standings.score + 1, version = standings.version + 1;
END;
"""


def _sizes() -> tuple[int, float]:
    return (
        int(os.environ.get("BENCH_HOT_PARTICIPANTS", "1000000")),
        float(os.environ.get("BENCH_HOT_SECONDS", "10")),
    )


@dataclass(frozen=True, slots=True)
class HotMeasurement:
    name: str
    value: float  # per second, or bytes per member
    limit: float  # the same unit, measured in the same run (or the target it is held to)
    requests: int = 0
    p50_ms: float | None = None
    p99_ms: float | None = None
    errors: int = 0

    @property
    def ratio(self) -> float | None:
        return round(self.value / self.limit, 3) if self.limit else None


def _row(name: str, found: WrkResult, limit: float) -> HotMeasurement:
    return HotMeasurement(
        name,
        round(found.per_second, 1),
        round(limit, 1),
        found.requests,
        found.p50_ms,
        found.p99_ms,
        found.errors + found.socket_errors,
    )


async def measure_hot(config: BenchConfig, log: ServerLog) -> list[HotMeasurement]:
    participants, seconds = _sizes()
    url = config.database_url.rsplit("/", 1)[0] + "/" + DATABASE
    prefix = f"{config.redis_prefix}hot"
    await recreate_database(config.postgres_admin_url, DATABASE)
    env = {**service_env(config), "DATABASE_URL": url, "RANKED_REDIS_PREFIX": prefix}
    redis = redis_client(config.redis_url)
    try:
        await delete_prefix(redis, prefix)
        await run_ranked(["migrate"], env)
        say(f"hot: seeding {participants:,} participants")
        await run_ranked(["seed", "--participants", str(participants), "--seed", "5"], env)
        reader = await _read_key(env)
        async with serving(env, log) as server:
            key = f"{prefix}:{{1:points:all}}:scores"  # the seeded points board
            await wait_until_ranked(redis, key, participants)
            result = await _http_rows(server, participants, seconds, reader)
            result.append(await _write_row(server, url, participants, seconds))
            memory = await _memory_row(redis, key)
        async with serving(env, log, workers=2) as pair:  # the seed's sizing, two processes
            await wait_until_ranked(redis, key, participants)
            result += await _mixed(pair, participants, seconds, "paced, --workers 2", reader)
        result.append(memory)
    finally:
        await delete_prefix(redis, prefix)
        await redis.aclose()
    return result


async def _read_key(env: dict[str, str]) -> str:
    """A READ key for the page's readers: the writes come with the admin key, and a key
    that wrote reads its own writes (no answer from before them)."""
    made = await run_ranked(
        ["key", "create", "--tenant", "default", "--scope", "READ", "--name", "readers"],
        env,
        capture=True,
    )
    return made.stdout.strip().split()[-1]


async def _http_rows(
    server: Server, participants: int, seconds: float, reader: str
) -> list[HotMeasurement]:
    async with httpx.AsyncClient(base_url=server.base_url, timeout=30) as client:
        response = await client.post(
            "/graphql",
            content=TOP100,
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {BENCH_KEY}"},
        )
    if response.status_code != 200 or b'"errors"' in response.content:
        raise BenchError(f"top100 answered {response.status_code}: {response.text[:300]}")
    body = response.content
    async with (
        bare_app(body) as bare,
        wrk(bare, "top100", participants=0, connections=READERS, seconds=seconds) as run,
    ):
        limit = await run.result()
    say(f"hot: bare ASGI app, {len(body):,} B: {limit.per_second:,.0f} req/s")
    async with wrk(
        server.base_url, "top100", participants=0, connections=READERS, seconds=seconds
    ) as run:
        cached = await run.result()
    say(f"hot: top100 no writes {cached.per_second:,.0f} req/s")
    return [
        _row("top100, no writes (vs bare ASGI app)", cached, limit.per_second),
        *await _mixed(server, participants, seconds, "saturating", reader),
    ]


async def _mixed(
    server: Server, participants: int, seconds: float, how: str, reader: str
) -> list[HotMeasurement]:
    """Reads and writes at once: ``saturating`` (each connection as fast as it is
    answered), or ``paced`` at the seed's 1,000 reads/s and 100 writes/s."""
    paced = how.startswith("paced")
    read_env = {"BENCH_WRK_DELAY_MS": str(int(READERS * 1000 / SEED_READS))} if paced else {}
    write_env = {"BENCH_WRK_DELAY_MS": str(int(PACED_WRITERS * 1000 / SEED_WRITES))}
    writers = PACED_WRITERS if paced else WRITERS
    async with (
        wrk(server.base_url, "top100", participants=0, connections=READERS, seconds=seconds,
            env=read_env, key=reader) as reads,
        wrk(server.base_url, "adjustPoints", participants=participants, connections=writers,
            seconds=seconds, env=write_env if paced else {}) as writes,
    ):  # fmt: skip
        got_reads, got_writes = await asyncio.gather(reads.result(), writes.result())
    say(f"hot: {how} {got_reads.per_second:,.0f} reads/s, {got_writes.per_second:,.0f} writes/s")
    return [
        _row(f"top100 while adjustPoints runs, {how} (vs 1,000/s)", got_reads, SEED_READS),
        _row(f"adjustPoints while top100 runs, {how} (vs 100/s)", got_writes, SEED_WRITES),
    ]


async def _write_row(server: Server, url: str, participants: int, seconds: float) -> HotMeasurement:
    limit = await pgbench(url, WRITE_SQL.format(participants=participants), READERS, seconds)
    async with wrk(
        server.base_url, "adjustPoints", participants=participants, connections=READERS,
        seconds=seconds,
    ) as run:  # fmt: skip
        found = await run.result()
    say(f"hot: adjustPoints {found.per_second:,.0f}/s; pgbench {limit:,.0f} tps")
    return _row("adjustPoints, 50 connections (vs pgbench)", found, limit)


async def _memory_row(redis: Redis, scores_key: str) -> HotMeasurement:
    versions = scores_key.removesuffix(":scores") + ":versions"
    members = int(await redis.zcard(scores_key))
    used = 0
    for key in (scores_key, versions):
        used += int(await redis.memory_usage(key, samples=0) or 0)
    per_member = used / max(members, 1)
    say(f"hot: Redis {per_member:,.1f} B per ranked member ({members:,})")
    return HotMeasurement(
        "Redis bytes per ranked member (vs 100 B)", round(per_member, 1), MEMORY_TARGET
    )


@asynccontextmanager
async def bare_app(body: bytes) -> AsyncIterator[str]:
    """``bench.bare`` under uvicorn (one process, its defaults) on a free port, answering
    ``body``; yields its base URL."""
    port = free_port()
    with tempfile.NamedTemporaryFile(suffix=".json") as file:
        file.write(body)
        file.flush()
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "uvicorn", "bench.bare:app", "--host", "127.0.0.1",
            "--port", str(port), "--log-level", "warning", "--no-access-log",
            env={**os.environ, "BENCH_BARE_BODY": file.name}, cwd=ROOT,
        )  # fmt: skip
        try:
            base_url = f"http://127.0.0.1:{port}"
            await _wait_up(process, base_url)
            yield base_url
        finally:
            await stop(process)


async def _wait_up(process: asyncio.subprocess.Process, base_url: str) -> None:
    deadline = time.perf_counter() + 30
    async with httpx.AsyncClient(base_url=base_url, timeout=2.0) as client:
        while process.returncode is None and time.perf_counter() < deadline:
            try:
                if (await client.get("/")).status_code == 200:
                    return
            except httpx.HTTPError:
                pass  # not listening yet
            await asyncio.sleep(0.1)
    raise BenchError("the bare ASGI app did not come up")


def hot_table(measured: list[HotMeasurement]) -> list[str]:
    from bench.report import format_table  # bench.report imports this module

    headers = ["hot path (issue 17)", "requests", "per s or B", "limit", "x limit",
               "p50 ms", "p99 ms", "errors"]  # fmt: skip
    rows = [
        [
            m.name,
            f"{m.requests:,}" if m.requests else "-",
            f"{m.value:,.1f}",
            f"{m.limit:,.1f}",
            "-" if m.ratio is None else f"{m.ratio:.3f}",
            "-" if m.p50_ms is None else f"{m.p50_ms:.1f}",
            "-" if m.p99_ms is None else f"{m.p99_ms:.1f}",
            str(m.errors),
        ]
        for m in measured
    ]
    return [
        "Hot paths, wrk (limits: a bare ASGI app with the same bytes, pgbench, the seed's"
        " sizing; same run)",
        *format_table(headers, rows),
    ]


def main() -> None:
    """``python -m bench.hot``: this part of ``make bench`` alone."""
    run_alone(measure_hot, "hot", hot_table)


if __name__ == "__main__":
    main()
