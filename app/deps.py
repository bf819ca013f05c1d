"""What services need from the running process, passed explicitly (never a global)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from redis.asyncio import Redis

from app.leaderboards.definitions import Definitions
from app.ranking.keeper import RankingKeeper
from app.ranking.store import RankingStore
from app.settings import Settings

if TYPE_CHECKING:  # the live services use Deps themselves
    from app.live.service import LiveService


@dataclass(frozen=True)
class Deps:
    settings: Settings
    store: RankingStore
    keeper: RankingKeeper
    definitions: Definitions
    live: LiveService


def build_deps(settings: Settings, redis: Redis, pubsub: Redis | None = None) -> Deps:
    """The services of one process, over an open Redis client (and one for pub/sub, which
    needs no read timeout; ``redis`` if not given)."""
    store = RankingStore(redis, settings.redis_prefix)
    keeper = RankingKeeper(
        store,
        batch=settings.rebuild_batch,
        interval=settings.reconcile_interval,
        lock_seconds=settings.rebuild_lock_seconds,
    )
    from app.live.hub import PubSubHub
    from app.live.service import LiveService

    live = LiveService(PubSubHub(pubsub or redis), settings)
    return Deps(settings, store, keeper, Definitions(settings.definition_cache_seconds), live)
