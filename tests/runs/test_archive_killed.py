"""The archive job killed with SIGKILL in the middle of a batch: the batches before it stay
archived, the one it was in is rolled back, and running it again archives the rest. Every
run ends up in exactly one table, with all its entries (a real ``ranked archive`` process).
The runs span several partitions of the snapshot tables: only the finished archive drops the
live ranges it emptied."""

from __future__ import annotations

import asyncio
import os
import signal
from datetime import UTC, date, datetime

import asyncpg
import pytest

from app.deps import Deps
from app.runs import partitions
from app.runs.models import ArchivedRun, ArchivedRunEntry, LeaderboardRun, RunEntry
from app.tenancy.service import TenantRef
from tests.conftest import REDIS_URL
from tests.live.conftest import until
from tests.runs.partitioned import fresh_partitions, start_runs_at
from tests.runs.school import school, school_days
from tests.test_serve import RANKED

__all__ = ["fresh_partitions"]  # the fixture, used by name
pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]

DAYS = school_days(date(2026, 1, 1), 1, 40)  # every day of 40, long past their 30 days
PUPILS = 50  # 2,000 daily entries
BATCH = "100"  # entries per transaction: two daily runs per batch


async def test_an_archive_killed_mid_batch_loses_nothing_and_archives_nothing_twice(
    job_deps: Deps, tenant: TenantRef, fresh_partitions: None
) -> None:
    await start_runs_at(19_980)  # 40 daily runs: 20 in p0, 10 in each of two ranges of 10
    made = await school(
        job_deps, tenant.id, DAYS, pupils=PUPILS, now=datetime(2026, 3, 1, tzinfo=UTC)
    )
    await partitions.prepare_ahead(10)
    ranges = await _live_ranges()
    daily = made.runs["daily"]
    assert daily == list(range(19_980, 20_020))
    before = {
        r.id: (r.row_count, await RunEntry.filter(run_id=r.id).count())
        for r in await LeaderboardRun.all()
    }
    assert len(daily) == 40
    env = {
        **os.environ,
        "DATABASE_URL": job_deps.settings.database_url,
        "REDIS_URL": REDIS_URL,
        "RANKED_REDIS_PREFIX": job_deps.settings.redis_prefix,
        "RANKED_LOG_LEVEL": "warning",
    }
    # Another transaction holds an entry of the 21st daily run: the batch that moves it
    # waits for that lock, with ten batches committed before it.
    blocker = await asyncpg.connect(job_deps.settings.database_url)
    # pg_stat_activity is read once per transaction: the watcher polls outside of any
    watcher = await asyncpg.connect(job_deps.settings.database_url)
    try:
        held = blocker.transaction()
        await held.start()
        await blocker.execute(
            "SELECT id FROM run_entries WHERE run_id = $1 LIMIT 1 FOR UPDATE", daily[20]
        )
        process = await asyncio.create_subprocess_exec(
            RANKED, "archive", "--batch-rows", BATCH, env=env, stdout=asyncio.subprocess.PIPE
        )
        try:
            await until(lambda: _waiting(watcher), seconds=60, what="the archive to reach the lock")
        finally:
            process.send_signal(signal.SIGKILL)
            await process.wait()
        await held.rollback()
        await until(lambda: _idle(watcher), seconds=30, what="the killed session to end")
    finally:
        await blocker.close()
        await watcher.close()

    archived = {r.id for r in await ArchivedRun.all()}
    assert archived == set(daily[:20])  # ten whole batches; the eleventh rolled back
    await _conserved(before)
    assert await _live_ranges() == ranges  # p0 is empty, but the killed job never got there

    again = await asyncio.create_subprocess_exec(
        RANKED, "archive", "--batch-rows", BATCH, env=env, stdout=asyncio.subprocess.PIPE
    )
    out, _ = await again.communicate()
    assert again.returncode == 0
    assert out.decode().startswith("archived 20 run(s), 1000 entries")
    assert {r.id for r in await ArchivedRun.all()} == set(daily)  # monthly ones: 365 days
    await _conserved(before)
    emptied = {f"{t}_p{low}" for t in partitions.LIVE for low in (0, 20_000, 20_010)}
    assert await _live_ranges() == ranges - emptied  # the monthly runs' range stays


async def _live_ranges() -> set[str]:
    return {p.name for t in partitions.LIVE for p in await partitions.ranges(t)}


async def _waiting(conn: asyncpg.Connection) -> bool:
    """Whether the archive's batch is waiting for the held row."""
    blocked = await conn.fetchval(
        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
        " AND query LIKE 'DELETE FROM run_entries%'"
    )
    return bool(blocked)


async def _idle(conn: asyncpg.Connection) -> bool:
    """Whether the killed process's session is gone (its open transaction rolled back)."""
    open_sessions = await conn.fetchval(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
        " AND pid <> pg_backend_pid() AND query LIKE '%run_entries%'"
        " AND state <> 'idle'"
    )
    return not open_sessions


async def _conserved(before: dict[int, tuple[int, int]]) -> None:
    """Every run is in exactly one table, with every entry it had."""
    live = {r.id for r in await LeaderboardRun.all()}
    archived = {r.id for r in await ArchivedRun.all()}
    assert not live & archived
    assert live | archived == set(before)
    for run_id, (rows, entries) in before.items():
        table = RunEntry if run_id in live else ArchivedRunEntry
        assert await table.filter(run_id=run_id).count() == entries == rows
