"""Database wiring: the Tortoise configuration, its lifetime, and raw-SQL helpers.

Raw SQL is used only where the ORM cannot say it in one statement (upserts with RETURNING,
window functions, bulk loads). ``sql()`` rewrites ``$1`` placeholders as SQLite's numbered
``?1`` so every statement is written once, in PostgreSQL's style.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any, overload

from tortoise import Tortoise, connections
from tortoise.backends.base.client import BaseDBAsyncClient

from app.settings import Settings

MODELS = [
    "app.tenancy.models",
    "app.participants.models",
    "app.leaderboards.models",
    "app.scoring.models",
    "app.winners.models",
    "app.runs.models",
    "app.joblog.models",
    "app.seasons.models",
    "app.groups.models",
]


def tortoise_config(database_url: str) -> dict[str, Any]:
    """The Tortoise/aerich configuration for ``database_url``."""
    return {
        "connections": {"default": database_url},
        "apps": {"models": {"models": [*MODELS, "aerich.models"], "default_connection": "default"}},
        "use_tz": True,
        "timezone": "UTC",
    }


@asynccontextmanager
async def database(settings: Settings) -> AsyncIterator[None]:
    """Open the ORM for the duration of the block (API lifespan, CLI command, worker)."""
    if settings.effective_database_url.startswith("sqlite"):
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    await Tortoise.init(
        config=tortoise_config(settings.effective_database_url), _enable_global_fallback=True
    )
    try:
        yield
    finally:
        await Tortoise.close_connections()


def connection() -> BaseDBAsyncClient:
    client: BaseDBAsyncClient = connections.get("default")
    return client


def is_sqlite(conn: BaseDBAsyncClient | None = None) -> bool:
    return (conn or connection()).capabilities.dialect == "sqlite"


_PLACEHOLDER = re.compile(r"\$(\d+)")


def sql(query: str, conn: BaseDBAsyncClient | None = None) -> str:
    """Adapt a PostgreSQL-style statement (``$1`` placeholders, in any order, repeated as
    needed) to the connection's dialect: SQLite binds ``?1`` to the first value."""
    if is_sqlite(conn):
        return _PLACEHOLDER.sub(r"?\1", query)
    return query


async def fetch(
    query: str, values: Sequence[Any] = (), conn: BaseDBAsyncClient | None = None
) -> list[dict[str, Any]]:
    """Run a PostgreSQL-style statement and return its rows as dicts."""
    client = conn or connection()
    return await client.execute_query_dict(sql(query, client), list(values))


IN_CHUNK = 400  # items per ``fetch_in`` statement (SQLite binds at most 32,766 values)


async def fetch_in(
    query: str,
    values: Sequence[Any],
    items: Sequence[Any],
    conn: BaseDBAsyncClient | None = None,
) -> list[dict[str, Any]]:
    """The rows of ``query`` for every item: ``{items}`` in it stands for the placeholders
    of up to ``IN_CHUNK`` items, numbered after ``values``; one statement per chunk."""
    rows: list[dict[str, Any]] = []
    for start in range(0, len(items), IN_CHUNK):
        chunk = items[start : start + IN_CHUNK]
        marks = ", ".join(f"${len(values) + i + 1}" for i in range(len(chunk)))
        rows += await fetch(query.format(items=marks), [*values, *chunk], conn)
    return rows


async def execute(
    query: str, values: Sequence[Any] = (), conn: BaseDBAsyncClient | None = None
) -> int:
    """Run a PostgreSQL-style UPDATE or DELETE; returns the rows it affected. (Not of an
    INSERT: on asyncpg Tortoise reads the OID of "INSERT 0 n"; count an INSERT's RETURNING.)"""
    client = conn or connection()
    affected, _ = await client.execute_query(sql(query, client), list(values))
    return int(affected)


def __getattr__(name: str) -> Any:
    """``TORTOISE_ORM`` for the aerich CLI, computed from the settings when asked for."""
    if name == "TORTOISE_ORM":
        from app.settings import get_settings

        return tortoise_config(get_settings().effective_database_url)
    raise AttributeError(name)


@overload
def timestamp(value: datetime | str) -> datetime: ...
@overload
def timestamp(value: None) -> None: ...
def timestamp(value: datetime | str | None) -> datetime | None:
    """A timestamp column as either driver returns it (SQLite: ISO text); instants are
    stored in UTC, so one without an offset is taken as UTC."""
    if value is None or isinstance(value, datetime):
        return value
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
