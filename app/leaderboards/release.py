"""Releasing past periods' rankings from Redis, so that its memory is bounded by the
current periods (seed 002's years of daily boards).

A ranking is *released* once its period closed more than ``RANKED_RELEASE_GRACE_SECONDS``
ago (``BoardRef.released``) and has a COMPLETE scheduled run (its snapshot, which history
and trends read; ``RankingKeeper.released``): from then on it is read from the database
(the same reads as while a ranking is rebuilt, ``app.leaderboards.fallback``), late events
for it are written to the database only (the tenant's data version still moves), and the
keeper neither rebuilds nor repairs it. The hourly release job then deletes its keys.
Idempotent: deleting keys that are gone is a no-op.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from app.deps import Deps
from app.leaderboards.definition import load_definitions
from app.leaderboards.keeper import COMPLETE_MEMORY, complete_periods
from app.leaderboards.models import TimeWindow
from app.leaderboards.service import ranked_periods

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Released:
    rankings: int  # rankings whose keys were deleted now
    keys: int  # keys deleted


async def release_past_rankings(deps: Deps, now: datetime) -> Released:
    """Delete from Redis every active board's rankings released at ``now`` (closed past the
    grace, with a COMPLETE scheduled run finished a minute before or more)."""
    grace = timedelta(seconds=deps.settings.release_grace_seconds)
    rankings = keys = 0
    for definition in await load_definitions(None, is_active=True):
        if definition.window.kind == TimeWindow.ALL_TIME:
            continue  # never closes
        # Runs that completed lately are left for the next pass: a process may remember,
        # for COMPLETE_MEMORY seconds, that the period had none (and still use Redis).
        settled = now - timedelta(seconds=2 * COMPLETE_MEMORY)
        snapshotted = await complete_periods(definition.id, settled)
        for period in await ranked_periods(definition.id):
            board = definition.ref(period)
            if period in snapshotted and board.released(now, grace):
                deleted = await deps.store.release(board)
                rankings, keys = rankings + (deleted > 0), keys + deleted
    if rankings:
        log.info("released %d past ranking(s) from Redis (%d keys)", rankings, keys)
    return Released(rankings, keys)
