"""PostgreSQL and Redis housekeeping: a fresh database, a clean key prefix, readiness.

Only the benchmark's own database and the benchmark's own Redis key prefix are touched; the
Redis database may be shared (tests, a running service), so nothing is ever flushed.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

import asyncpg  # type: ignore[import-untyped]
from redis.asyncio import Redis
from redis.exceptions import RedisError

DELETE_BATCH = 500
POLL_SECONDS = 0.2


class BenchError(Exception):
    """The benchmark cannot go on (a service is missing, a step failed)."""


@dataclass(frozen=True, slots=True)
class IdRange:
    count: int
    first: int | None
    last: int | None


async def recreate_database(admin_url: str, name: str) -> None:
    """Drop ``name`` (disconnecting its sessions) and create it empty."""
    try:
        conn = await asyncpg.connect(admin_url, timeout=10)
    except (OSError, asyncpg.PostgresError) as exc:
        raise BenchError(f"PostgreSQL is unreachable at {admin_url}: {exc}") from exc
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


async def participant_ids(database_url: str) -> IdRange:
    """How many participants exist, and their smallest and largest id."""
    conn = await asyncpg.connect(database_url, timeout=10)
    try:
        row = await conn.fetchrow(
            "SELECT COUNT(*) AS n, MIN(id) AS lo, MAX(id) AS hi FROM participants"
        )
    finally:
        await conn.close()
    assert row is not None
    return IdRange(int(row["n"]), row["lo"], row["hi"])


def redis_client(url: str) -> Redis:
    client: Redis = Redis.from_url(url, decode_responses=True, socket_timeout=30)
    return client


async def check_redis(redis: Redis, url: str) -> int:
    """Ping Redis; returns the server's process id (for CPU accounting)."""
    try:
        info = await redis.info("server")
    except (OSError, RedisError) as exc:
        raise BenchError(f"Redis is unreachable at {url}: {exc}") from exc
    return int(info["process_id"])


async def delete_prefix(redis: Redis, prefix: str) -> int:
    """Delete every key under ``prefix:`` (SCAN + DEL, in batches); returns how many."""
    deleted = 0
    batch: list[str] = []
    async for key in redis.scan_iter(match=f"{prefix}:*", count=1000):
        batch.append(key)
        if len(batch) >= DELETE_BATCH:
            deleted += await redis.delete(*batch)
            batch.clear()
    if batch:
        deleted += await redis.delete(*batch)
    return deleted


async def find_scores_key(redis: Redis, prefix: str) -> str:
    """The one ranking sorted set under ``prefix`` (the seeded points board)."""
    keys = sorted([k async for k in redis.scan_iter(match=f"{prefix}:*:scores", count=1000)])
    if len(keys) != 1:
        raise BenchError(f"expected one ranking under {prefix}:*:scores, found {keys}")
    return str(keys[0])


async def wait_until_ranked(
    redis: Redis, scores_key: str, members: int, *, poll: float = POLL_SECONDS
) -> float:
    """Wait until the ranking is marked ready and holds ``members``; returns seconds waited.

    The ``ready`` key sits beside ``scores`` (app/ranking/keys.py): the service sets it when
    a ranking is complete, and a server starting on a ranking that lacks it rebuilds it
    from the database first. Reads before that would measure the rebuild, not the service.
    """
    ready_key = scores_key.removesuffix(":scores") + ":ready"
    started = time.perf_counter()
    while True:
        if await redis.exists(ready_key) and await redis.zcard(scores_key) == members:
            return time.perf_counter() - started
        await asyncio.sleep(poll)
