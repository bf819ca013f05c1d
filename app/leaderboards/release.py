"""Releasing past periods' rankings from Redis, so that its memory is bounded by the
current periods (seed 002's years of daily boards).

A ranking is *released* once its period closed more than ``RANKED_RELEASE_GRACE_SECONDS``
ago (``BoardRef.released``): from then on it is read from the database (the same reads as
while a ranking is rebuilt, ``app.leaderboards.fallback``), late events for it are written
to the database only, and the keeper neither rebuilds nor repairs it. The hourly release
job then deletes its keys, once the period's run is COMPLETE (its snapshot is made: history
and trends read the run). Idempotent: deleting keys that are gone is a no-op.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from app.db import fetch
from app.deps import Deps
from app.leaderboards.definition import load_definitions
from app.leaderboards.models import TimeWindow
from app.leaderboards.service import ranked_periods
from app.runs.models import RunStatus
from app.runs.service import ALL_RUNS

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Released:
    rankings: int  # rankings whose keys were deleted now
    keys: int  # keys deleted


async def release_past_rankings(deps: Deps, now: datetime) -> Released:
    """Delete from Redis every active board's rankings of periods released at ``now`` whose
    run is COMPLETE."""
    grace = timedelta(seconds=deps.settings.release_grace_seconds)
    rankings = keys = 0
    for definition in await load_definitions(None, is_active=True):
        if definition.window.kind == TimeWindow.ALL_TIME:
            continue  # never closes
        snapshotted = await _complete_periods(definition.id)
        for period in await ranked_periods(definition.id):
            board = definition.ref(period)
            if period in snapshotted and board.released(now, grace):
                deleted = await deps.store.release(board)
                rankings, keys = rankings + (deleted > 0), keys + deleted
    if rankings:
        log.info("released %d past ranking(s) from Redis (%d keys)", rankings, keys)
    return Released(rankings, keys)


async def _complete_periods(leaderboard_id: int) -> set[str]:
    """Periods of the board with a COMPLETE run, live or archived."""
    rows = await fetch(
        f"SELECT DISTINCT period FROM {ALL_RUNS} r WHERE r.leaderboard_id = $1 AND r.status = $2",
        [leaderboard_id, RunStatus.COMPLETE.value],
    )
    return {str(r["period"]) for r in rows}
