"""Live subscriptions: what the GraphQL layer calls to follow a board.

committed change -> PROJECT (Lua: ZADD + PUBLISH on the board's channel)
    -> this process's one pub/sub connection (``PubSubHub``)
    -> the board's ``BoardFeed`` (decode and load participants once)
    -> each subscriber's bounded mailbox -> its websocket
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from app.deps import Deps
from app.live.events import Event, EventFeed, EventSubscriber
from app.live.feed import BoardFeed, ChangeSubscriber, TopSubscriber, TopUpdate
from app.live.hub import PubSubHub
from app.live.mailbox import Latest, PerParticipant, Queued
from app.live.messages import Change, Reset
from app.ranking.keys import BoardRef

EVENT_BACKLOG = 100  # unread events (winners, runs) a subscriber may have waiting


class LiveService:
    """One per process; owns the hub and a feed per board that has local subscribers."""

    def __init__(self, deps: Deps, hub: PubSubHub) -> None:
        self.deps = deps
        self.hub = hub
        self.settings = deps.settings
        self._feeds: dict[BoardRef, BoardFeed] = {}
        self._events: dict[str, EventFeed] = {}

    async def run(self) -> None:
        """The pub/sub connection; run as a task for the life of the process."""
        await self.hub.run()

    def feed_count(self) -> int:
        return len(self._feeds) + len(self._events)

    def subscriber_count(self) -> int:
        """Live subscriptions in this process, over all boards."""
        boards = sum(f.subscriber_count for f in self._feeds.values())
        return boards + sum(f.subscriber_count for f in self._events.values())

    @asynccontextmanager
    async def rank_changes(
        self,
        board: BoardRef,
        participant_ids: frozenset[int] | None,
        on_stuck: Callable[[], None],
        *,
        resets: bool = False,
    ) -> AsyncIterator[Changes]:
        """Follow every committed change on ``board`` (of ``participant_ids`` only, if
        given) from the moment this returns; with ``resets``, read with ``next_or_reset``
        to be told of wholesale changes (a re-score) too."""
        box = PerParticipant(self.settings.live_buffer, self.settings.live_stuck_seconds, on_stuck)
        sub = ChangeSubscriber(box, participant_ids, resets)
        feed = self._feed(board)
        feed.add_changes(sub)
        try:
            await self.hub.wait_confirmed(feed.channel)
            yield Changes(box)
        finally:
            feed.remove(sub)

    @asynccontextmanager
    async def top(
        self, board: BoardRef, first: int, on_stuck: Callable[[], None]
    ) -> AsyncIterator[Latest[TopUpdate]]:
        """The top ``first`` entries now, then whenever they change (coalesced)."""
        box: Latest[TopUpdate] = Latest(self.settings.live_stuck_seconds, on_stuck)
        sub = TopSubscriber(first, box)
        feed = self._feed(board)
        feed.add_top(sub)
        try:
            await self.hub.wait_confirmed(feed.channel)
            await feed.push_top(sub)
            yield box
        finally:
            feed.remove(sub)

    @asynccontextmanager
    async def events(
        self, tenant_id: int, board_key: str, kind: str, on_stuck: Callable[[], None]
    ) -> AsyncIterator[Queued[Event]]:
        """The board's events of ``kind`` ("winner", "run"), each one, from the moment this
        returns."""
        box: Queued[Event] = Queued(EVENT_BACKLOG, self.settings.live_stuck_seconds, on_stuck)
        sub = EventSubscriber(kind, box)
        channel = self.deps.store.events_channel(tenant_id, board_key)
        feed = self._events.get(channel)
        if feed is None:
            feed = self._events[channel] = EventFeed(channel, self._forget_events)
            self.hub.listen(channel, feed)
        feed.add(sub)
        try:
            await self.hub.wait_confirmed(channel)
            yield box
        finally:
            feed.remove(sub)

    def _forget_events(self, feed: EventFeed) -> None:
        if self._events.get(feed.channel) is feed:
            del self._events[feed.channel]
            self.hub.unlisten(feed.channel, feed)

    def _feed(self, board: BoardRef) -> BoardFeed:
        feed = self._feeds.get(board)
        if feed is None:
            feed = BoardFeed(
                self.deps,
                board,
                top_interval=self.settings.live_top_interval,
                backlog=self.settings.live_backlog,
                on_empty=self._forget,
            )
            self._feeds[board] = feed
            self.hub.listen(feed.channel, feed)
        return feed

    def _forget(self, feed: BoardFeed) -> None:
        if self._feeds.get(feed.board) is feed:
            del self._feeds[feed.board]
            self.hub.unlisten(feed.channel, feed)


class Changes:
    """A subscriber's stream of changes."""

    def __init__(self, box: PerParticipant) -> None:
        self._box = box

    def __aiter__(self) -> AsyncIterator[Change]:
        return self

    async def __anext__(self) -> Change:
        return await self._box.get()

    async def next_or_reset(self) -> Change | Reset:
        """The next change, or a ``Reset`` (for a stream opened with ``resets``)."""
        return await self._box.get_or_reset()
