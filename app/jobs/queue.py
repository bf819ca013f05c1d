"""The job queue services enqueue into (``app.queue.JobQueue``), on arq.

arq keeps its job keys (``arq:job:<id>``, ``arq:result:<id>``) outside any queue, so job
ids carry the deployment's Redis prefix: deployments (and tests) sharing a Redis never
mistake each other's jobs.

A job carries the request id of whoever enqueued it (``app.ops.request_ids``) as its
keyword argument ``request_id``; the worker runs it under that id (``functions.observed``),
so its log lines name the request that caused it. The job id does not depend on it: an
enqueue stays idempotent.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Awaitable, Callable
from typing import Any

from arq.connections import ArqRedis, RedisSettings, create_pool
from redis.exceptions import RedisError

from app.errors import Unavailable
from app.ops import request_ids
from app.settings import Settings

Opener = Callable[[], Awaitable[ArqRedis]]
REQUEST_ID = "request_id"  # the keyword argument of a job that names its request


class ArqJobQueue:
    """Jobs enqueued through an arq pool: a pool given, or one opened at the first enqueue
    (an API process starts, and serves, while Redis is away; it connects once Redis is
    back). A pool it opened it closes in :meth:`aclose`."""

    def __init__(self, pool: ArqRedis | Opener, settings: Settings) -> None:
        self._pool: ArqRedis | None = pool if isinstance(pool, ArqRedis) else None
        self._open: Opener | None = None if isinstance(pool, ArqRedis) else pool
        self._opening = asyncio.Lock()
        self.queue_name = settings.job_queue
        self.prefix = settings.redis_prefix

    async def enqueue(self, function: str, *args: object, job_id: str) -> bool:
        rid = request_ids.current()
        extra: dict[str, Any] = {REQUEST_ID: rid} if rid is not None else {}
        try:
            pool = await self._connected()
            job = await pool.enqueue_job(
                function,
                *args,
                _job_id=f"{self.prefix}:{job_id}",
                _queue_name=self.queue_name,
                **extra,
            )
        except (RedisError, OSError) as exc:
            raise Unavailable("The job queue is unavailable; the job was not queued.") from exc
        return job is not None

    async def _connected(self) -> ArqRedis:
        async with self._opening:
            if self._pool is None:
                assert self._open is not None
                self._pool = await self._open()
            return self._pool

    async def aclose(self) -> None:
        if self._open is not None and self._pool is not None:
            await self._pool.aclose()


async def open_pool(redis_url: str, *, retries: int = 5) -> ArqRedis:
    """An arq connection pool to ``redis_url`` (redis:// or the embedded unix://), trying
    ``retries`` more times, a second apart, while Redis does not answer."""
    settings = dataclasses.replace(RedisSettings.from_dsn(redis_url), conn_retries=retries)
    return await create_pool(settings)
