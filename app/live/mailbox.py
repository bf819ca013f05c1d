"""Bounded hand-over from the fan-out to one subscriber.

The fan-out never waits for a subscriber: it ``offer``s and moves on. A subscriber that
reads slower than changes arrive skips ahead instead of queueing: ``Latest`` keeps only
the newest item, ``PerParticipant`` merges a participant's pending changes into one. A
subscriber whose ``PerParticipant`` box overflows is failed: its next read raises (the
client gets the error and the stream ends). One that has read nothing for ``stuck_after``
seconds while items wait is failed too, and ``on_stuck`` runs so the transport can
disconnect a client that is not reading at all.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from typing import Generic, TypeVar

from app.errors import RankedError, RateLimited, Unavailable
from app.live.messages import RESET_MESSAGE, Change, Reset

T = TypeVar("T")


class SubscriberTooSlow(RateLimited):
    """The subscriber did not keep up; it should subscribe again (and re-read)."""


class LiveInterrupted(Unavailable):
    """The process lost Redis for a moment; changes may have been missed."""


BEHIND = "This subscriber fell too far behind; subscribe again."


class _Box:
    def __init__(
        self,
        stuck_after: float,
        on_stuck: Callable[[], None],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.stuck_after = stuck_after
        self.on_stuck = on_stuck
        self.clock = clock
        self._ready = asyncio.Event()
        self._failure: RankedError | None = None
        self._waiting_since: float | None = None  # oldest unread item
        self._cut = False

    def fail(self, failure: RankedError) -> None:
        """End the subscription with ``failure`` at its next read."""
        if self._failure is None:
            self._failure = failure
            self._ready.set()

    @property
    def failed(self) -> bool:
        return self._failure is not None

    def _arrived(self) -> None:
        """An item was offered: start the stuck clock, or check it."""
        now = self.clock()
        if self._waiting_since is None:
            self._waiting_since = now
        elif now - self._waiting_since > self.stuck_after and not self._cut:
            self._cut = True
            self.fail(SubscriberTooSlow("This subscriber stopped reading; subscribe again."))
            self.on_stuck()
        self._ready.set()

    async def _until(self, has_item: Callable[[], bool]) -> None:
        """Wait for an item; a failure wins over any item still waiting."""
        while True:
            if self._failure is not None:
                raise self._failure
            if has_item():
                return
            self._ready.clear()
            await self._ready.wait()


class Latest(_Box, Generic[T]):
    """Holds the newest item only."""

    def __init__(
        self,
        stuck_after: float,
        on_stuck: Callable[[], None],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(stuck_after, on_stuck, clock)
        self._item: T | None = None
        self._has_item = False

    def offer(self, item: T) -> None:
        self._item, self._has_item = item, True
        self._arrived()

    async def get(self) -> T:
        await self._until(lambda: self._has_item)
        item = self._item
        self._item, self._has_item, self._waiting_since = None, False, None
        return item  # type: ignore[return-value]


class PerParticipant(_Box):
    """Pending changes in arrival order, at most one per participant (later ones merged
    into it), and at most ``capacity`` participants."""

    def __init__(
        self,
        capacity: int,
        stuck_after: float,
        on_stuck: Callable[[], None],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(stuck_after, on_stuck, clock)
        self.capacity = capacity
        self._pending: OrderedDict[int, Change] = OrderedDict()
        self._reset = False  # a reset is waiting (for subscribers that take resets)

    def offer_reset(self) -> None:
        """The ranking changed wholesale; one pending reset stands for any number."""
        if not self.failed:
            self._reset = True
        self._arrived()

    async def get_or_reset(self) -> Change | Reset:
        """A waiting reset first (its reader re-reads what it follows), else a change."""
        await self._until(lambda: self._reset or bool(self._pending))
        if self._reset:
            self._reset = False
            self._waiting_since = self.clock() if self._pending else None
            return RESET_MESSAGE
        return await self.get()

    def offer(self, change: Change) -> None:
        if not self.failed:
            earlier = self._pending.get(change.participant_id)
            merged = change if earlier is None else earlier.then(change)
            self._pending[change.participant_id] = merged
            if len(self._pending) > self.capacity:
                self._pending.clear()
                self.fail(SubscriberTooSlow(BEHIND))
        self._arrived()

    async def get(self) -> Change:
        await self._until(lambda: bool(self._pending))
        _, change = self._pending.popitem(last=False)
        self._waiting_since = self.clock() if self._pending else None
        return change


class Queued(_Box, Generic[T]):
    """Items in arrival order, none merged or skipped (rare events: a winner, a finished
    run), at most ``capacity`` of them: a reader that lets more pile up is failed."""

    def __init__(
        self,
        capacity: int,
        stuck_after: float,
        on_stuck: Callable[[], None],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(stuck_after, on_stuck, clock)
        self.capacity = capacity
        self._items: deque[T] = deque()

    def offer(self, item: T) -> None:
        if not self.failed:
            self._items.append(item)
            if len(self._items) > self.capacity:
                self._items.clear()
                self.fail(SubscriberTooSlow(BEHIND))
        self._arrived()

    async def get(self) -> T:
        await self._until(lambda: bool(self._items))
        item = self._items.popleft()
        self._waiting_since = self.clock() if self._items else None
        return item
