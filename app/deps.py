"""What services need from the running process, passed explicitly (never a global)."""

from __future__ import annotations

from dataclasses import dataclass

from redis.asyncio import Redis

from app.leaderboards.definitions import Definitions
from app.ranking.keeper import RankingKeeper
from app.ranking.store import RankingStore
from app.settings import Settings


@dataclass(frozen=True)
class Deps:
    settings: Settings
    store: RankingStore
    keeper: RankingKeeper
    definitions: Definitions


def build_deps(settings: Settings, redis: Redis) -> Deps:
    """The services of one process, over an open Redis client."""
    store = RankingStore(redis, settings.redis_prefix)
    keeper = RankingKeeper(
        store, batch=settings.rebuild_batch, interval=settings.reconcile_interval
    )
    return Deps(settings, store, keeper, Definitions(settings.definition_cache_seconds))
