"""Keeps every ranking in Redis complete: rebuilds missing ones, repairs dirty ones.

One keeper runs per API process (and in the worker). It acts when a board's ``ready`` key is
gone (Redis flushed or restarted) or when the database says a committed change could not be
projected (``dirty_since``). Any number of processes may do so at once: the rebuild lock and
its "is it still needed" check (``app.ranking.rebuild``) make their requests one rebuild.
Readers of a ranking being rebuilt are answered from the database meanwhile; they only ask
for the rebuild (:meth:`RankingKeeper.ensure_rebuilding`), never wait for it.

The keeper also beats for its process (``app.ranking.processes``) and sweeps up after dead
ones: what they committed after their last beat (less ``SWEEP_MARGIN``) is projected again,
and the current rankings are pruned of participants deleted meanwhile.

Processes' clocks differ a little (``clock_skew``): a dirty board is repaired by a build
that began at least that long after its latest miss, by the clocks of whoever marked it
and whoever builds.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import Awaitable, Callable, Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise.expressions import Q

from app.db import fetch
from app.errors import Unavailable
from app.leaderboards.definition import load_definitions
from app.leaderboards.models import Leaderboard, RankMode, SortOrder
from app.leaderboards.service import current_boards, ranked_periods
from app.ops import metrics
from app.ranking.keys import BoardRef
from app.ranking.processes import Claim, Processes
from app.ranking.rebuild import owner_token, prune_missing, rebuild_board, resync
from app.ranking.store import RankingStore, Standing

log = logging.getLogger(__name__)

REPAIR_LOOKBACK = timedelta(hours=1)
# A dead process's changes committed up to this long before its last beat may be missing:
# a transaction takes its time before it commits (lock waits), and clocks differ.
SWEEP_MARGIN = timedelta(minutes=2)
SWEEP_LEASE = 600.0  # seconds: a sweep not finished by then (its sweeper died) is redone
MIN_DEAD_AFTER = 15.0  # seconds without a beat before a process is taken for dead
COMPLETE_MEMORY = 30.0  # seconds a board's periods with a COMPLETE run are remembered

RebuildKey = tuple[BoardRef, datetime | None]


class RankingKeeper:
    def __init__(
        self,
        store: RankingStore,
        *,
        batch: int,
        interval: float,
        lock_seconds: float,
        clock_skew: timedelta = timedelta(seconds=2),
        release_grace: timedelta | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.store = store
        self.release_grace = release_grace  # None: rankings are never released
        self.clock = clock or (lambda: datetime.now(UTC))
        self.clock_skew = clock_skew
        self.batch = batch
        self.interval = interval
        self.lock_seconds = lock_seconds
        self._rebuilds: dict[RebuildKey, asyncio.Task[int]] = {}
        self.processes = Processes(
            store, owner_token(), dead_after=max(3 * interval, MIN_DEAD_AFTER), lease=SWEEP_LEASE
        )
        self._sweeps: set[asyncio.Task[None]] = set()
        self._complete: dict[int, tuple[float, set[str]]] = {}  # board -> (until, periods)

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
        """Cancel the rebuilds and sweeps under way (their locks are released, their claims
        expire) and wait for them; then leave the processes (this one stops cleanly)."""
        tasks: list[asyncio.Task[Any]] = [*self._rebuilds.values(), *self._sweeps]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        try:
            await self.processes.leave()
        except Unavailable:  # it will be taken for dead: a sweep that finds nothing to do
            log.warning("could not remove this process from the processes in Redis")

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
        rebuild``) repairs the ranking once Redis answers again. A released ranking (its
        period closed longer ago than the grace) is the database's alone: nothing is written
        to Redis, which would only bring part of it back.
        """
        if await self.released(board):
            await self.released_changed(board)
            return True
        try:
            await self.store.project(board, standings, publish=publish)
            return True
        except Unavailable:
            log.warning("redis missed a change to %s; marked for repair", board.key)
            await mark_dirty(board.leaderboard_id)
            return False

    async def released(self, board: BoardRef) -> bool:
        """Whether the ranking is released from Redis: its period closed more than the
        grace ago (``BoardRef.released``) and has a COMPLETE scheduled run. Which periods
        have one is remembered per board for ``COMPLETE_MEMORY`` seconds: the release job
        deletes a ranking only once its run finished twice that long ago, when every process
        knows of it."""
        grace = self.release_grace
        if grace is None or not board.released(self.clock(), grace):
            return False
        now = asyncio.get_running_loop().time()
        known = self._complete.get(board.leaderboard_id)
        if known is None or known[0] <= now:
            known = (now + COMPLETE_MEMORY, await complete_periods(board.leaderboard_id))
            self._complete[board.leaderboard_id] = known
        return board.period in known[1]

    def forget_complete(self, leaderboard_id: int) -> None:
        """A run of the board completed in this process: ask again."""
        self._complete.pop(leaderboard_id, None)

    async def released_changed(self, board: BoardRef) -> None:
        """A committed change of a released ranking: whatever Redis still holds of it (the
        release job not there yet) goes, so that no process reads it stale, and cached
        reads are out of date."""
        try:
            await self.store.release(board)
        except Unavailable:
            log.warning("could not release %s/%s", board.key, board.period)
        await self.touch(board.tenant_id)

    async def remove(self, board: BoardRef, pids: Iterable[int]) -> None:
        if await self.released(board):
            await self.released_changed(board)
            return
        try:
            await self.store.remove(board, pids)
        except Unavailable:
            log.warning("redis missed a removal from %s; marked for repair", board.key)
            await mark_dirty(board.leaderboard_id)

    async def touch(self, tenant_id: int) -> bool:
        """Bump the tenant's data version: a committed change outside the rankings (a
        winner, a run, a renamed participant) makes cached reads out of date. With Redis
        away, the tenant's boards are marked for repair instead, and the repair bumps it
        once Redis is back: no cached read outlives the outage. Returns whether it bumped."""
        try:
            await self.store.touch(tenant_id)
            return True
        except Unavailable:
            log.warning(
                "could not bump the data version of tenant %s; marked for repair", tenant_id
            )
            for board in await current_boards(tenant_id):
                await mark_dirty(board.leaderboard_id)
            return False

    async def check(self) -> list[BoardRef]:
        """One pass: rebuild current rankings that are missing, bring the levels of current
        ones in line with their rank mode, repair dirty boards (every period changed since
        the board was marked). Returns the rankings acted on."""
        acted: list[BoardRef] = []
        current = {(b.leaderboard_id, b.period): b for b in await current_boards()}
        missing = []
        for board in current.values():
            if await self.released(board):
                continue  # a board shown after its last period: the database's alone
            if not await self.store.is_ready(board):
                missing.append(board)
            elif await self.store.ensure_levels(board, self.batch):  # levels missing (it
                acted.append(board)  # predates them, a switch was cut short) or left over
        await self._all(self.rebuild(board) for board in missing)
        acted = missing + acted
        dirty = await Leaderboard.filter(is_active=True, dirty_since__isnull=False)
        metrics.dirty_boards(len(dirty))
        for row in dirty:
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
        if datetime.now(UTC) <= latest + self.clock_skew:
            return []  # too recent to be sure a build now comes after it: the next pass
        periods = await ranked_periods(row.id, since=marked - REPAIR_LOOKBACK)
        # A missed removal (a deleted participant) leaves no changed standing behind: the
        # current period is repaired (pruned) in any case.
        # Released rankings are the database's alone: nothing to repair in Redis.
        boards = [b for b in await _boards_of(row, periods, current) if not await self.released(b)]
        needed = latest + self.clock_skew
        if not await self._all(self.rebuild(b, needed_since=needed) for b in boards):
            return boards  # a rebuild failed: the mark stays for the next pass
        built = [await self.store.ready_since(b) for b in boards]
        if boards and None not in built:
            as_of = min(b for b in built if b is not None)
            began = datetime.fromtimestamp(as_of / 1000, UTC)
            if await clear_dirty_mark(row.id, began - self.clock_skew):
                # What was cached while the board was dirty may be out of date.
                with contextlib.suppress(Unavailable):
                    await self.store.touch(row.tenant_id)  # type: ignore[attr-defined]
        return boards

    async def beat(self) -> list[Claim]:
        """Beat for this process; returns the dead processes it claimed, to :meth:`sweep`."""
        return await self.processes.beat()

    async def sweep(self, claim: Claim) -> None:
        """Project again what the dead process committed since its last beat (less the
        margin), on every active board; prune the current rankings of participants it
        deleted. A board that fails (Redis away) is marked dirty: the repair takes over."""
        since = datetime.fromtimestamp(claim.last_beat / 1000, UTC) - SWEEP_MARGIN
        log.warning("process %s stopped beating; re-projecting changes since %s", claim.token,
                    since.isoformat())  # fmt: skip
        current = {(b.leaderboard_id, b.period): b for b in await current_boards()}
        for row in await Leaderboard.filter(is_active=True):
            try:
                changed = await ranked_periods(row.id, since=since)
                for board in await _boards_of(row, changed, current):
                    if await self.released(board) or not await self.store.is_ready(board):
                        continue  # rebuilt from the database anyway
                    await resync(self.store, board, since, self.batch)
                    if board in current.values():
                        await prune_missing(self.store, board, self.batch)
            except Unavailable:
                log.warning("could not re-project %s; marked for repair", row.key)
                await mark_dirty(row.id)
        await self.processes.swept(claim)

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
        """Check forever, every ``interval`` seconds, and beat as often (apart: a long check
        does not delay the beats); Redis outages are logged and retried."""
        beating = asyncio.create_task(self._repeat(self._beat_once, "process beat"))
        try:
            await self._repeat(self.check, "ranking check")
        finally:
            beating.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await beating

    async def _beat_once(self) -> None:
        """Beat; sweep after claimed processes beside (a long sweep delays no beat)."""
        for claim in await self.beat():
            task = asyncio.create_task(self.sweep(claim), name=f"sweep-{claim.token}")
            self._sweeps.add(task)
            task.add_done_callback(self._sweeps.discard)

    async def _repeat(self, step: Callable[[], Awaitable[object]], what: str) -> None:
        while True:
            try:
                await step()
            except Unavailable as exc:
                log.warning("%s skipped: %s", what, exc.message)
            except Exception:
                log.exception("%s failed", what)
            task = asyncio.current_task()
            if task is not None and task.cancelling():  # a client library swallowed the
                raise asyncio.CancelledError  # cancellation (it became a connection error)
            await asyncio.sleep(self.interval)


async def _boards_of(
    row: Leaderboard, periods: Iterable[str], current: dict[tuple[int, str], BoardRef]
) -> list[BoardRef]:
    """The board's current ranking and those of ``periods`` (knowing when they close)."""
    boards = [b for (board_id, _), b in current.items() if board_id == row.id]
    found = await load_definitions(row.tenant_id, id=row.id)  # type: ignore[attr-defined]
    if found:
        return boards + [found[0].ref(p) for p in periods if (row.id, p) not in current]
    return boards + [
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


async def mark_dirty(leaderboard_id: int) -> datetime:
    """Record durably that Redis missed (or may miss) a committed change of the board:
    since when (the first miss not yet repaired) and the latest miss (what a repair must
    come after). In a transaction, it commits with it. Returns the mark's time."""
    now = datetime.now(UTC)
    await Leaderboard.filter(id=leaderboard_id).update(dirty_last=now)
    await Leaderboard.filter(id=leaderboard_id, dirty_since__isnull=True).update(dirty_since=now)
    return now


async def clear_own_mark(leaderboard_id: int, mark: datetime) -> bool:
    """Clear the board's repair mark if its latest miss is still ``mark`` (what this process
    marked, then repaired by rebuilding after it: any miss marked before it was committed
    before, so the rebuild includes it); a later mark keeps it. Returns whether it did."""
    cleared = await Leaderboard.filter(id=leaderboard_id, dirty_last=mark).update(
        dirty_since=None, dirty_last=None
    )
    return bool(cleared)


async def clear_dirty_mark(leaderboard_id: int, as_of: datetime) -> bool:
    """Clear the board's repair mark if its rankings, rebuilt as of ``as_of``, include every
    miss it records (a miss marked meanwhile keeps it); returns whether it did."""
    latest_before = Q(dirty_last__lt=as_of) | Q(dirty_last__isnull=True, dirty_since__lt=as_of)
    cleared = await Leaderboard.filter(Q(id=leaderboard_id), latest_before).update(
        dirty_since=None, dirty_last=None
    )
    return bool(cleared)


async def complete_periods(
    leaderboard_id: int, finished_before: datetime | None = None
) -> set[str]:
    """Periods of the board with a COMPLETE scheduled run (the snapshot history and trends
    read), live or archived, finished before ``finished_before`` if given. The run tables
    are read here, not through ``app.runs``, which sits above ``Deps``."""
    done = "status = 'COMPLETE' AND trigger = 'SCHEDULE'"
    done += "" if finished_before is None else " AND finished_at < $2"
    rows = await fetch(
        f"SELECT period FROM leaderboard_runs WHERE leaderboard_id = $1 AND {done}"
        f" UNION SELECT period FROM archived_runs WHERE leaderboard_id = $1 AND {done}",
        [leaderboard_id] if finished_before is None else [leaderboard_id, finished_before],
    )
    return {str(r["period"]) for r in rows}
