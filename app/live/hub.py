"""The process's one Redis pub/sub connection, shared by every live subscription.

Listeners register per channel; the first listener of a channel subscribes it, the last one
to leave unsubscribes it. One task reads the connection and hands each message to the
channel's listeners (synchronously: a listener must never block); one task sends the
SUBSCRIBE/UNSUBSCRIBE commands that bring the connection in line with what is wanted, and
a PING when the line is quiet.

When the connection drops (Redis restarted, network cut, no reply to PING), listeners hear
``interrupted()`` at once; the hub reconnects with exponential backoff, subscribes every
wanted channel again, and each listener hears ``resumed()`` once its channel is confirmed.
Messages published while the connection was down are gone (that is pub/sub); listeners
decide how to recover.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from typing import Any, Protocol

from redis.asyncio import Redis
from redis.asyncio.client import PubSub
from redis.exceptions import RedisError

from app.errors import Unavailable
from app.ops import metrics

log = logging.getLogger(__name__)


class Listener(Protocol):
    def deliver(self, payload: str) -> None:
        """One message of the channel. Must return quickly and never block."""

    def interrupted(self) -> None:
        """The connection dropped; messages may be missed until ``resumed``."""

    def resumed(self) -> None:
        """The channel is subscribed again after an interruption."""


class PubSubHub:
    def __init__(
        self,
        redis: Redis,
        *,
        confirm_timeout: float = 5.0,
        ping_interval: float = 5.0,
        backoff: tuple[float, float] = (0.05, 5.0),
    ) -> None:
        self.redis = redis
        self.confirm_timeout = confirm_timeout
        self.ping_interval = ping_interval
        self.backoff = backoff
        self.connected = False
        self.reconnects = 0
        self._listeners: dict[str, set[Listener]] = {}
        self._confirmed: dict[str, asyncio.Event] = {}
        self._pending: dict[str, int] = {}  # SUBSCRIBEs sent but not yet confirmed
        self._sent: set[str] = set()  # subscribed (or on the way) on the current connection
        self._resume: set[str] = set()  # to tell "resumed" once confirmed again
        self._wake = asyncio.Event()
        self._standing: set[Listener] = set()  # the process's own, not a subscriber's

    # -- listeners -----------------------------------------------------------------------

    def listen(self, channel: str, listener: Listener) -> None:
        """Register ``listener`` (synchronous); the first listener of a channel has it
        subscribed in the background. See :meth:`wait_confirmed`."""
        listeners = self._listeners.setdefault(channel, set())
        listeners.add(listener)
        if channel in self._confirmed:
            return
        confirmed = self._confirmed[channel] = asyncio.Event()
        if self.connected and channel in self._sent and not self._pending.get(channel):
            confirmed.set()  # left and rejoined before UNSUBSCRIBE went out: still subscribed
        else:
            self._wake.set()

    def listen_always(self, channel: str, listener: Listener) -> None:
        """Register a listener of the process itself for its lifetime (the data versions):
        like :meth:`listen`, but not counted among the subscriptions' listeners."""
        self._standing.add(listener)
        self.listen(channel, listener)

    async def wait_confirmed(self, channel: str) -> None:
        """Return once Redis confirms ``channel`` is subscribed, so nothing published
        afterwards can be missed; :class:`Unavailable` after ``confirm_timeout``."""
        confirmed = self._confirmed.get(channel)
        if confirmed is None:
            raise RuntimeError(f"nobody listens to {channel}")
        try:
            await asyncio.wait_for(confirmed.wait(), self.confirm_timeout)
        except TimeoutError:
            raise Unavailable("Live updates are unavailable right now; retry.") from None

    def unlisten(self, channel: str, listener: Listener) -> None:
        """Unregister ``listener`` (synchronous, so it is safe in any clean-up path); the
        channel is unsubscribed in the background once nobody local listens to it."""
        listeners = self._listeners.get(channel)
        if listeners is None:
            return
        listeners.discard(listener)
        self._standing.discard(listener)
        if not listeners:
            del self._listeners[channel]
            del self._confirmed[channel]
            self._resume.discard(channel)
            self._wake.set()

    def confirmed(self, channel: str) -> bool:
        """Whether ``channel`` has local listeners and Redis confirmed the subscription."""
        event = self._confirmed.get(channel)
        return event is not None and event.is_set()

    def listener_count(self) -> int:
        """The subscriptions' listeners (not the process's own, :meth:`listen_always`)."""
        return sum(len(ls - self._standing) for ls in self._listeners.values())

    # -- the connection ------------------------------------------------------------------

    async def run(self) -> None:
        """Hold the connection forever, reconnecting with backoff; cancel to stop."""
        delay = self.backoff[0]
        while True:
            pubsub = self.redis.pubsub()
            try:
                await pubsub.connect()  # type: ignore[no-untyped-call]
                delay = self.backoff[0]
                await self._serve(pubsub)
            except (RedisError, OSError) as exc:
                if self.connected or self.reconnects == 0:
                    log.warning("pub/sub connection lost (%s); reconnecting", exc)
            except Exception:  # a bug must not end live updates for the whole process
                log.exception("pub/sub connection failed; reconnecting")
            finally:
                self._lost()
                await _close(pubsub)
            await asyncio.sleep(delay * random.uniform(0.5, 1.5))
            delay = min(delay * 2, self.backoff[1])
            self.reconnects += 1

    async def _serve(self, pubsub: PubSub) -> None:
        self.connected = True
        self._sent.clear()
        self._pending.clear()
        self._wake.set()
        reader = asyncio.create_task(self._read(pubsub), name="pubsub-reader")
        sender = asyncio.create_task(self._send(pubsub), name="pubsub-sender")
        try:
            done, _ = await asyncio.wait({reader, sender}, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                task.result()  # re-raise what ended it
        finally:
            for task in (reader, sender):
                task.cancel()
            await asyncio.gather(reader, sender, return_exceptions=True)

    def _lost(self) -> None:
        if not self.connected:
            return
        self.connected = False
        self._resume = set(self._listeners)
        for channel in list(self._listeners):
            self._confirmed[channel].clear()
            for listener in list(self._listeners.get(channel, ())):
                _safely(listener.interrupted)

    async def _send(self, pubsub: PubSub) -> None:
        loop = asyncio.get_running_loop()
        last_ping = loop.time()
        while True:
            due = last_ping + self.ping_interval - loop.time()
            if due <= 0:  # however busy the line is with (un)subscribing, keep it proven
                await pubsub.execute_command("PING")
                last_ping = loop.time()
                continue
            try:
                await asyncio.wait_for(self._wake.wait(), due)
            except TimeoutError:
                continue
            self._wake.clear()
            wanted = set(self._listeners)
            subscribe, unsubscribe = sorted(wanted - self._sent), sorted(self._sent - wanted)
            if unsubscribe:
                self._sent.difference_update(unsubscribe)
                await pubsub.execute_command("UNSUBSCRIBE", *unsubscribe)
            if subscribe:
                self._sent.update(subscribe)
                for channel in subscribe:
                    self._pending[channel] = self._pending.get(channel, 0) + 1
                await pubsub.execute_command("SUBSCRIBE", *subscribe)

    async def _read(self, pubsub: PubSub) -> None:
        silent_for = 0.0
        while True:
            reply = await pubsub.parse_response(block=False, timeout=self.ping_interval)
            if reply is None:
                silent_for += self.ping_interval
                if silent_for > 3 * self.ping_interval:  # PINGs went unanswered
                    raise ConnectionError("no reply from Redis to PING")
                continue
            silent_for = 0.0
            self._handle(reply)

    def _handle(self, reply: Any) -> None:
        if not isinstance(reply, list) or len(reply) < 2:
            return  # a PONG
        kind = _text(reply[0])
        channel = _text(reply[1])
        if kind == "message":
            metrics.pubsub_received()
            payload = _text(reply[2])
            for listener in list(self._listeners.get(channel, ())):
                _safely(listener.deliver, payload)
        elif kind == "subscribe":
            left = self._pending.pop(channel, 1) - 1
            if left > 0:
                self._pending[channel] = left
            elif channel in self._listeners:
                self._confirmed[channel].set()
                if channel in self._resume:
                    self._resume.discard(channel)
                    for listener in list(self._listeners[channel]):
                        _safely(listener.resumed)


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _safely(call: Any, *args: Any) -> None:
    """A listener's failure is its own; the connection and other listeners carry on."""
    try:
        call(*args)
    except Exception:
        log.exception("live listener failed")


async def _close(pubsub: PubSub) -> None:
    with contextlib.suppress(RedisError, OSError):
        await pubsub.aclose()  # type: ignore[no-untyped-call]


def hub_client(url: str, **options: Any) -> Redis:
    """A client for the hub: no read timeout (a subscription is quiet for long stretches;
    the hub PINGs instead) and no health checks that would read from under the reader."""
    client: Redis = Redis.from_url(
        url,
        decode_responses=True,
        socket_connect_timeout=2,
        socket_timeout=None,
        health_check_interval=0,
        **options,
    )
    return client
