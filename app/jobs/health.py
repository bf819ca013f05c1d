"""Is a worker alive? What arq's own records in Redis say (``ranked status``).

A running arq worker writes ``<queue>:health-check`` every ``HEALTH_CHECK_SECONDS`` with an
expiry just past that, and deletes it when it stops cleanly: the key present means a worker
recorded within the interval. Its value carries the worker's counters
(``j_complete=3 j_failed=0 ...``). The queue itself is a sorted set of job ids scored by the
time each is due.
"""

from __future__ import annotations

import re
import time

from arq.constants import health_check_key_suffix
from redis.asyncio import Redis

from app.jobs.worker import HEALTH_CHECK_SECONDS
from app.queue import WorkerHealth

_COUNTER = re.compile(r"j_(\w+)=(\d+)")


async def worker_health(redis: Redis, queue: str) -> WorkerHealth:
    """The queue's workers and waiting jobs, read (never written) from ``redis``."""
    key = queue + health_check_key_suffix
    record, ttl_ms = await redis.get(key), await redis.pttl(key)
    queued = int(await redis.zcard(queue))
    due = int(await redis.zcount(queue, "-inf", int(time.time() * 1000)))
    if record is None:
        return WorkerHealth(queue, False, None, {}, queued, due)
    text = record.decode() if isinstance(record, bytes) else str(record)
    counters = {name: int(value) for name, value in _COUNTER.findall(text)}
    # arq sets the expiry to (interval + 1) s when it writes: what is left says how long ago.
    ago = max(0.0, HEALTH_CHECK_SECONDS + 1 - ttl_ms / 1000) if ttl_ms > 0 else None
    return WorkerHealth(queue, True, ago, counters, queued, due)
