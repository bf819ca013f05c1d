"""Archiving and history over three simulated years (seed 002), on a database of its own.

1. ``ranked_bench_archive``: migrate, seed ``BENCH_ARCHIVE_PARTICIPANTS`` (1,000), a DAILY
   board ``daily`` (the points board's definition under another key and window), and one
   COMPLETE scheduled run per day for ``BENCH_ARCHIVE_DAYS`` (1,095) up to yesterday, each
   with ``BENCH_ARCHIVE_ENTRIES`` (1,000) entries, written set-wise in SQL: the snapshots the
   worker would have made, without the days it would take to make them. Their run ids
   start past the first partition, so they land in DEFAULT; ``ranked partitions`` (ranges
   of 100 run ids) moves them into their ranges, and the archive drops the ones it empties.
2. **The limit**: the same move as raw SQL, one INSERT ... SELECT of every due run's entries
   into ``archived_run_entries`` and one DELETE of them, in a transaction rolled back.
3. ``ranked archive`` (the default batch), timed as it reports (the archiving, not the
   process's start): entries/s, and its ratio to the raw move. Checked: the due runs (DAILY
   keeps 30 days) are all archived and no entry is lost.
4. **History** over the three years, with ``ranked serve`` (the result cache off, so every
   request runs the query): wrk on ``history`` (the latest 50 periods: live and archived)
   and ``historyDeep`` (50 periods of the first year: archived), 10 connections, 5 s each.
   The limit: ``pgbench`` running the same SQL the server runs, same connections and time.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg

from app.runs.service import ALL_RUNS, ENDED_AT, VIEW_COLUMNS
from bench.config import RESULTS_DIR, ROOT, BenchConfig, load_config
from bench.console import say
from bench.service import ServerLog, run_ranked, service_env, serving
from bench.stores import BenchError, recreate_database
from bench.wrk import wrk

DATABASE = "ranked_bench_archive"
ENTRIES = (
    "id, tenant_id, run_id, position, rank, participant_id, score, tie_key, display_name,"
    " avatar, breakdown"
)
CONNECTIONS = 10
PARTITION_RUNS = 100  # run ids per partition: 1,095 runs span 11 ranges
SECONDS = 5.0
PAGE = 50


@dataclass(frozen=True, slots=True)
class ArchiveMeasurement:
    name: str  # "archive" or a history scenario
    rows: int  # entries moved, or requests made
    seconds: float
    limit_per_second: float  # the raw SQL's rate (rows/s, or pgbench transactions/s)
    p50_ms: float | None = None
    p99_ms: float | None = None
    errors: int = 0

    @property
    def per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0

    @property
    def ratio(self) -> float | None:
        return round(self.per_second / self.limit_per_second, 3) if self.limit_per_second else None


def _sizes() -> tuple[int, int, int]:
    return (
        int(os.environ.get("BENCH_ARCHIVE_PARTICIPANTS", "1000")),
        int(os.environ.get("BENCH_ARCHIVE_DAYS", "1095")),
        int(os.environ.get("BENCH_ARCHIVE_ENTRIES", "1000")),
    )


async def measure_archive(config: BenchConfig, log: ServerLog) -> list[ArchiveMeasurement]:
    participants, days, entries = _sizes()
    url = config.database_url.rsplit("/", 1)[0] + "/" + DATABASE
    await recreate_database(config.postgres_admin_url, DATABASE)
    env = {
        **service_env(config),
        "DATABASE_URL": url,
        "RANKED_RESULT_CACHE_SIZE": "0",
        "RANKED_PARTITION_RUNS": str(PARTITION_RUNS),
    }
    await run_ranked(["migrate"], env)
    await run_ranked(["seed", "--participants", str(participants), "--seed", "3"], env)
    say(f"archive: {days:,} daily runs of {min(entries, participants):,} entries")
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    conn = await asyncpg.connect(url)
    try:
        # Run ids past the migration's first partition: the runs written at once land in
        # DEFAULT, and ``ranked partitions`` moves them into ranges of PARTITION_RUNS.
        await conn.execute("SELECT setval('leaderboard_runs_id_seq', 10000, false)")
        await _school_years(conn, today, days, min(entries, participants), participants)
        before = await conn.fetchval("SELECT count(*) FROM run_entries")
        began = time.perf_counter()
        parts = await run_ranked(["partitions"], env, capture=True)
        created = parts.stdout.count("created ")
        say(f"partitions: {created} created, {before:,} rows moved out of DEFAULT"
            f" in {time.perf_counter() - began:.1f} s")  # fmt: skip
        raw = await _raw_move(conn, today - timedelta(days=30))
    finally:
        await conn.close()
    done = await run_ranked(["archive"], env, capture=True)
    dropped = re.search(r"dropped emptied partition\(s\) (.*)", done.stdout)
    say(f"archive dropped {0 if dropped is None else len(dropped.group(1).split(', '))}"
        " emptied live partition(s)")  # fmt: skip
    said = re.search(r"entries in \d+ batch\(es\), ([0-9.]+) s", done.stdout)
    if said is None:
        raise BenchError(f"ranked archive said {done.stdout!r}")
    seconds = float(said.group(1))  # the archiving's own time, not the process's start
    moved = await _check(url, before)
    say(f"archived {moved:,} entries in {seconds:.1f} s; raw move {raw:,.0f} entries/s")
    result = [ArchiveMeasurement("archive (ranked archive)", moved, seconds, raw)]
    result += await _history(config, env, url, today - timedelta(days=days - 365), log)
    return result


async def _school_years(
    conn: asyncpg.Connection, today: datetime, days: int, entries: int, participants: int
) -> None:
    """A DAILY board and a COMPLETE scheduled run of each of ``days`` days before today."""
    board = await _copy_board(conn)
    await conn.execute(
        "INSERT INTO leaderboard_runs (tenant_id, leaderboard_id, period, period_start,"
        " period_end, status, trigger, schedule_key, max_entries, row_count, error, attempts,"
        " created_at, started_at, finished_at)"
        " SELECT 1, $1, to_char(s, 'YYYY-MM-DD'), s, s + interval '1 day', 'COMPLETE',"
        " 'SCHEDULE', to_char(s, 'YYYY-MM-DD'), 1000, $2, '', 1, s + interval '1 day 2 min',"
        " s + interval '1 day 2 min', s + interval '1 day 2 min 1 s'"
        " FROM generate_series($3::timestamptz - make_interval(days => $4), $3 - interval"
        " '1 day', interval '1 day') s",
        board,
        entries,
        today,
        days,
    )
    await conn.execute(
        "INSERT INTO run_entries (tenant_id, run_id, position, rank, participant_id, score,"
        " tie_key, display_name, avatar, breakdown)"
        " SELECT 1, r.id, p, p + 1, 1 + (p * 7 + r.id) % $2, 1000 - p, '', 'P' || p, '',"
        " '[]'::jsonb"
        " FROM leaderboard_runs r, generate_series(0, $1 - 1) p WHERE r.leaderboard_id = $3",
        entries,
        participants,
        board,
    )
    await conn.execute("ANALYZE")


async def _copy_board(
    conn: asyncpg.Connection, key: str = "daily", name: str = "Daily", window: str = "DAILY"
) -> int:
    """The points board's definition as board ``key`` (default: a DAILY board ``daily``);
    returns its id."""
    columns = [
        r["column_name"]
        for r in await conn.fetch(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'leaderboards'"
            " AND column_name NOT IN ('id', 'key', 'name', 'time_window')"
        )
    ]
    listed = ", ".join(columns)
    board: int = await conn.fetchval(
        f"INSERT INTO leaderboards (key, name, time_window, {listed})"
        f" SELECT $1, $2, $3, {listed} FROM leaderboards WHERE key = 'points' RETURNING id",
        key,
        name,
        window,
    )
    weights = [
        r["column_name"]
        for r in await conn.fetch(
            "SELECT column_name FROM information_schema.columns WHERE table_name ="
            " 'leaderboard_metrics' AND column_name NOT IN ('id', 'leaderboard_id')"
        )
    ]
    await conn.execute(
        f"INSERT INTO leaderboard_metrics (leaderboard_id, {', '.join(weights)})"
        f" SELECT $1, {', '.join('m.' + w for w in weights)}"
        " FROM leaderboard_metrics m JOIN leaderboards l ON l.id = m.leaderboard_id"
        " WHERE l.key = 'points'",
        board,
    )
    return board


async def _raw_move(conn: asyncpg.Connection, cutoff: datetime) -> float:
    """Entries/s of moving every due run's entries as two raw statements, rolled back."""
    tr = conn.transaction()
    await tr.start()
    try:
        started = time.perf_counter()
        due = "SELECT id FROM leaderboard_runs WHERE period_end < $1"
        await conn.execute(
            "INSERT INTO archived_runs (id, tenant_id, leaderboard_id, period, period_start,"
            " period_end, status, trigger, schedule_key, max_entries, row_count, error,"
            " attempts, created_at, started_at, finished_at, archived_at) SELECT id, tenant_id,"
            " leaderboard_id, period, period_start, period_end, status, trigger, schedule_key,"
            " max_entries, row_count, error, attempts, created_at, started_at, finished_at,"
            " now() FROM leaderboard_runs WHERE period_end < $1",
            cutoff,
        )
        status = await conn.execute(
            f"INSERT INTO archived_run_entries ({ENTRIES}) SELECT {ENTRIES} FROM run_entries"
            f" WHERE run_id IN ({due})",
            cutoff,
        )
        await conn.execute(f"DELETE FROM run_entries WHERE run_id IN ({due})", cutoff)
        await conn.execute("DELETE FROM leaderboard_runs WHERE period_end < $1", cutoff)
        seconds = time.perf_counter() - started
    finally:
        await tr.rollback()
    return int(status.split()[-1]) / seconds


async def _check(url: str, before: int) -> int:
    """Entries archived; raises unless every due run went and no entry was lost."""
    conn = await asyncpg.connect(url)
    try:
        live = await conn.fetchval("SELECT count(*) FROM run_entries")
        stray = await conn.fetchval("SELECT count(*) FROM run_entries_default")
        archived = await conn.fetchval("SELECT count(*) FROM archived_run_entries")
        due = await conn.fetchval(
            "SELECT count(*) FROM leaderboard_runs WHERE period_end < now() - interval '30 days'"
        )
    finally:
        await conn.close()
    if live + archived != before or due or stray:
        raise BenchError(
            f"archive: {live} live + {archived} archived of {before}, {due} left due,"
            f" {stray} in DEFAULT"
        )
    return int(archived)


# The statement the server runs for a history page (its parameters spelt out).
HISTORY_SQL = (
    f"SELECT {VIEW_COLUMNS} FROM {ALL_RUNS} r JOIN leaderboards l ON l.id = r.leaderboard_id"
    " WHERE r.tenant_id = 1 AND l.key = 'daily'{until}"
    f" ORDER BY {ENDED_AT} DESC, r.id DESC LIMIT {PAGE + 1};\n"
)


async def _history(
    config: BenchConfig, env: dict[str, str], url: str, deep: datetime, log: ServerLog
) -> list[ArchiveMeasurement]:
    until = deep.strftime("%Y-%m-%dT%H:%M:%SZ")
    result = []
    async with serving(env, log) as server:
        for scenario, condition in [
            ("history", ""),
            ("historyDeep", f" AND {ENDED_AT} < '{until}'"),
        ]:
            limit = await _pgbench(url, HISTORY_SQL.format(until=condition))
            async with wrk(
                server.base_url,
                scenario,
                participants=0,
                connections=CONNECTIONS,
                seconds=SECONDS,
                env={"BENCH_HISTORY_TO": until},
            ) as run:
                found = await run.result()
            result.append(
                ArchiveMeasurement(
                    f"{scenario} (first {PAGE}, over 3 years)",
                    found.requests,
                    found.seconds,
                    limit,
                    found.p50_ms,
                    found.p99_ms,
                    found.errors + found.socket_errors,
                )
            )
            say(f"{scenario}: {found.per_second:,.0f} req/s; pgbench {limit:,.0f} tps")
    return result


async def _pgbench(url: str, script: str) -> float:
    return await pgbench(url, script, CONNECTIONS, SECONDS)


async def pgbench(url: str, script: str, clients: int, seconds: float) -> float:
    """Transactions/s of ``pgbench`` running ``script`` with ``clients`` for ``seconds``."""
    with tempfile.NamedTemporaryFile("w", suffix=".sql") as file:
        file.write(script)
        file.flush()
        process = await asyncio.create_subprocess_exec(
            "pgbench", "-n", "-M", "prepared", "-c", str(clients), "-j", "2",
            "-T", str(max(1, round(seconds))), "-f", file.name, url,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        out, err = await process.communicate()
    found = re.search(r"tps = ([0-9.]+)", out.decode())
    if process.returncode != 0 or found is None:
        raise BenchError(f"pgbench failed: {err.decode()[-500:]}")
    return float(found.group(1))


def run_alone(
    measure: Callable[[BenchConfig, ServerLog], Awaitable[list[Any]]],
    name: str,
    table: Callable[[list[Any]], list[str]] | None = None,
) -> None:
    """Run one measurement as ``make bench`` would (rows: dataclasses with ``errors`` and
    ``ratio``), print its table (default: the schools'
    ``archive_table``), save its JSON (``<name>-latest.json``); exit 1 if a request failed."""
    config = load_config()
    try:
        measured = asyncio.run(measure(config, ServerLog()))
    except BenchError as exc:
        raise SystemExit(f"bench: {exc}") from None
    if table is None:
        from bench.report import archive_table as table  # bench.report imports this module

    print("\n".join(table(measured)))
    path = RESULTS_DIR / f"{name}-latest.json"
    path.write_text(json.dumps([{**asdict(m), "ratio": m.ratio} for m in measured], indent=2))
    print(f"results: {path.relative_to(ROOT)}")
    if any(m.errors for m in measured):
        raise SystemExit(1)


def main() -> None:
    """``python -m bench.archive``: this part of ``make bench`` alone."""
    run_alone(measure_archive, "archive")


if __name__ == "__main__":
    main()
