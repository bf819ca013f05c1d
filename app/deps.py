"""What services need from the running process, passed explicitly (never a global).

``Deps`` is the bottom layer of the services: it holds nothing that takes ``Deps`` itself
(the live service, which does, is built beside it and carried on the GraphQL context; see
``app.main.Runtime``). Every domain service may take it; it imports no domain service.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from redis.asyncio import Redis

from app.group_commit import GroupCommit
from app.leaderboards.definitions import Definitions
from app.leaderboards.keeper import RankingKeeper
from app.queue import JobQueue, NoQueue
from app.ranking.store import RankingStore
from app.settings import Settings
from app.tenancy.keyring import KeyRing, load_pepper
from app.tenancy.rates import RateLimiter


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Deps:
    settings: Settings
    store: RankingStore
    keeper: RankingKeeper
    definitions: Definitions
    keys: KeyRing
    limiter: RateLimiter
    jobs: JobQueue = field(default_factory=NoQueue)
    # What "now" is for scheduled work (jobs take it from here; tests pass their own).
    clock: Callable[[], datetime] = field(default=utc_now)
    # Concurrent adjustPoints of a tenant, committed together (``app.group_commit``).
    writes: GroupCommit[Any, Any] = field(default_factory=GroupCommit)


def build_deps(
    settings: Settings,
    redis: Redis,
    *,
    jobs: JobQueue | None = None,
    clock: Callable[[], datetime] = utc_now,
) -> Deps:
    """The services of one process, over an open Redis client (and the job queue, for a
    process that enqueues work)."""
    store = RankingStore(redis, settings.redis_prefix)
    keeper = RankingKeeper(
        store,
        batch=settings.rebuild_batch,
        interval=settings.reconcile_interval,
        lock_seconds=settings.rebuild_lock_seconds,
        clock_skew=timedelta(seconds=settings.clock_skew_seconds),
        release_grace=timedelta(seconds=settings.release_grace_seconds),
        clock=clock,
    )
    definitions = Definitions(settings.definition_cache_seconds)
    pepper = settings.key_pepper.get_secret_value() if settings.key_pepper else None
    keys = KeyRing(load_pepper(pepper, settings.data_dir), settings.key_cache_seconds)
    limiter = RateLimiter(store, settings)
    writes: GroupCommit[Any, Any] = GroupCommit(
        lanes=settings.write_lanes, most=settings.write_group
    )
    return Deps(
        settings, store, keeper, definitions, keys, limiter, jobs or NoQueue(), clock, writes
    )
