"""Leaderboard runs (snapshots), made by a real ``ranked worker``.

1. On the seeded database (``BENCH_PARTICIPANTS``, 1,000,000): a run of the top 1,000 of the
   points board (target: under 5 s), asked for over GraphQL (``triggerRun``) and waited for.
2. On a database of its own seeded with ``BENCH_RUN_PARTICIPANTS`` (100,000): a run that
   keeps every entry, and in the same run a raw ``COPY`` of the same rows into the same table
   (``run_entries``, its indexes and foreign keys included), in a transaction rolled back: the
   insert's own limit.

Reported: the run's time (started -> finished, from the run itself), the time from the
request to COMPLETE, rows, rows/s, and for the keep-all run the raw COPY's rows/s and the
ratio of the two.
"""

from __future__ import annotations

import asyncio
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import httpx

from bench.config import AUTHORIZATION, BenchConfig
from bench.console import say
from bench.service import ServerLog, run_ranked, service_env, serving
from bench.stores import BenchError, recreate_database

RUNS_DATABASE = "ranked_bench_runs"
POLL_SECONDS = 0.05
TRIGGER = 'mutation($all: Boolean!) { triggerRun(leaderboard: "points", keepAll: $all) { id } }'
COLUMNS = [
    "tenant_id", "run_id", "position", "rank", "participant_id", "score", "tie_key",
    "display_name", "avatar", "breakdown",
]  # fmt: skip


@dataclass(frozen=True, slots=True)
class RunMeasurement:
    name: str
    participants: int
    rows: int
    run_seconds: float  # the run's own started -> finished
    request_seconds: float  # triggerRun -> seen COMPLETE
    raw_copy_rows_per_second: float | None = None

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.run_seconds if self.run_seconds else 0.0

    @property
    def ratio_to_copy(self) -> float | None:
        raw = self.raw_copy_rows_per_second
        return round(self.rows_per_second / raw, 3) if raw else None


async def measure_runs(config: BenchConfig, log: ServerLog) -> list[RunMeasurement]:
    top = await _run(config, service_env(config), config.database_url, keep_all=False, log=log)
    say(f"run of the top 1,000 of {config.participants:,}: {top.run_seconds:.2f} s")
    n = config.run_participants
    url = _database_url(config, RUNS_DATABASE)
    await recreate_database(config.postgres_admin_url, RUNS_DATABASE)
    env = {**service_env(config), "DATABASE_URL": url}
    say(f"seeding {n:,} participants for the keep-all run")
    await run_ranked(["migrate"], env)
    await run_ranked(["seed", "--participants", str(n), "--seed", "2"], env)
    every = await _run(config, env, url, keep_all=True, log=log)
    raw = await _raw_copy(url)
    every = RunMeasurement(every.name, n, every.rows, every.run_seconds, every.request_seconds, raw)
    say(
        f"run keeping all {every.rows:,}: {every.rows_per_second:,.0f} rows/s;"
        f" raw COPY {raw:,.0f} rows/s (x{every.ratio_to_copy})"
    )
    return [top, every]


async def _run(
    config: BenchConfig, env: dict[str, str], url: str, *, keep_all: bool, log: ServerLog
) -> RunMeasurement:
    worker = await asyncio.create_subprocess_exec(
        *_worker_command(), env=env, stdout=asyncio.subprocess.DEVNULL
    )
    try:
        async with serving(env, log) as server, httpx.AsyncClient(timeout=30) as http:
            asked = time.perf_counter()
            body = {"query": TRIGGER, "variables": {"all": keep_all}}
            response = (
                await http.post(f"{server.base_url}/graphql", json=body, headers=AUTHORIZATION)
            ).json()
            if "errors" in response:
                raise BenchError(f"triggerRun failed: {response['errors']}")
            run_id = int(response["data"]["triggerRun"]["id"])
            row = await _until_finished(url, run_id, seconds=600)
            request_seconds = time.perf_counter() - asked
    finally:
        worker.terminate()
        await worker.wait()
    if row["status"] != "COMPLETE":
        raise BenchError(f"run {run_id} ended {row['status']}: {row['error']}")
    run_seconds = (row["finished_at"] - row["started_at"]).total_seconds()
    name = "run, every entry" if keep_all else "run, top 1,000"
    participants = config.run_participants if keep_all else config.participants
    return RunMeasurement(name, participants, row["row_count"], run_seconds, request_seconds)


def _worker_command() -> list[str]:
    return [str(Path(sys.executable).with_name("ranked")), "worker"]


async def _until_finished(url: str, run_id: int, seconds: float) -> dict[str, Any]:
    conn = await asyncpg.connect(url)
    try:
        deadline = time.perf_counter() + seconds
        while time.perf_counter() < deadline:
            row = await conn.fetchrow(
                "SELECT status, row_count, error, started_at, finished_at FROM leaderboard_runs"
                " WHERE id = $1",
                run_id,
            )
            if row is not None and row["status"] in ("COMPLETE", "FAILED"):
                return dict(row)
            await asyncio.sleep(POLL_SECONDS)  # another process: no event reaches us
    finally:
        await conn.close()
    raise BenchError(f"run {run_id} did not finish within {seconds:.0f} s")


async def _raw_copy(url: str) -> float:
    """rows/s of a COPY of the latest run's own rows into ``run_entries`` again (as another
    run), in a transaction that is rolled back."""
    conn = await asyncpg.connect(url)
    try:
        run_id = await conn.fetchval("SELECT MAX(id) FROM leaderboard_runs")
        rows = await conn.fetch(
            f"SELECT {', '.join(COLUMNS)} FROM run_entries WHERE run_id = $1", run_id
        )
        tr = conn.transaction()
        await tr.start()
        try:
            scratch = await conn.fetchval(
                "INSERT INTO leaderboard_runs (tenant_id, leaderboard_id, period, status, trigger,"
                " row_count, error, attempts, created_at) SELECT tenant_id, leaderboard_id,"
                " period, 'PENDING', 'ADMIN', 0, '', 0, now() FROM leaderboard_runs WHERE id = $1"
                " RETURNING id",
                run_id,
            )
            records = [(*r[:1], scratch, *r[2:]) for r in rows]
            started = time.perf_counter()
            await conn.copy_records_to_table("run_entries", records=records, columns=COLUMNS)
            seconds = time.perf_counter() - started
        finally:
            await tr.rollback()
    finally:
        await conn.close()
    return len(rows) / seconds


def _database_url(config: BenchConfig, name: str) -> str:
    return config.database_url.rsplit("/", 1)[0] + "/" + name
