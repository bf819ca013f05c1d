"""Raw Redis baselines: what the GraphQL paths would cost if Redis were the only work.

Run from their own process with redis-py asyncio and the same driver and window as the HTTP
scenarios. As there, every task owns its connection (a ``single_connection_client``, with
``decode_responses=True`` like the service's client): a 50-task shared pool costs the client
about a third of its throughput in pool locking, which would understate Redis.

* ``raw ZREVRANGE``: ``ZREVRANGE <scores> 0 99 WITHSCORES`` on the seeded board's sorted set
  (every participant). The service stores higher-is-better scores negated and reads its top
  with ``ZRANGE 0 99``; both cost O(log N + 100), so the baseline is the same work.
* ``raw ZINCRBY``: one ``ZINCRBY <scratch> 1 <random id>`` per call on a scratch key.
"""

from __future__ import annotations

import random
from contextlib import AsyncExitStack
from dataclasses import dataclass, field

from redis.asyncio import Redis
from redis.exceptions import RedisError

from bench.cpu import CpuWatch
from bench.driver import Measurement, Operation, drive, run_loop

BASELINES = ("raw ZREVRANGE", "raw ZINCRBY")


@dataclass(frozen=True, slots=True)
class RedisSpec:
    baseline: str
    redis_url: str
    key: str  # the board's sorted set for ZREVRANGE, the scratch key for ZINCRBY
    participants: int
    concurrency: int
    warmup: float
    seconds: float
    max_samples: int
    watch: CpuWatch = field(default_factory=CpuWatch)
    seed: int = 1


def _connect(url: str) -> Redis:
    client: Redis = Redis.from_url(
        url, decode_responses=True, socket_timeout=10, single_connection_client=True
    )
    return client


def _zrevrange(redis: Redis, key: str, expected: int) -> Operation:
    async def call() -> str | None:
        try:
            rows = await redis.zrevrange(key, 0, 99, withscores=True)
        except RedisError as exc:
            return f"{type(exc).__name__}: {exc}"[:200]
        return None if len(rows) == expected else f"ZREVRANGE returned {len(rows)} members"

    return call


def _zincrby(redis: Redis, key: str, participants: int, rnd: random.Random) -> Operation:
    async def call() -> str | None:
        try:
            await redis.zincrby(key, 1, str(rnd.randint(1, participants)))
        except RedisError as exc:
            return f"{type(exc).__name__}: {exc}"[:200]
        return None

    return call


def _operation(spec: RedisSpec, redis: Redis, rnd: random.Random) -> Operation:
    if spec.baseline == "raw ZREVRANGE":
        return _zrevrange(redis, spec.key, min(100, spec.participants))
    if spec.baseline == "raw ZINCRBY":
        return _zincrby(redis, spec.key, spec.participants, rnd)
    raise ValueError(f"unknown baseline {spec.baseline!r}; known: {BASELINES}")


async def _measure(spec: RedisSpec) -> Measurement:
    rnd = random.Random(spec.seed)
    async with AsyncExitStack() as clients:
        operations = []
        for _ in range(spec.concurrency):
            redis = _connect(spec.redis_url)
            clients.push_async_callback(redis.aclose)
            operations.append(_operation(spec, redis, rnd))
        return await drive(
            spec.baseline,
            operations,
            warmup=spec.warmup,
            seconds=spec.seconds,
            max_samples=spec.max_samples,
            watch=spec.watch,
        )


def run_redis(spec: RedisSpec) -> Measurement:
    """Entry point of the load process: one baseline, start to finish."""
    return run_loop(_measure(spec))
