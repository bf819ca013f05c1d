"""The aerich migrations create exactly the schema the models describe."""

from __future__ import annotations

import importlib.util
import sqlite3
from pathlib import Path
from types import ModuleType

import asyncpg
from tortoise import Tortoise
from tortoise.utils import get_schema_sql

from app.runs import partitions
from tests.conftest import database_url, drop_database, recreate_database

# Partitions are the worker's (app.runs.partitions): the schema is their parents'.
TABLES = """
SELECT relname FROM pg_class
WHERE relnamespace = 'public'::regnamespace AND NOT relispartition AND relname <> 'aerich'
"""
COLUMNS = f"""
SELECT table_name, column_name, data_type, is_nullable, column_default IS NOT NULL AS has_default
FROM information_schema.columns WHERE table_schema = 'public' AND table_name IN ({TABLES})
ORDER BY table_name, column_name
"""
INDEXES = f"""
SELECT tablename, replace(indexdef, ' ON ONLY ', ' ON ') FROM pg_indexes
WHERE schemaname = 'public' AND tablename IN ({TABLES})
ORDER BY tablename, 2
"""
CONSTRAINTS = f"""
SELECT tc.table_name, tc.constraint_type, pg_get_constraintdef(c.oid) AS definition
FROM information_schema.table_constraints tc
JOIN pg_constraint c ON c.conname = tc.constraint_name
    AND c.conrelid = format('%I.%I', tc.table_schema, tc.table_name)::regclass
WHERE tc.table_schema = 'public' AND tc.table_name IN ({TABLES})
ORDER BY 1, 2, 3
"""


async def describe(url: str) -> dict[str, list[tuple[object, ...]]]:
    conn = await asyncpg.connect(url)
    try:
        return {
            name: [tuple(r) for r in await conn.fetch(query)]
            for name, query in (
                ("columns", COLUMNS),
                ("indexes", INDEXES),
                ("constraints", CONSTRAINTS),
            )
        }
    finally:
        await conn.close()


async def test_migrations_on_an_empty_database_match_the_models(orm: str) -> None:
    # The session database was created by applying every migration to an empty database.
    models_sql = get_schema_sql(Tortoise.get_connection("default"), safe=False)
    scratch = "ranked_models_schema"
    url = await recreate_database(scratch)
    try:
        conn = await asyncpg.connect(url)
        try:
            await conn.execute(models_sql)
        finally:
            await conn.close()
        assert await describe(orm) == partitioned(await describe(database_url(scratch)))
    finally:
        await drop_database(scratch)


def partitioned(schema: dict[str, list[tuple[object, ...]]]) -> dict[str, list[tuple[object, ...]]]:
    """The models' schema with the partitioned tables' primary keys as PostgreSQL needs them:
    holding the partition key (``run_id``); Tortoise knows one primary key column only."""

    def key(row: tuple[object, ...]) -> tuple[object, ...]:
        table, *rest = row
        if table not in partitions.TABLES:
            return row
        return (table, *(str(v).replace("(id)", "(id, run_id)") for v in rest))

    return {
        "columns": schema["columns"],
        "indexes": sorted(key(r) if "_pkey " in str(r[1]) else r for r in schema["indexes"]),
        "constraints": sorted(
            key(r) if r[1] == "PRIMARY KEY" else r for r in schema["constraints"]
        ),
    }


def migration(name: str) -> ModuleType:
    path = next((Path(__file__).parent.parent / "migrations" / "models").glob(f"{name}_*.py"))
    spec = importlib.util.spec_from_file_location(f"migration_{name}", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


async def test_upgrading_keeps_every_points_history_in_the_new_aggregates() -> None:
    scratch = "ranked_upgrade_1"
    url = await recreate_database(scratch)
    try:
        conn = await asyncpg.connect(url)
        try:
            await conn.execute(migration("0").POSTGRES)
            await conn.execute(
                """INSERT INTO tenants (slug, name, metadata, created_at)
                   VALUES ('t', 'T', '{}', now());
                INSERT INTO participants (name, address, participant_type, metadata, created_at,
                    updated_at, tenant_id) VALUES ('A', '', 'individual', '{}', now(), now(), 1);
                INSERT INTO metrics (key, name, description, unit, aggregation,
                    higher_is_better, created_at, tenant_id)
                    VALUES ('points', 'Points', '', '', 'SUM', true, now(), 1);
                INSERT INTO leaderboards (key, name, description, time_window, is_active,
                    created_at, updated_at, tenant_id)
                    VALUES ('points', 'Points', '', 'ALL_TIME', true, now(), now(), 1);
                INSERT INTO leaderboard_metrics (weight, display_priority, leaderboard_id,
                    metric_id, tenant_id) VALUES (1, 0, 1, 1, 1);
                INSERT INTO score_events (value, occurred_at, source, source_id, action_type,
                    context, created_at, metric_id, participant_id, tenant_id) VALUES
                    (5, '2025-01-02', 's', '1', '', '{}', now(), 1, 1, 1),
                    (-2, '2025-01-03', 's', '2', '', '{}', now(), 1, 1, 1),
                    (4, '2025-01-01', 's', '3', '', '{}', now(), 1, 1, 1);"""
            )
            await conn.execute(migration("1").POSTGRES)
            row = await conn.fetchrow(
                "SELECT period, count, total, minimum, maximum, last_value FROM metric_aggregates"
            )
            for later in ("2", "3"):
                await conn.execute(migration(later).POSTGRES)
            moments = await conn.fetchrow(
                "SELECT last_at = total_at AND last_at = maximum_at AND last_at = minimum_at"
                " AS taken FROM metric_aggregates"
            )
        finally:
            await conn.close()
        assert dict(row) == {  # type: ignore[arg-type]
            "period": "all", "count": 3, "total": 7.0, "minimum": -2.0, "maximum": 5.0,
            "last_value": -2.0,
        }  # fmt: skip
        # Migration 3: no board has a tie-break yet; aggregates take their latest event's time.
        assert moments["taken"] is True  # type: ignore[index]
    finally:
        await drop_database(scratch)


async def test_downgrading_seasons_deactivates_their_boards() -> None:
    # Without calendar_key a season's board would take every SEASON period: it goes inactive.
    down = await migration("8").downgrade(None)  # type: ignore[arg-type]
    table = (
        "CREATE TABLE leaderboards (id INTEGER PRIMARY KEY, key TEXT, is_active BOOLEAN,"
        " calendar_key VARCHAR(16));"
        " INSERT INTO leaderboards VALUES (1, 'points', TRUE, NULL), (2, 'season-S1', TRUE, 'S1')"
    )
    scratch = "ranked_downgrade_8"
    url = await recreate_database(scratch)
    try:
        conn = await asyncpg.connect(url)
        try:
            await conn.execute(table)
            await conn.execute(down)
            active = [tuple(r) for r in await conn.fetch("SELECT * FROM leaderboards ORDER BY id")]
        finally:
            await conn.close()
    finally:
        await drop_database(scratch)
    assert active == [(1, "points", True), (2, "season-S1", False)]  # and no calendar_key
    lite = sqlite3.connect(":memory:")  # the same statements on SQLite
    lite.executescript(table.replace("TRUE", "1"))
    lite.executescript(down)
    assert lite.execute("SELECT * FROM leaderboards ORDER BY id").fetchall() == [
        (1, "points", 1),
        (2, "season-S1", 0),
    ]
