"""The seeded ranking rebuilt after Redis lost it, with 1 and with N API processes.

For each process count: ``ranked serve --workers N`` on the seeded database, waiting until
the ranking is ready; then every key of the ranking is removed from Redis (UNLINK: what a
flush or a restart leaves, without blocking Redis for the bench's own sake), and at the same
moment wrk starts reading the top 100 and writing ``adjustPoints``. Both stop when the
ranking is ready again, so their rates and latencies are those *during* the rebuild (reads
are answered from the database meanwhile; writes never wait for the rebuild). Errors are
failures: a read or a write refused during a rebuild is what the rebuild must not cause.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

from redis.asyncio import Redis

from bench.config import BenchConfig
from bench.console import say
from bench.service import ServerLog, service_env, serving
from bench.stores import BenchError, wait_until_ranked
from bench.wrk import WrkResult, wrk

READERS = 20  # wrk connections reading the top 100 during the rebuild
WRITERS = 10  # wrk connections writing adjustPoints
POLL_SECONDS = 0.05


@dataclass(frozen=True, slots=True)
class RebuildMeasurement:
    processes: int
    members: int
    seconds: float  # from the moment Redis lost the ranking until it was ready again
    reads: WrkResult
    writes: WrkResult

    @property
    def errors(self) -> int:
        return sum(r.errors + r.socket_errors for r in (self.reads, self.writes))

    @property
    def seconds_per_100k(self) -> float:
        return self.seconds * 100_000 / self.members


async def measure_rebuilds(
    config: BenchConfig, redis: Redis, scores_key: str, log: ServerLog
) -> list[RebuildMeasurement]:
    results = []
    for processes in config.rebuild_processes:
        say(f"rebuild with {processes} API process(es)")
        async with serving(service_env(config), log, workers=processes) as server:
            await wait_until_ranked(redis, scores_key, config.participants)
            result = await _one(config, redis, scores_key, server.base_url, processes)
        reads, writes = result.reads, result.writes
        say(
            f"rebuilt {result.members:,} in {result.seconds:.1f} s; reads {reads.per_second:,.0f}/s"
            f" p99 {reads.p99_ms:.0f} ms, writes p99 {writes.p99_ms:.0f} ms, {result.errors} errors"
        )
        results.append(result)
    return results


async def _one(
    config: BenchConfig, redis: Redis, scores_key: str, base_url: str, processes: int
) -> RebuildMeasurement:
    base = scores_key.removesuffix(":scores")
    keys = [k async for k in redis.scan_iter(match=f"{base}:*", count=1000)]
    lost = time.perf_counter()
    await redis.unlink(*keys)
    n = config.participants
    async with (
        wrk(base_url, "top100", participants=n, connections=READERS) as reads,
        wrk(base_url, "adjustPoints", participants=n, connections=WRITERS) as writes,
    ):
        try:
            async with asyncio.timeout(max(300.0, n / 3_000)):  # (slow is a finding too)
                await wait_until_ranked(redis, scores_key, n, poll=POLL_SECONDS)
        except TimeoutError:
            raise BenchError("the ranking was not rebuilt in time") from None
        seconds = time.perf_counter() - lost
        read_result, write_result = await reads.stop(), await writes.stop()
    return RebuildMeasurement(processes, n, seconds, read_result, write_result)
