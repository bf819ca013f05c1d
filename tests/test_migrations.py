"""The aerich migrations create exactly the schema the models describe."""

from __future__ import annotations

import asyncpg
from tortoise import Tortoise
from tortoise.utils import get_schema_sql

from tests.conftest import database_url, drop_database, recreate_database

COLUMNS = """
SELECT table_name, column_name, data_type, is_nullable, column_default IS NOT NULL AS has_default
FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> 'aerich'
ORDER BY table_name, column_name
"""
INDEXES = """
SELECT tablename, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename <> 'aerich'
ORDER BY tablename, indexdef
"""
CONSTRAINTS = """
SELECT tc.table_name, tc.constraint_type, pg_get_constraintdef(c.oid) AS definition
FROM information_schema.table_constraints tc
JOIN pg_constraint c ON c.conname = tc.constraint_name
WHERE tc.table_schema = 'public' AND tc.table_name <> 'aerich'
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
        assert await describe(orm) == await describe(database_url(scratch))
    finally:
        await drop_database(scratch)
