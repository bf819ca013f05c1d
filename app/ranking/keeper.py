"""Keeps every ranking in Redis complete: rebuilds missing ones, repairs dirty ones.

One keeper runs per API process (and in the worker). It acts when a board's ``ready`` key is
gone (Redis flushed or restarted) or when the database says a committed change could not be
projected (``dirty_since``). Readers that hit a board being rebuilt wait a moment for it.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Iterable
from datetime import timedelta

from app.errors import Unavailable
from app.leaderboards.models import Leaderboard, RankMode, SortOrder
from app.leaderboards.service import current_boards, ranked_periods
from app.ranking.keys import BoardRef
from app.ranking.rebuild import mark_dirty, rebuild_board
from app.ranking.store import RankingStore, Standing

log = logging.getLogger(__name__)

REPAIR_LOOKBACK = timedelta(hours=1)


class RankingKeeper:
    def __init__(self, store: RankingStore, *, batch: int, interval: float) -> None:
        self.store = store
        self.batch = batch
        self.interval = interval
        self._rebuilds: dict[BoardRef, asyncio.Task[int]] = {}

    def rebuild(
        self, board: BoardRef, *, clean: bool, clear_dirty: bool = True
    ) -> asyncio.Task[int]:
        """Start rebuilding ``board`` unless this process already is; returns the task."""
        task = self._rebuilds.get(board)
        if task is None or task.done():
            task = asyncio.create_task(
                rebuild_board(
                    self.store, board, clean=clean, batch=self.batch, clear_dirty=clear_dirty
                )
            )
            self._rebuilds[board] = task
            task.add_done_callback(functools.partial(self._forget, board))
        return task

    def _forget(self, board: BoardRef, task: asyncio.Task[int]) -> None:
        if self._rebuilds.get(board) is task:
            del self._rebuilds[board]
        if not task.cancelled() and task.exception() is not None:
            log.warning("rebuild of %s failed: %s", board.key, task.exception())

    async def wait_ready(self, board: BoardRef, seconds: float) -> None:
        """Rebuild a board that is not ready, waiting up to ``seconds`` for it."""
        task = self.rebuild(board, clean=True)
        try:
            await asyncio.wait_for(asyncio.shield(task), seconds)
        except TimeoutError:
            raise Unavailable("This ranking is being rebuilt; retry in a few seconds.") from None

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
            await mark_dirty(board)
            return False

    async def remove(self, board: BoardRef, pids: Iterable[int]) -> None:
        try:
            await self.store.remove(board, pids)
        except Unavailable:
            log.warning("redis missed a removal from %s; marked for repair", board.key)
            await mark_dirty(board)

    async def check(self) -> list[BoardRef]:
        """One pass: rebuild current rankings that are missing, bring the levels of current
        ones in line with their rank mode, repair dirty boards (every period changed since the board
        was marked). Returns the rankings acted on."""
        acted: list[BoardRef] = []
        current = {(b.leaderboard_id, b.period): b for b in await current_boards()}
        for board in current.values():
            if not await self.store.is_ready(board):
                acted.append(board)
                await self.rebuild(board, clean=True)
            elif await self.store.ensure_levels(board, self.batch):  # levels missing (it
                acted.append(board)  # predates them, a switch was cut short) or left over
        for row in await Leaderboard.filter(is_active=True, dirty_since__isnull=False):
            marked = row.dirty_since
            assert marked is not None
            # A missed change was committed shortly before the board was marked.
            periods = await ranked_periods(row.id, since=marked - REPAIR_LOOKBACK)
            for period in periods:
                board = current.get((row.id, period)) or BoardRef(
                    row.tenant_id,  # type: ignore[attr-defined]
                    row.id,
                    row.key,
                    period,
                    row.sort_order == SortOrder.DESC,
                    RankMode(row.rank_mode).value,
                )
                if board not in acted:
                    acted.append(board)
                    await self.rebuild(board, clean=False, clear_dirty=False)
            await Leaderboard.filter(id=row.id, dirty_since=marked).update(dirty_since=None)
        return acted

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
