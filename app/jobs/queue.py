"""The job queue services enqueue into (``app.queue.JobQueue``), on arq.

arq keeps its job keys (``arq:job:<id>``, ``arq:result:<id>``) outside any queue, so job
ids carry the deployment's Redis prefix: deployments (and tests) sharing a Redis never
mistake each other's jobs.
"""

from __future__ import annotations

from arq.connections import ArqRedis, RedisSettings, create_pool
from redis.exceptions import RedisError

from app.errors import Unavailable
from app.settings import Settings


class ArqJobQueue:
    def __init__(self, pool: ArqRedis, settings: Settings) -> None:
        self.pool = pool
        self.queue_name = settings.job_queue
        self.prefix = settings.redis_prefix

    async def enqueue(self, function: str, *args: object, job_id: str) -> bool:
        try:
            job = await self.pool.enqueue_job(
                function, *args, _job_id=f"{self.prefix}:{job_id}", _queue_name=self.queue_name
            )
        except (RedisError, OSError) as exc:
            raise Unavailable("The job queue is unavailable; the job was not queued.") from exc
        return job is not None


async def open_pool(redis_url: str) -> ArqRedis:
    """An arq connection pool to ``redis_url`` (redis:// or the embedded unix://)."""
    return await create_pool(RedisSettings.from_dsn(redis_url))
