"""One board's live feed in this process: decodes the board's messages once, loads the
participants they name once, and hands the result to every local subscriber.

``rankChanged`` subscribers get each change (merged per participant when they lag); the
feed of one group of a scoped board passes on its members' changes only, with their ranks
within the group (``_within_group``);
``leaderboardTop`` subscribers get the top N again whenever a change can alter it, at most
once per ``top_interval`` for the whole board however many changes arrive.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from app.deps import Deps
from app.errors import RankedError
from app.groups.views import members_among
from app.leaderboards import fallback, rankings
from app.leaderboards.rankings import EntryView
from app.live.mailbox import Latest, LiveInterrupted, PerParticipant
from app.live.messages import Change, Gap, Reset, Updated, decode
from app.participants.views import get_participants
from app.ranking.keys import BoardRef

log = logging.getLogger(__name__)

Top = list[EntryView]

TOP_RETRY_SECONDS = 1.0  # between attempts to read a top that could not be read
REBUILDING = (
    "Live ranks are unknown while this ranking is rebuilt (Redis lost it); changes were made"
    " meanwhile. Re-read and subscribe again in a few seconds."
)


@dataclass(eq=False)
class TopUpdate:
    """One push of a top N; the same object goes to every subscriber of that N."""

    entries: Top
    shared: dict[str, Any] = field(default_factory=dict)  # see ``Change.shared``


@dataclass(eq=False)
class ChangeSubscriber:
    box: PerParticipant
    participant_ids: frozenset[int] | None  # None: every participant
    resets: bool = False  # also told when the ranking changed wholesale (``Reset``)


@dataclass(eq=False)
class TopSubscriber:
    first: int
    box: Latest[TopUpdate]
    last: Top | None = None
    read: int = 0  # the sequence number of the read ``last`` came from


@dataclass(eq=False)
class BoardFeed:
    deps: Deps
    board: BoardRef
    top_interval: float
    backlog: int
    on_empty: Callable[[BoardFeed], None]
    _everyone: set[ChangeSubscriber] = field(default_factory=set)
    _by_participant: dict[int, set[ChangeSubscriber]] = field(default_factory=dict)
    _tops: set[TopSubscriber] = field(default_factory=set)
    _inbox: deque[str] = field(default_factory=deque)
    _wake: asyncio.Event = field(default_factory=asyncio.Event)
    _worker: asyncio.Task[None] | None = None
    _top_task: asyncio.Task[None] | None = None
    _top_due: bool = False
    _top_forced: bool = False
    _top_last: float = 0.0
    _reads: int = 0

    @property
    def channel(self) -> str:
        return self.deps.store.keys(self.board).changes

    # -- subscribers ---------------------------------------------------------------------

    def add_changes(self, sub: ChangeSubscriber) -> None:
        if sub.participant_ids is None:
            self._everyone.add(sub)
        else:
            for pid in sub.participant_ids:
                self._by_participant.setdefault(pid, set()).add(sub)
        self._start()

    def add_top(self, sub: TopSubscriber) -> None:
        self._tops.add(sub)
        self._start()

    def remove(self, sub: ChangeSubscriber | TopSubscriber) -> None:
        if isinstance(sub, TopSubscriber):
            self._tops.discard(sub)
        elif sub.participant_ids is None:
            self._everyone.discard(sub)
        else:
            for pid in sub.participant_ids:
                subs = self._by_participant.get(pid)
                if subs is not None:
                    subs.discard(sub)
                    if not subs:
                        del self._by_participant[pid]
        if self.empty:
            self.close()
            self.on_empty(self)

    @property
    def subscriber_count(self) -> int:
        following = {s for subs in self._by_participant.values() for s in subs}
        return len(self._everyone) + len(following) + len(self._tops)

    @property
    def empty(self) -> bool:
        return not (self._everyone or self._by_participant or self._tops)

    def close(self) -> None:
        for task in (self._worker, self._top_task):
            if task is not None:
                task.cancel()
        self._worker = self._top_task = None

    async def push_top(self, sub: TopSubscriber) -> None:
        """Send ``sub`` the current top at once (on subscribe)."""
        self._reads += 1
        read = self._reads
        top = await rankings.top_as_shown(self.deps, self.board, sub.first)
        self._offer_top(sub, TopUpdate(top), read, force=True)

    # -- from the hub (synchronous, never blocking) --------------------------------------

    def deliver(self, payload: str) -> None:
        if len(self._inbox) >= self.backlog:  # loading participants cannot keep up
            self._inbox.clear()
            self._fail_changes(LiveInterrupted("Live updates fell behind; subscribe again."))
            self._schedule_top(force=True)
            return
        self._inbox.append(payload)
        self._wake.set()

    def interrupted(self) -> None:
        self._fail_changes(
            LiveInterrupted("Live updates were interrupted (Redis); subscribe again.")
        )

    def resumed(self) -> None:
        self._schedule_top(force=True)

    # -- work ----------------------------------------------------------------------------

    def _start(self) -> None:
        if self._worker is None:
            self._worker = asyncio.create_task(self._work(), name=f"feed-{self.board.key}")

    async def _work(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            batch = list(self._inbox)
            self._inbox.clear()
            try:
                await self._dispatch(batch)
            except RankedError as exc:  # the database is away: say so rather than drop
                self._fail_changes(LiveInterrupted(exc.message))
            except Exception:
                log.exception("live feed of %s failed", self.board.key)
                self._fail_changes(LiveInterrupted("Live updates failed; subscribe again."))

    async def _dispatch(self, batch: list[str]) -> None:
        changes: list[Change] = []
        updated: set[int] = set()
        gaps: set[int] = set()
        reset = False
        for payload in batch:
            try:
                message = decode(self.board, payload)
            except ValueError:
                log.warning("ignored a malformed message on %s: %r", self.board.key, payload)
                continue
            if isinstance(message, Reset):
                reset = True
            elif isinstance(message, Updated):
                updated.add(message.participant_id)
            elif isinstance(message, Gap):
                gaps.add(message.participant_id)
            else:
                changes.append(message)
        if changes and (self._everyone or self._by_participant):
            await self._fan_out(changes)
        if reset:
            for sub in self._everyone | {s for subs in self._by_participant.values() for s in subs}:
                if sub.resets:
                    sub.box.offer_reset()
        if gaps:
            self._fail_following(gaps, LiveInterrupted(REBUILDING))
        if self._tops and (reset or gaps or await self._top_touched(changes, updated)):
            self._schedule_top()  # re-read; pushed if it differs from what was last sent

    async def _top_touched(self, changes: list[Change], updated: set[int]) -> bool:
        if self.board.group_id is not None:  # ranks in messages are the whole board's
            named = {c.participant_id for c in changes} | updated
            return bool(named) and bool(await members_among(self.board.group_id, named))
        first = self._max_first()
        if any(c.touches_top(first) for c in changes):
            return True
        return bool(updated) and any(
            e.participant.id in updated for s in self._tops for e in s.last or ()
        )

    async def _fan_out(self, changes: list[Change]) -> None:
        wanted = [c for c in changes if self._everyone or c.participant_id in self._by_participant]
        if wanted and self.board.group_id is not None:
            wanted = await _within_group(self.deps, self.board, self.board.group_id, wanted)
        if not wanted:
            return
        people = await get_participants(self.board.tenant_id, [c.participant_id for c in wanted])
        for change in wanted:
            change = replace(change, participant=people.get(change.participant_id))
            for sub in self._everyone:
                sub.box.offer(change)
            for sub in self._by_participant.get(change.participant_id, ()):
                sub.box.offer(change)

    def _fail_following(self, pids: set[int], failure: RankedError) -> None:
        """End the change streams that would have had a message about one of ``pids``."""
        for sub in self._everyone:
            sub.box.fail(failure)
        for pid in pids:
            for sub in self._by_participant.get(pid, ()):
                sub.box.fail(failure)

    def _fail_changes(self, failure: RankedError) -> None:
        for sub in self._everyone:
            sub.box.fail(failure)
        for subs in self._by_participant.values():
            for sub in subs:
                sub.box.fail(failure)

    # -- the top N -----------------------------------------------------------------------

    def _max_first(self) -> int:
        return max((s.first for s in self._tops), default=0)

    def _schedule_top(self, *, force: bool = False) -> None:
        self._top_due = True
        self._top_forced = self._top_forced or force
        if self._top_task is None or self._top_task.done():
            self._top_task = asyncio.create_task(self._refresh_tops(), name="feed-top")

    async def _refresh_tops(self) -> None:
        loop = asyncio.get_running_loop()
        while self._top_due and self._tops:
            wait = self._top_last + self.top_interval - loop.time()
            if wait > 0:  # bursts become one read per interval
                await asyncio.sleep(wait)
            force, self._top_due, self._top_forced = self._top_forced, False, False
            self._top_last = loop.time()
            self._reads += 1
            read = self._reads
            try:
                top = await rankings.top_as_shown(self.deps, self.board, self._max_first())
            except Exception as exc:  # Redis or the database away: try again, never give up
                if not isinstance(exc, RankedError):
                    log.exception("could not refresh the top of %s", self.board.key)
                self._top_due, self._top_forced = True, self._top_forced or force
                await asyncio.sleep(TOP_RETRY_SECONDS)
                continue
            updates: dict[int, TopUpdate] = {}
            for sub in list(self._tops):
                if sub.first not in updates:
                    updates[sub.first] = TopUpdate(top[: sub.first])
                self._offer_top(sub, updates[sub.first], read, force=force)

    @staticmethod
    def _offer_top(sub: TopSubscriber, update: TopUpdate, read: int, *, force: bool) -> None:
        if read < sub.read or (update.entries == sub.last and not force):
            return
        sub.last, sub.read = update.entries, read
        sub.box.offer(update)


async def _within_group(
    deps: Deps, board: BoardRef, group_id: int, changes: list[Change]
) -> list[Change]:
    """The changes of the group's members, their ranks made the group's: the rank, place and
    dense rank the old and the new score have among the group's other members as they are
    when the change is delivered (the message's ranks are the whole board's). A message of
    an older process names no tie keys; the standing's current one stands in for both."""
    members = await members_among(group_id, {c.participant_id for c in changes})
    mine = [c for c in changes if c.participant_id in members]
    if not mine:
        return []
    view = await fallback.view(deps.store, board)
    out: list[Change] = []
    for c in mine:
        pid = c.participant_id
        current = None
        if c.old_tie is None or c.new_tie is None:
            current = await fallback.standing_score(board, pid)
        now_tie = "" if current is None else current[1]
        old = await _place(view, pid, c.old_score, now_tie if c.old_tie is None else c.old_tie)
        new = await _place(view, pid, c.new_score, now_tie if c.new_tie is None else c.new_tie)
        (old_rank, old_place, old_dense), (new_rank, new_place, new_dense) = old, new
        out.append(
            replace(
                c,
                old_rank=old_rank,
                old_place=old_place,
                old_dense=old_dense,
                new_rank=new_rank,
                new_place=new_place,
                new_dense=new_dense,
            )
        )
    return out


async def _place(
    view: fallback.View, pid: int, score: float | None, tie: str
) -> tuple[int | None, int | None, int | None]:
    if score is None:  # not ranked (before an addition, after a removal)
        return None, None, None
    return await fallback.place_among_others(view, pid, score, tie)
