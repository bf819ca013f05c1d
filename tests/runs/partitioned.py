"""The snapshot tables' partitions as the migration leaves them, for tests that make more:
``<table>_p0`` (run ids below 10,000) and DEFAULT, before and after the test."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from tortoise import Tortoise

from app.runs import partitions

FIRST_BOUND = 20_000  # the session database's p0: migrated when no run id was issued


async def reset_partitions() -> None:
    conn = Tortoise.get_connection("default")
    await conn.execute_script("TRUNCATE leaderboard_runs, archived_runs RESTART IDENTITY CASCADE")
    for table in partitions.TABLES:
        names = {p.name for p in await partitions.ranges(table)}
        for name in names - {f"{table}_p0", f"{table}_default"}:
            await conn.execute_script(f'DROP TABLE "{name}"')
        if f"{table}_p0" not in names:
            await conn.execute_script(
                f'CREATE TABLE "{table}_p0" PARTITION OF "{table}"'
                f" FOR VALUES FROM (MINVALUE) TO ({FIRST_BOUND})"
            )


@pytest.fixture
async def fresh_partitions(clean_db: str) -> AsyncIterator[None]:
    await reset_partitions()
    yield
    await reset_partitions()


async def start_runs_at(run_id: int) -> None:
    """The next run gets ``run_id``."""
    conn = Tortoise.get_connection("default")
    await conn.execute_query("SELECT setval('leaderboard_runs_id_seq', $1, false)", [run_id])


async def rows_in(name: str) -> int:
    conn = Tortoise.get_connection("default")
    _, rows = await conn.execute_query(f'SELECT count(*) AS n FROM "{name}"')
    return int(rows[0]["n"])
