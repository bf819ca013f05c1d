"""Per-key rate limits, in Redis so every API process shares them.

Each key (a publishable key: per client address; a caller without a valid key: its
address) has a token bucket per budget: READS (queries, subscription starts), WRITES
(mutations; ``recordScores`` spends one more per 100 events) and CONNECTIONS (new
websockets), refilled continuously at the tenant's rate (its settings, else the service's),
holding at most its burst. A request the bucket cannot pay for is refused with
RATE_LIMITED and ``extensions.retryAfter`` (seconds). Open websocket connections are
counted per key too (a sorted set of connection ids, each with an expiry a living process
keeps pushing back, so a killed process's connections drop out by themselves).

Redis's clock times every bucket. While Redis is away the limits are not enforced (the
request fails or succeeds on its own; limiting never adds an outage).

A process takes tokens from a bucket a few at a time (a lease: a twentieth of the burst, one
at least) and spends them locally, so a busy key costs one Redis call per that many
requests (issue 17). The bucket in Redis still holds every process together to the key's
rate and burst: tokens are taken before they are spent. Tokens a process took and did not
spend are not given back, so a key may get a little less than its rate, never more. One
lease of a bucket is asked for at a time per process: requests arriving meanwhile wait for
it and spend from it (each asking for a lease of its own would drain the bucket at once).
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import uuid
from collections import OrderedDict
from enum import StrEnum

from app.errors import RateLimited, Unavailable
from app.ranking.keys import connections_key, rate_key
from app.ranking.store import RankingStore
from app.settings import Settings
from app.tenancy.access import Caller

CONNECTION_TTL_MS = 60_000  # a connection not refreshed for this long is taken for gone

# KEYS: the bucket. ARGV: tokens per ms, burst, cost, most to take. Takes between cost and
# most tokens (as many as it holds). Returns {tokens taken, 0}, or {0, ms to wait}.
TAKE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local rate, burst = tonumber(ARGV[1]), tonumber(ARGV[2])
local cost, most = tonumber(ARGV[3]), tonumber(ARGV[4])
local held = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(held[1]) or burst
local at = tonumber(held[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - at) * rate)
if tokens < cost then return {0, math.max(1, math.ceil((cost - tokens) / rate))} end
local taken = math.max(cost, math.min(most, math.floor(tokens)))
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens - taken), 'at', now)
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate) + 1000)
return {taken, 0}
"""
LEASE_SHARE = 20  # a lease is this fraction of the burst
LEASES_KEPT = 10_000  # buckets whose leftover tokens a process keeps, at most

# KEYS: the key's connections. ARGV: connection id, most open, ttl (ms). Returns 1 if opened.
OPEN = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3]))
return 1
"""

# KEYS: the key's connections. ARGV: ttl (ms), then connection ids still open here.
REFRESH = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
for i = 2, #ARGV do redis.call('ZADD', KEYS[1], 'XX', now + tonumber(ARGV[1]), ARGV[i]) end
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[1]))
return 1
"""

CLOSE = "return redis.call('ZREM', KEYS[1], ARGV[1])"


class Budget(StrEnum):
    READS = "reads"
    WRITES = "writes"
    CONNECTIONS = "connections"


class RateLimiter:
    def __init__(self, store: RankingStore, settings: Settings) -> None:
        self.store = store
        self.settings = settings
        self._open: dict[str, set[str]] = {}  # this process's connections, by bucket
        self._leased: OrderedDict[str, float] = OrderedDict()  # tokens taken, not yet spent
        self._taking: dict[str, asyncio.Future[None]] = {}  # leases being asked for

    async def spend(self, who: Caller, budget: Budget, cost: int = 1) -> None:
        """Pay ``cost`` from the caller's bucket (``Caller.bucket``), or raise
        RATE_LIMITED."""
        bucket = who.bucket
        if bucket is None:
            return
        per_second, burst = self._limits(who, budget)
        cost = min(cost, burst)
        key = rate_key(self.store.prefix, bucket, budget.value)
        while True:
            left = self._leased.get(key, 0.0)
            if left >= cost:
                self._leased[key] = left - cost
                return
            taking = self._taking.get(key)
            if taking is None:
                break
            await asyncio.shield(taking)  # another request of this key asks for a lease
        lease = max(cost, burst // LEASE_SHARE)
        self._taking[key] = asyncio.get_running_loop().create_future()
        try:
            args = [per_second / 1000, burst, cost, lease]
            taken, wait_ms = await self.store.run(TAKE, [key], args)
        except Unavailable:
            return
        finally:
            self._taking.pop(key).set_result(None)
        if not wait_ms:
            self._keep(key, self._leased.get(key, 0.0) + int(taken) - cost)
        else:
            seconds = math.ceil(wait_ms / 1000)
            raise RateLimited(
                f"Too many {budget.value} for this key; retry in {seconds} s.", retryAfter=seconds
            )

    def _keep(self, key: str, tokens: float) -> None:
        self._leased[key] = tokens
        self._leased.move_to_end(key)
        while len(self._leased) > LEASES_KEPT:
            self._leased.popitem(last=False)

    async def open_connection(self, who: Caller) -> str | None:
        """Count a new websocket connection of the caller's key, or raise RATE_LIMITED (too
        many new ones, or too many open). Returns its id (None: not counted)."""
        bucket = who.bucket
        if bucket is None:
            return None
        await self.spend(who, Budget.CONNECTIONS)
        most = who.tenant_settings.max_connections_per_key or self.settings.max_connections_per_key
        connection = uuid.uuid4().hex
        key = connections_key(self.store.prefix, bucket)
        try:
            opened = await self.store.run(OPEN, [key], [connection, most, CONNECTION_TTL_MS])
        except Unavailable:
            return None
        if not opened:
            raise RateLimited(
                f"This key holds {most} open connections, the most it may; close one first.",
                retryAfter=CONNECTION_TTL_MS // 1000,
            )
        self._open.setdefault(bucket, set()).add(connection)
        return connection

    async def close_connection(self, who: Caller, connection: str | None) -> None:
        bucket = who.bucket
        if bucket is None or connection is None:
            return
        self._open.get(bucket, set()).discard(connection)
        key = connections_key(self.store.prefix, bucket)
        with contextlib.suppress(Unavailable):  # it expires
            await self.store.run(CLOSE, [key], [connection])

    async def refresh(self) -> None:
        """Keep this process's open connections counted (run every third of their ttl)."""
        for bucket, connections in list(self._open.items()):
            if not connections:
                self._open.pop(bucket, None)
                continue
            key = connections_key(self.store.prefix, bucket)
            await self.store.run(REFRESH, [key], [CONNECTION_TTL_MS, *connections])

    def _limits(self, who: Caller, budget: Budget) -> tuple[float, int]:
        own, base = who.tenant_settings, self.settings
        match budget:
            case Budget.READS:
                return (own.rate_reads_per_second or base.rate_reads_per_second,
                        own.rate_reads_burst or base.rate_reads_burst)  # fmt: skip
            case Budget.WRITES:
                return (own.rate_writes_per_second or base.rate_writes_per_second,
                        own.rate_writes_burst or base.rate_writes_burst)  # fmt: skip
            case Budget.CONNECTIONS:
                per_minute = own.rate_connections_per_minute or base.rate_connections_per_minute
                return per_minute / 60, max(1, math.ceil(per_minute / 6))
