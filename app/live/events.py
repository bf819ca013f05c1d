"""A board's events in this process (a winner declared, a run finished): one listener per
board channel, handing each event to every local subscriber of its kind.

Events are published as JSON on the board's events channel (``RankingStore.publish_event``).
Unlike rank changes they are never merged: each subscriber gets each event, in order, from a
bounded queue. If the pub/sub connection drops, events published meanwhile are lost: the
subscriptions end with an error that says so (re-read, and subscribe again).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from app.live.mailbox import LiveInterrupted, Queued

log = logging.getLogger(__name__)

Event = dict[str, Any]


@dataclass(eq=False)
class EventSubscriber:
    kind: str  # "winner", "run"
    box: Queued[Event]


@dataclass(eq=False)
class EventFeed:
    channel: str
    on_empty: Callable[[EventFeed], None]
    _subscribers: set[EventSubscriber] = field(default_factory=set)

    def add(self, sub: EventSubscriber) -> None:
        self._subscribers.add(sub)

    def remove(self, sub: EventSubscriber) -> None:
        self._subscribers.discard(sub)
        if not self._subscribers:
            self.on_empty(self)

    @property
    def subscriber_count(self) -> int:
        return len(self._subscribers)

    # -- from the hub (synchronous, never blocking) --------------------------------------

    def deliver(self, payload: str) -> None:
        try:
            event = json.loads(payload)
            kind = event["kind"]
        except (ValueError, KeyError, TypeError):
            log.warning("ignored a malformed event on %s: %r", self.channel, payload)
            return
        for sub in list(self._subscribers):
            if sub.kind == kind:
                sub.box.offer(event)

    def interrupted(self) -> None:
        failure = LiveInterrupted("Live events were interrupted (Redis); subscribe again.")
        for sub in list(self._subscribers):
            sub.box.fail(failure)

    def resumed(self) -> None:
        """Nothing to do: the subscriptions it had were ended by ``interrupted``."""
