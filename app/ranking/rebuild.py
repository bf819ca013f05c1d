"""Rebuilding rankings in Redis from the standings in the database.

A rebuild merges every standing into the live keys through the versioned ``PROJECT`` script,
so writes that land while it runs are never overwritten by older data, and deletions made
meanwhile stay deleted. A *clean* rebuild drops the keys first (readers get "not ready" until
it finishes); a repair keeps serving and afterwards prunes members the database no longer has.
"""

from __future__ import annotations

import contextlib
import logging
from datetime import UTC, datetime

from redis.exceptions import LockError, RedisError

from app.db import fetch
from app.errors import Unavailable
from app.leaderboards.models import Leaderboard
from app.participants.models import Participant
from app.ranking.keys import BoardRef, participant_id
from app.ranking.store import RankingStore, Standing, version_at
from app.scoring.models import Standing as StandingRow

log = logging.getLogger(__name__)

LOCK_SECONDS = 600


async def rebuild_board(
    store: RankingStore, board: BoardRef, *, clean: bool, batch: int, clear_dirty: bool = True
) -> int:
    """Rebuild one ranking; returns how many participants it ranks. Serialised across
    processes. With ``clear_dirty`` the board's repair mark is cleared (when it predates
    the rebuild); a caller repairing several periods clears it once all are done."""
    keys = store.keys(board)
    lock = store.redis.lock(keys.rebuild_lock, timeout=LOCK_SECONDS, blocking_timeout=LOCK_SECONDS)
    try:
        async with lock:
            started = datetime.now(UTC)
            if clean:
                await store.redis.delete(
                    keys.scores,
                    keys.versions,
                    keys.ties,
                    keys.levels,
                    keys.levels_ready,
                    keys.ready,
                )
            if not board.dense:  # levels are kept for DENSE boards only
                await store.redis.delete(keys.levels, keys.levels_ready)
            count = await _merge_from_database(store, board, batch)
            if not clean:
                await _prune_missing(store, board, batch)
            await store.redis.set(keys.ready, started.isoformat())
            # PROJECT kept levels of what it wrote, but skipped standings Redis already had
            await store.ensure_levels(board, batch)
            with contextlib.suppress(Unavailable):  # the ranking is whole; dashboards re-read it
                await store.announce_reset(board)  # at their next change
    except (RedisError, LockError) as exc:
        raise Unavailable("Redis is unavailable; the rebuild did not finish.") from exc
    if clear_dirty:
        await Leaderboard.filter(id=board.leaderboard_id, dirty_since__lte=started).update(
            dirty_since=None
        )
    log.info("rebuilt %s/%s/%s: %d participants", board.tenant_id, board.key, board.period, count)
    return count


async def _merge_from_database(store: RankingStore, board: BoardRef, batch: int) -> int:
    count, after = 0, 0
    while True:
        rows = await fetch(
            "SELECT participant_id, score, version, tie_key FROM standings s"
            " WHERE leaderboard_id = $1 AND period = $2 AND participant_id > $3"
            " AND NOT EXISTS (SELECT 1 FROM participants p WHERE p.id = s.participant_id"
            " AND p.opted_out)"
            " ORDER BY participant_id LIMIT $4",
            [board.leaderboard_id, board.period, after, batch],
        )
        if not rows:
            return count
        standings = (
            Standing(r["participant_id"], r["score"], r["version"], r["tie_key"]) for r in rows
        )
        await store.project(board, standings, publish=False)
        count += len(rows)
        after = rows[-1]["participant_id"]


async def _prune_missing(store: RankingStore, board: BoardRef, batch: int) -> None:
    """Remove ranked members the database does not rank: deleted participants for good (a
    tombstone), participants without a standing here any more (a re-scoring dropped them)
    until they score again, opted-out ones at their standing's own version (so an opt-in
    committed meanwhile, with a newer version, still wins)."""
    keys = store.keys(board)
    async for chunk in _scan_members(store, keys.scores, batch):
        pids = [participant_id(m) for m in chunk]
        rows = await StandingRow.filter(
            leaderboard_id=board.leaderboard_id, period=board.period, participant_id__in=pids
        ).values("participant_id", "version", "participant__opted_out")
        present = {int(r["participant_id"]) for r in rows}
        hidden = [
            Standing(int(r["participant_id"]), None, int(r["version"]))
            for r in rows
            if r["participant__opted_out"]
        ]
        missing = [p for p in pids if p not in present]
        found = await Participant.filter(id__in=missing).values("id") if missing else []
        alive = {int(r["id"]) for r in found}
        await store.remove(board, (p for p in missing if p not in alive))
        now = version_at(datetime.now(UTC))
        dropped = [Standing(p, None, now) for p in missing if p in alive]
        await store.project(board, hidden + dropped, publish=False)


async def _scan_members(store: RankingStore, key: str, batch: int):  # type: ignore[no-untyped-def]
    cursor = 0
    while True:
        cursor, items = await store.redis.zscan(key, cursor, count=batch)
        if items:
            yield [m for m, _ in items]
        if cursor == 0:
            return


async def mark_dirty(board: BoardRef) -> None:
    """Record durably that Redis missed a committed change to ``board``."""
    await Leaderboard.filter(id=board.leaderboard_id, dirty_since__isnull=True).update(
        dirty_since=datetime.now(UTC)
    )
