"""Partitions of the snapshot tables (PostgreSQL, ``app.runs.partitions``): the migration
partitions them in place, the worker creates ranges ahead (and moves what reached DEFAULT
into them), and only the archive path drops a live range, once it emptied it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from typing import Any

import asyncpg
import pytest
from arq.connections import ArqRedis

from app.deps import Deps, build_deps
from app.joblog.models import JobRun
from app.runs import partitions
from app.runs.models import ArchivedRunEntry, LeaderboardRun, RunEntry, RunGroupEntry
from app.tenancy.service import TenantRef
from tests.conftest import GQL, drop_database, recreate_database
from tests.runs.partitioned import fresh_partitions, rows_in, start_runs_at
from tests.runs.school import school, school_days
from tests.runs.test_runs import data
from tests.test_migrations import migration
from tests.workers import Clock, drain

__all__ = ["fresh_partitions"]  # the fixture, used by name
pytestmark = pytest.mark.usefixtures("fresh_partitions")

NOW = datetime(2026, 3, 15, 12, tzinfo=UTC)
DAYS = school_days(date(2025, 9, 1), 10, 19)  # 19 daily runs, 6 monthly
CLASSES = ["7A", "7B", "7A"]  # scoped boards: group snapshots too
WIDTH = 5  # run ids per range in these tests
RUN = """query($id: ID!) { run(id: $id) { id rowCount archivedAt
  entries(first: 10) { edges { node { position rank score displayName } } }
  classA: entries(first: 10, group: "7A") { edges { node { position rank participantId } } }
} }"""


RUNS = """INSERT INTO leaderboard_runs (id, period, status, trigger, row_count, error, attempts,
    created_at, leaderboard_id, tenant_id) VALUES """
WORLD = f"""
INSERT INTO tenants (slug, settings, status, created_at, metadata, name)
    VALUES ('t', '{{}}', 'ACTIVE', now(), '{{}}', 'T');
INSERT INTO leaderboards (group_score, key, name, description, time_window, is_active,
    created_at, updated_at, tenant_id, category, timezone, sort_order, rank_mode, visibility,
    entry_filter, tie_earliest) VALUES ('SUM', 'b', 'B', '', 'DAILY', true, now(), now(), 1,
    '', 'UTC', 'DESC', 'STANDARD', 'PUBLIC', '{{}}', true);
{RUNS} (7, 'p', 'COMPLETE', 'ADMIN', 2, '', 1, now(), 1, 1),
    (12345, 'q', 'COMPLETE', 'ADMIN', 1, '', 1, now(), 1, 1),
    (30000, 'r', 'PENDING', 'ADMIN', 0, '', 0, now(), 1, 1),
    (20001, 's', 'PENDING', 'ADMIN', 0, '', 0, now(), 1, 1);
INSERT INTO archived_runs (id, period, status, trigger, row_count, error, attempts,
    created_at, archived_at, leaderboard_id, tenant_id)
    VALUES (2, 'o', 'COMPLETE', 'ADMIN', 1, '', 1, now(), now(), 1, 1);
INSERT INTO run_entries (tenant_id, run_id, position, rank, participant_id, score, tie_key,
    display_name, avatar, breakdown) VALUES (1, 7, 0, 1, 3, 9.5, '', 'A', '', '[]'),
    (1, 7, 1, 2, 4, 8, '', 'B', '', '[]'), (1, 12345, 0, 1, 3, 1, '', 'A', '', '[]');
INSERT INTO archived_run_entries VALUES (40, 0, 1, 3, 2.5, '', 'A', '', '[]', 2, 1);
SELECT setval('leaderboard_runs_id_seq', 12345);"""


class Postgres:
    class capabilities:  # noqa: N801 - what a migration reads of its client
        dialect = "postgres"


@pytest.fixture
async def narrow(job_deps: Deps, clock: Clock) -> AsyncIterator[Deps]:
    settings = job_deps.settings.model_copy(update={"partition_runs": WIDTH})
    built = build_deps(settings, job_deps.store.redis, jobs=job_deps.jobs, clock=clock)
    yield built
    await built.keeper.close()


async def snapshots(gql: GQL, run_ids: list[int]) -> dict[int, dict[str, Any]]:
    return {r: (await data(gql, RUN, {"id": str(r)}))["run"] for r in run_ids}


async def lows(table: str) -> list[int | None]:
    return [p.low for p in await partitions.ranges(table) if not p.default]


async def test_the_migration_partitions_the_snapshots_in_place_and_back() -> None:
    url = await recreate_database("ranked_partitions_12")
    try:
        conn = await asyncpg.connect(url)
        try:
            for n in range(12):
                await conn.execute(await migration(str(n)).upgrade(Postgres()))  # type: ignore[arg-type]
            await conn.execute(WORLD)
            before = [tuple(r) for r in await conn.fetch("SELECT * FROM run_entries ORDER BY id")]
            file = await conn.fetchval(
                "SELECT relfilenode FROM pg_class WHERE relname = $1", "run_entries"
            )
            await conn.execute(await migration("12").upgrade(Postgres()))  # type: ignore[arg-type]

            after = [tuple(r) for r in await conn.fetch("SELECT * FROM run_entries ORDER BY id")]
            keys = {
                t: await conn.fetchval("SELECT pg_get_partkeydef($1::regclass)", t)
                for t in partitions.TABLES
            }
            holders = await conn.fetch(
                "SELECT DISTINCT tableoid::regclass::text AS t FROM run_entries"
            )
            bound = await conn.fetchval(
                "SELECT pg_get_expr(relpartbound, oid) FROM pg_class WHERE relname = 'run_entries_p0'"
            )
            moved = await conn.fetchval(
                "SELECT relfilenode FROM pg_class WHERE relname = $1", "run_entries_p0"
            )
            new_id = await conn.fetchval(
                "INSERT INTO run_entries (tenant_id, run_id, position, rank, participant_id, score,"
                " tie_key, display_name, avatar, breakdown)"
                " VALUES (1, 30000, 0, 1, 3, 1, '', 'A', '', '[]') RETURNING id"
            )
            late = await conn.fetchval("SELECT count(*) FROM run_entries_default")

            await conn.execute(await migration("12").downgrade(Postgres()))  # type: ignore[arg-type]
            back = [tuple(r) for r in await conn.fetch("SELECT * FROM run_entries ORDER BY id")]
            kinds = await conn.fetch(
                "SELECT relname, relkind FROM pg_class WHERE relname = ANY($1::text[])",
                list(partitions.TABLES),
            )
            archived = await conn.fetchval("SELECT count(*) FROM archived_run_entries")
            next_id = await conn.fetchval(
                "INSERT INTO run_entries (tenant_id, run_id, position, rank, participant_id, score,"
                " tie_key, display_name, avatar, breakdown)"
                " VALUES (1, 20001, 0, 1, 3, 1, '', 'A', '', '[]') RETURNING id"
            )
        finally:
            await conn.close()
    finally:
        await drop_database("ranked_partitions_12")
    assert after == before  # every row kept, in place: the old table is the first partition
    assert moved == file
    assert [r["t"] for r in holders] == ["run_entries_p0"]
    assert bound == "FOR VALUES FROM (MINVALUE) TO ('30000')"  # 10,000+ past the last, 12,345
    assert keys == dict.fromkeys(partitions.TABLES, "RANGE (run_id)")
    assert (new_id, late) == (4, 1)  # the sequence goes on; a run id beyond p0: DEFAULT
    assert back[:3] == before  # and the late one
    assert [r[0] for r in back] == [1, 2, 3, 4]
    assert sorted((r["relname"], r["relkind"]) for r in kinds) == [  # plain tables again
        (t, b"r") for t in sorted(partitions.TABLES)
    ]
    assert (archived, next_id) == (1, 5)


async def test_the_worker_keeps_ranges_ahead_and_moves_what_reached_default(
    gql: GQL, narrow: Deps, tenant: TenantRef, pool: ArqRedis
) -> None:
    await start_runs_at(20_003)  # past p0, and no range made yet: the runs' rows go to DEFAULT
    made = await school(narrow, tenant.id, DAYS[:4], now=NOW, classes=CLASSES)
    run_ids = sorted(made.runs["daily"] + made.runs["monthly"])
    before = await snapshots(gql, run_ids)
    entries = await RunEntry.all().count()
    grouped = await RunGroupEntry.all().count()
    assert await rows_in("run_entries_default") == entries > 0
    assert await rows_in("run_group_entries_default") == grouped > 0

    name = f"{narrow.settings.redis_prefix}:prepare_partitions"
    await pool.enqueue_job(name, _job_id=f"{name}:1", _queue_name=narrow.settings.job_queue)
    assert await drain(narrow) == 1

    last = max(run_ids)
    expected = [None, *range(20_000, last + WIDTH, WIDTH)]  # at least a whole range ahead
    for table in partitions.TABLES:
        assert await lows(table) == expected
        assert await rows_in(f"{table}_default") == 0
    held = [await rows_in(f"run_entries_p{low}") for low in expected[1:]]
    assert sum(held) == entries  # runs 20,003 .. 20,008, in the first two ranges
    assert min(held[:2]) > 0
    assert await snapshots(gql, run_ids) == before  # the same rows, read as before
    logged = await JobRun.filter(name="prepare_partitions").values_list("detail", flat=True)
    assert logged == [
        {
            "created": [f"{t}_p{low}" for low in expected[1:] for t in partitions.TABLES],
            "drained": entries + grouped,
        }
    ]
    assert (await partitions.prepare_ahead(WIDTH)).created == ()  # far enough ahead already


async def test_the_archive_drops_the_live_ranges_it_emptied_and_nothing_else(
    gql: GQL, narrow: Deps, tenant: TenantRef, pool: ArqRedis, clock: Clock
) -> None:
    await start_runs_at(19_990)  # runs in p0 and in three ranges after it
    made = await school(narrow, tenant.id, DAYS, now=NOW, classes=CLASSES)
    await partitions.prepare_ahead(WIDTH)
    run_ids = sorted(made.runs["daily"] + made.runs["monthly"])
    before = await snapshots(gql, run_ids)
    entries = await RunEntry.all().count()
    live = {t: await partitions.ranges(t) for t in partitions.LIVE}

    clock.now = NOW
    name = f"{narrow.settings.redis_prefix}:archive_runs"
    await pool.enqueue_job(name, _job_id=f"{name}:1", _queue_name=narrow.settings.job_queue)
    assert await drain(narrow) == 1

    kept = {r.id for r in await LeaderboardRun.all()}  # DAILY 30 days: 2 days and 6 months
    assert len(kept) == 8
    last = max(run_ids)
    emptied = {
        p.name
        for t in partitions.LIVE
        for p in live[t]
        if not p.default
        and p.high is not None
        and p.high <= last
        and not any((p.low or 0) <= r < p.high for r in kept)
    }
    assert emptied == {f"{t}_p{low}" for t in partitions.LIVE for low in (0, 20_000)}
    for table in partitions.LIVE:
        names = {p.name for p in await partitions.ranges(table)}
        assert names == {p.name for p in live[table]} - emptied
    for table in partitions.ARCHIVE:  # the archive keeps its ranges
        assert await lows(table) == [None, 20_000, 20_005, 20_010, 20_015]
        assert await rows_in(f"{table}_default") == 0
    assert await RunEntry.all().count() + await ArchivedRunEntry.all().count() == entries
    after = await snapshots(gql, run_ids)
    assert {r: {**s, "archivedAt": None} for r, s in after.items()} == before
    logged = await JobRun.filter(name="archive_runs").values_list("detail", flat=True)
    assert sorted(logged[0]["partitions_dropped"]) == sorted(emptied)

    again = await partitions.drop_emptied()  # what is left holds runs, or ids to come
    assert again.dropped == ()
