"""A short-lived, per-process cache of leaderboard and metric definitions.

Definitions change rarely and are read on every request; looking them up in the database
each time would cost more than the ranking read itself. Entries live ``ttl`` seconds, so a
deactivated board disappears from every process within that time.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

from app.leaderboards import service
from app.leaderboards.definition import BoardDefinition

T = TypeVar("T")


class Definitions:
    def __init__(self, ttl: float) -> None:
        self.ttl = ttl
        self._entries: dict[tuple[str, int, str], tuple[float, object]] = {}

    async def board(self, tenant_id: int, key: str) -> BoardDefinition:
        """The tenant's active board ``key`` (NotFound otherwise)."""
        return await self._cached(
            ("board", tenant_id, key), lambda: service.get_definition(tenant_id, key)
        )

    async def metric(self, tenant_id: int, key: str) -> service.MetricInfo:
        """The tenant's metric ``key`` (NotFound otherwise)."""
        return await self._cached(
            ("metric", tenant_id, key), lambda: service.metric_info(tenant_id, key)
        )

    async def metric_id(self, tenant_id: int, key: str) -> int:
        """The id of the tenant's metric ``key`` (NotFound otherwise)."""
        return (await self.metric(tenant_id, key)).id

    async def boards_fed_by(self, tenant_id: int, metric_id: int) -> list[BoardDefinition]:
        """The active boards metric ``metric_id`` feeds."""
        return await self._cached(
            ("feeds", tenant_id, str(metric_id)),
            lambda: service.boards_fed_by(tenant_id, metric_id),
        )

    def forget(self) -> None:
        """Drop everything (after a definition changed in this process)."""
        self._entries.clear()

    async def _cached(self, key: tuple[str, int, str], load: Callable[[], Awaitable[T]]) -> T:
        now = time.monotonic()
        hit = self._entries.get(key)
        if hit is not None and hit[0] > now:
            return hit[1]  # type: ignore[return-value]
        value = await load()
        self._entries[key] = (now + self.ttl, value)
        return value
