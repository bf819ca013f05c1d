"""Keeps every ranking in Redis complete: rebuilds missing ones, repairs dirty ones.

One keeper runs per API process (and in the worker). It acts when a board's ``ready`` key is
gone (Redis flushed or restarted) or when the database says a committed change could not be
projected (``dirty_since``). Any number of processes may do so at once: the rebuild lock and
its "is it still needed" check (``app.ranking.rebuild``) make their requests one rebuild.
Readers of a ranking being rebuilt are answered from the database meanwhile; they only ask
for the rebuild (:meth:`RankingKeeper.ensure_rebuilding`), never wait for it.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from tortoise.expressions import Q

from app.errors import Unavailable
from app.leaderboards.models import Leaderboard, RankMode, SortOrder
from app.leaderboards.service import current_boards, ranked_periods
from app.ranking.keys import BoardRef
from app.ranking.rebuild import rebuild_board
from app.ranking.store import RankingStore, Standing

log = logging.getLogger(__name__)

REPAIR_LOOKBACK = timedelta(hours=1)

RebuildKey = tuple[BoardRef, datetime | None]


class RankingKeeper:
    def __init__(
        self, store: RankingStore, *, batch: int, interval: float, lock_seconds: float
    ) -> None:
        self.store = store
        self.batch = batch
        self.interval = interval
        self.lock_seconds = lock_seconds
        self._rebuilds: dict[RebuildKey, asyncio.Task[int]] = {}

    def rebuild(
        self, board: BoardRef, *, needed_since: datetime | None = None
    ) -> asyncio.Task[int]:
        """Make the ranking complete as of ``needed_since`` (None: make sure it exists),
        unless this process is already on it; returns the task."""
        key = (board, needed_since)
        task = self._rebuilds.get(key)
        if task is None or task.done():
            task = asyncio.create_task(
                rebuild_board(
                    self.store,
                    board,
                    batch=self.batch,
                    needed_since=needed_since,
                    lock_seconds=self.lock_seconds,
                ),
                name=f"rebuild-{board.key}-{board.period}",
            )
            self._rebuilds[key] = task
            task.add_done_callback(functools.partial(self._forget, key))
        return task

    async def close(self) -> None:
        """Cancel the rebuilds under way (their locks are released) and wait for them."""
        tasks = list(self._rebuilds.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def ensure_rebuilding(self, board: BoardRef) -> None:
        """Have a missing ranking rebuilt, without waiting for it (a reader's request)."""
        self.rebuild(board)

    def _forget(self, key: RebuildKey, task: asyncio.Task[int]) -> None:
        if self._rebuilds.get(key) is task:
            del self._rebuilds[key]
        if not task.cancelled() and task.exception() is not None:
            log.warning("rebuild of %s failed: %s", key[0].key, task.exception())

    async def project(
        self, board: BoardRef, standings: Iterable[Standing], *, publish: bool = True
    ) -> bool:
        """Project committed standings; on a Redis failure mark the board for repair.

        The change is already committed, so it is never lost: the keeper (or ``ranked
        rebuild``) repairs the ranking once Redis answers again.
        """
        try:
            await self.store.project(board, standings, publish=publish)
            return True
        except Unavailable:
            log.warning("redis missed a change to %s; marked for repair", board.key)
            await mark_dirty(board.leaderboard_id)
            return False

    async def remove(self, board: BoardRef, pids: Iterable[int]) -> None:
        try:
            await self.store.remove(board, pids)
        except Unavailable:
            log.warning("redis missed a removal from %s; marked for repair", board.key)
            await mark_dirty(board.leaderboard_id)

    async def check(self) -> list[BoardRef]:
        """One pass: rebuild current rankings that are missing, bring the levels of current
        ones in line with their rank mode, repair dirty boards (every period changed since
        the board was marked). Returns the rankings acted on."""
        acted: list[BoardRef] = []
        current = {(b.leaderboard_id, b.period): b for b in await current_boards()}
        missing = []
        for board in current.values():
            if not await self.store.is_ready(board):
                missing.append(board)
            elif await self.store.ensure_levels(board, self.batch):  # levels missing (it
                acted.append(board)  # predates them, a switch was cut short) or left over
        await self._all(self.rebuild(board) for board in missing)
        acted = missing + acted
        for row in await Leaderboard.filter(is_active=True, dirty_since__isnull=False):
            for board in await self._repair(row, current):
                if board not in acted:
                    acted.append(board)
        return acted

    async def _repair(
        self, row: Leaderboard, current: dict[tuple[int, str], BoardRef]
    ) -> list[BoardRef]:
        """Repair every period of a dirty board changed since it was marked (a missed change
        was committed shortly before) and its current one, then clear the mark unless a miss
        came meanwhile."""
        marked, latest = row.dirty_since, row.dirty_last or row.dirty_since
        assert marked is not None
        assert latest is not None
        periods = await ranked_periods(row.id, since=marked - REPAIR_LOOKBACK)
        # A missed removal (a deleted participant) leaves no changed standing behind: the
        # current period is repaired (pruned) in any case.
        boards = [b for (board_id, _), b in current.items() if board_id == row.id]
        boards += [
            BoardRef(
                row.tenant_id,  # type: ignore[attr-defined]
                row.id,
                row.key,
                period,
                row.sort_order == SortOrder.DESC,
                RankMode(row.rank_mode).value,
            )
            for period in periods
            if (row.id, period) not in current
        ]
        if not await self._all(self.rebuild(b, needed_since=latest) for b in boards):
            return boards  # a rebuild failed: the mark stays for the next pass
        built = [await self.store.ready_since(b) for b in boards]
        if boards and None not in built:
            as_of = min(b for b in built if b is not None)
            await clear_dirty_mark(row.id, datetime.fromtimestamp(as_of / 1000, UTC))
        return boards

    @staticmethod
    async def _all(tasks: Iterable[asyncio.Future[int]]) -> bool:
        """Wait for every task; failures are logged. Returns whether all succeeded."""
        results = await asyncio.gather(*tasks, return_exceptions=True)
        failed = [r for r in results if isinstance(r, BaseException)]
        for failure in failed:
            if not isinstance(failure, Unavailable):
                log.error("ranking rebuild failed", exc_info=failure)
        return not failed

    async def run(self) -> None:
        """Check forever, every ``interval`` seconds; Redis outages are logged and retried."""
        while True:
            try:
                await self.check()
            except Unavailable as exc:
                log.warning("ranking check skipped: %s", exc.message)
            except Exception:
                log.exception("ranking check failed")
            await asyncio.sleep(self.interval)


async def mark_dirty(leaderboard_id: int) -> None:
    """Record durably that Redis missed (or may miss) a committed change of the board:
    since when (the first miss not yet repaired) and the latest miss (what a repair must
    come after). In a transaction, it commits with it."""
    now = datetime.now(UTC)
    await Leaderboard.filter(id=leaderboard_id).update(dirty_last=now)
    await Leaderboard.filter(id=leaderboard_id, dirty_since__isnull=True).update(dirty_since=now)


async def clear_dirty_mark(leaderboard_id: int, as_of: datetime) -> bool:
    """Clear the board's repair mark if its rankings, rebuilt as of ``as_of``, include every
    miss it records (a miss marked meanwhile keeps it); returns whether it did."""
    latest_before = Q(dirty_last__lt=as_of) | Q(dirty_last__isnull=True, dirty_since__lt=as_of)
    cleared = await Leaderboard.filter(Q(id=leaderboard_id), latest_before).update(
        dirty_since=None, dirty_last=None
    )
    return bool(cleared)
