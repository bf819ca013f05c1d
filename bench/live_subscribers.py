"""One subscriber process of the live scenarios: many websockets, one subscription each.

Each connection speaks graphql-transport-ws (``connection_init``, ``subscribe``, then
``next`` messages) with the ``websockets`` library, as a browser would: permessage-deflate
offered (the server accepts it), no client pings (the server pings every
RANKED_WS_PING_INTERVAL and the library answers). What arrives is stamped with
``time.time()`` on receipt and kept small: for ``rankChanged`` the participant, the new
score and ``merged``; for ``leaderboardTop`` the receipt time and the latest top.

The benchmark drives a process through :mod:`bench.children` commands:

* :class:`Open`: connect and subscribe every connection (a bounded number at a time).
* :class:`Prime`: wait (bounded) until every subscriber has had a first message (the
  initial top, or a marker change), which proves the server registered it; replies the
  participants of the subscribers still waiting, so the benchmark can send them markers.
* :class:`FinishChanges` / :class:`FinishTop`: given what the driver committed, wait until
  every subscriber has it (or the final top), or until nothing has arrived for
  ``idle_seconds``, or ``drain_seconds`` at most, then reply a summary.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import signal
import time
from array import array
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import WebSocketException
from websockets.typing import Subprotocol

from bench.children import Exit, serve_commands
from bench.config import BENCH_KEY
from bench.driver import run_loop

PROTOCOL = Subprotocol("graphql-transport-ws")
OPEN_TIMEOUT = 30.0
OPENING_AT_ONCE = 50
CLOSE_TIMEOUT = 10.0
OP_ID = "1"
MAX_ERROR_KINDS = 20

RANK_CHANGED = (
    "subscription Changes($ids: [ID!]) { rankChanged(participantIds: $ids) { leaderboard"
    " participantId participant { name } oldRank newRank oldScore newScore at merged } }"
)
LEADERBOARD_TOP = (
    "subscription Top($first: Int!) { leaderboardTop(first: $first)"
    " { rank score participant { id name } } }"
)
TOP_FIRST = 10

# A committed change the driver made: (score after it, sent at, response at), time.time().
Committed = tuple[float, float, float]
Top = tuple[tuple[str, float], ...]  # (participant id, score) from first place down


@dataclass(frozen=True, slots=True)
class SubscriberSpec:
    url: str  # ws://.../graphql
    kind: str  # "changes" or "top"
    count: int
    own: tuple[int, ...] = ()  # rankChanged filtered to one participant each (len == count)


@dataclass(frozen=True, slots=True)
class Open:
    pass


@dataclass(frozen=True, slots=True)
class Opened:
    subscribers: int
    failures: dict[str, int]


@dataclass(frozen=True, slots=True)
class Prime:
    seconds: float


@dataclass(frozen=True, slots=True)
class Unprimed:
    count: int
    participants: tuple[int, ...]  # of filtered subscribers among them


@dataclass(frozen=True, slots=True)
class FinishChanges:
    committed: dict[int, list[Committed]]  # per participant, in commit order
    since: float  # the driver's first send: earlier messages were the markers
    drain_seconds: float  # the longest wait
    idle_seconds: float  # give up once nothing arrived for this long


@dataclass(frozen=True, slots=True)
class FinishTop:
    final: Top  # the top once the driver stopped
    window: tuple[float, float]  # the driver's first send and last response
    drain_seconds: float  # the longest wait
    idle_seconds: float  # give up once nothing arrived for this long


@dataclass(slots=True)
class Summary:
    """What one process's subscribers got (picklable: it goes back to the benchmark)."""

    subscribers: int
    failed: int  # subscriptions that ended with an error or a closed connection
    failures: dict[str, int]
    messages: int  # received since the driver began
    drained: bool  # everything due arrived before the deadline
    drain_seconds: float
    expected: int = 0  # rankChanged: changes due, summed over subscribers
    delivered: int = 0  # of those, received alone or within a merged message
    coalesced: int = 0  # of those, received within messages with merged > 1
    unmatched: int = 0  # messages naming no change of the driver's
    latencies_ms: array[float] = field(default_factory=lambda: array("d"))  # from response
    from_request_ms: array[float] = field(default_factory=lambda: array("d"))
    pushes_in_window: array[float] = field(default_factory=lambda: array("d"))  # per sub
    stale: int = 0  # leaderboardTop subscribers whose last top is not the final one


class Subscriber:
    """One connection with one subscription; counts what it receives."""

    def __init__(self, flock: Flock, own: int | None) -> None:
        self.flock = flock
        self.own = own
        self.socket: ClientConnection | None = None
        self.failure: str | None = None
        self.first_at: float | None = None
        # rankChanged: (received at, participant id, new score, merged)
        self.changes: list[tuple[float, int, float, int]] = []
        self.merged_total = 0
        self.pushes: array[float] = array("d")  # leaderboardTop: receipt times
        self.top: Top = ()
        self.done = False  # has everything FinishChanges/FinishTop says is due

    async def open(self, url: str) -> None:
        socket = await connect(
            url, subprotocols=[PROTOCOL], open_timeout=OPEN_TIMEOUT, ping_interval=None,
            proxy=None, close_timeout=CLOSE_TIMEOUT,
        )  # fmt: skip
        self.socket = socket
        init = {"type": "connection_init", "payload": {"Authorization": f"Bearer {BENCH_KEY}"}}
        await socket.send(json.dumps(init))
        ack = json.loads(await asyncio.wait_for(socket.recv(), OPEN_TIMEOUT))
        if ack.get("type") != "connection_ack":
            raise RuntimeError(f"no connection_ack: {str(ack)[:100]}")
        payload: dict[str, Any] = {"query": LEADERBOARD_TOP, "variables": {"first": TOP_FIRST}}
        if self.flock.kind == "changes":
            ids = None if self.own is None else [str(self.own)]
            payload = {"query": RANK_CHANGED, "variables": {"ids": ids}}
        await socket.send(json.dumps({"id": OP_ID, "type": "subscribe", "payload": payload}))

    async def read(self) -> None:
        """Receive until the connection ends; a failure is recorded, never raised."""
        assert self.socket is not None
        try:
            async for raw in self.socket:
                now = time.time()
                message = json.loads(raw)
                kind = message.get("type")
                if kind == "next" and "errors" not in message["payload"]:
                    self._data(now, message["payload"]["data"])
                elif kind == "ping":
                    await self.socket.send('{"type":"pong"}')
                elif kind != "pong":
                    self.fail(f"{kind}: {json.dumps(message.get('payload'))[:160]}")
                    return
            self.fail(f"closed {self.socket.close_code} {self.socket.close_reason}")
        except (OSError, WebSocketException) as exc:
            self.fail(f"{type(exc).__name__}: {exc}"[:200])
        except (ValueError, KeyError, TypeError) as exc:
            self.fail(f"malformed message: {type(exc).__name__}: {exc}"[:200])

    def _data(self, now: float, data: dict[str, Any]) -> None:
        if self.flock.kind == "top":
            self.pushes.append(now)
            self.top = tuple((e["participant"]["id"], e["score"]) for e in data["leaderboardTop"])
        else:
            change = data["rankChanged"]
            merged = change["merged"]
            self.changes.append((now, int(change["participantId"]), change["newScore"], merged))
            self.merged_total += merged
        self.flock.last_message_at = now
        if self.first_at is None:
            self.first_at = now
            self.flock.primed_one()
        if self.flock.finishing is not None and not self.done:
            self.flock.finishing.check(self)

    def fail(self, description: str) -> None:
        """The subscription ended before the benchmark closed it."""
        if self.failure is not None or self.flock.closing:
            return
        self.failure = description
        if self.first_at is None:  # it will never be primed: stop waiting for it
            self.flock.primed_one()
        if self.flock.finishing is not None and not self.done:
            self.flock.finishing.check(self)


class Finishing:
    """Knows what each subscriber is due; tells when all have it (or failed)."""

    def __init__(self, flock: Flock, finish: FinishChanges | FinishTop) -> None:
        self.flock = flock
        self.finish = finish
        self.outstanding = len(flock.subscribers)
        self.all_done = asyncio.Event()
        if isinstance(finish, FinishChanges):  # (participant, score) -> index in commit order
            self.index = {
                (pid, score): (i, sent, responded)
                for pid, seq in finish.committed.items()
                for i, (score, sent, responded) in enumerate(seq)
            }
            self.total = sum(len(seq) for seq in finish.committed.values())
        for sub in flock.subscribers:
            self.check(sub)

    def due(self, sub: Subscriber) -> int:
        """How many of the driver's changes ``sub`` should get."""
        assert isinstance(self.finish, FinishChanges)
        if sub.own is None:
            return self.total
        return len(self.finish.committed.get(sub.own, ()))

    def check(self, sub: Subscriber) -> None:
        if sub.failure is None:
            if isinstance(self.finish, FinishTop):
                if sub.top != self.finish.final:
                    return
            elif sub.merged_total < self.due(sub) or self.covered(sub)[0] < self.due(sub):
                return  # (the cheap sum first; coverage only once it could be complete)
        sub.done = True
        self.outstanding -= 1
        if self.outstanding <= 0:
            self.all_done.set()

    def covered(self, sub: Subscriber) -> tuple[int, int, int]:
        """(changes delivered, of which coalesced, messages since the driver began that name
        no change of the driver's: a late marker, or a change whose request timed out but
        which was committed all the same). A message with ``merged`` = k and the score
        after change j of its participant covers that participant's changes j-k+1 .. j."""
        assert isinstance(self.finish, FinishChanges)
        seen: set[tuple[int, int]] = set()
        coalesced = unmatched = 0
        for received, pid, score, merged in sub.changes:
            if received < self.finish.since:
                continue  # a marker
            found = self.index.get((pid, score))
            if found is None:
                unmatched += 1
                continue
            last = found[0]
            span = {(pid, i) for i in range(max(0, last - merged + 1), last + 1)}
            if merged > 1:
                coalesced += len(span - seen)
            seen |= span
        return len(seen), coalesced, unmatched


class Flock:
    """This process's subscribers and the commands that drive them."""

    def __init__(self, spec: SubscriberSpec) -> None:
        self.spec = spec
        self.kind = spec.kind
        owns: Iterable[int | None] = spec.own or [None] * spec.count
        self.subscribers = [Subscriber(self, own) for own in owns]
        self.readers: list[asyncio.Task[None]] = []
        self.unprimed = len(self.subscribers)
        self.primed = asyncio.Event()
        self.finishing: Finishing | None = None
        self.closing = False
        self.last_message_at = 0.0  # time.time() of the latest receipt by any subscriber

    def primed_one(self) -> None:
        self.unprimed -= 1
        if self.unprimed <= 0:
            self.primed.set()

    async def handle(self, command: Any) -> Any:
        if isinstance(command, Open):
            return await self.open()
        if isinstance(command, Prime):
            return await self.prime(command.seconds)
        if isinstance(command, FinishChanges | FinishTop):
            return await self.finish(command)
        if isinstance(command, Exit):
            return await self.close()
        raise ValueError(f"unknown command {command!r}")

    async def open(self) -> Opened:
        gate = asyncio.Semaphore(OPENING_AT_ONCE)

        async def one(sub: Subscriber) -> None:
            async with gate:
                try:
                    await sub.open(self.spec.url)
                except (OSError, TimeoutError, WebSocketException, RuntimeError) as exc:
                    sub.fail(f"could not subscribe: {type(exc).__name__}: {exc}"[:200])
                    return
            self.readers.append(asyncio.create_task(sub.read()))

        await asyncio.gather(*(one(sub) for sub in self.subscribers))
        return Opened(len(self.readers), self._failures())

    def _failures(self) -> dict[str, int]:
        failures = Counter(s.failure for s in self.subscribers if s.failure is not None)
        kinds = dict(failures.most_common(MAX_ERROR_KINDS))
        rest = failures.total() - sum(kinds.values())
        if rest:
            kinds["(other kinds)"] = rest
        return kinds

    async def prime(self, seconds: float) -> Unprimed:
        with contextlib.suppress(TimeoutError):  # the reply says who is still waiting
            await asyncio.wait_for(self.primed.wait(), seconds)
        waiting = [s for s in self.subscribers if s.first_at is None and s.failure is None]
        return Unprimed(len(waiting), tuple(s.own for s in waiting if s.own is not None))

    async def finish(self, command: FinishChanges | FinishTop) -> Summary:
        started = time.perf_counter()
        self.finishing = finishing = Finishing(self, command)
        drained = await self._drain(finishing.all_done, command.drain_seconds, command.idle_seconds)
        waited = time.perf_counter() - started
        if isinstance(command, FinishTop):
            return self._top_summary(command, drained, waited)
        return self._changes_summary(command, finishing, drained, waited)

    async def _drain(self, done: asyncio.Event, seconds: float, idle: float) -> bool:
        """Wait for ``done`` while messages keep coming (a server far behind may deliver
        for long after the driver stopped): False once nothing arrived for ``idle``
        seconds, or after ``seconds`` in all."""
        begun = time.time()
        deadline = begun + seconds
        while not done.is_set():
            now = time.time()
            wake = min(deadline, max(self.last_message_at, begun) + idle)
            if wake <= now:
                return False
            with contextlib.suppress(TimeoutError):  # the loop decides whether to go on
                await asyncio.wait_for(done.wait(), wake - now)
        return True

    def _base(self, drained: bool, waited: float, messages: int) -> Summary:
        return Summary(
            subscribers=len(self.subscribers),
            failed=sum(1 for s in self.subscribers if s.failure is not None),
            failures=self._failures(),
            messages=messages,
            drained=drained,
            drain_seconds=round(waited, 3),
        )

    def _changes_summary(
        self, command: FinishChanges, finishing: Finishing, drained: bool, waited: float
    ) -> Summary:
        messages = sum(1 for s in self.subscribers for c in s.changes if c[0] >= command.since)
        summary = self._base(drained, waited, messages)
        for sub in self.subscribers:
            delivered, coalesced, unmatched = finishing.covered(sub)
            summary.expected += finishing.due(sub)
            summary.delivered += delivered
            summary.coalesced += coalesced
            summary.unmatched += unmatched
            for received, pid, score, _ in sub.changes:
                found = finishing.index.get((pid, score))
                if found is not None:
                    summary.latencies_ms.append((received - found[2]) * 1000)
                    summary.from_request_ms.append((received - found[1]) * 1000)
        return summary

    def _top_summary(self, command: FinishTop, drained: bool, waited: float) -> Summary:
        start, end = command.window
        in_window = [sum(1 for t in s.pushes if start <= t <= end) for s in self.subscribers]
        messages = sum(1 for s in self.subscribers for t in s.pushes if t >= start)
        summary = self._base(drained, waited, messages)
        summary.pushes_in_window = array("d", in_window)
        summary.stale = sum(1 for s in self.subscribers if s.top != command.final)
        return summary

    async def close(self) -> None:
        self.closing = True
        sockets = [s.socket for s in self.subscribers if s.socket is not None]
        closing = asyncio.gather(*(s.close() for s in sockets), return_exceptions=True)
        with contextlib.suppress(TimeoutError):  # the kernel closes what is left at exit
            await asyncio.wait_for(closing, CLOSE_TIMEOUT)
        for task in self.readers:
            task.cancel()
        await asyncio.gather(*self.readers, return_exceptions=True)


async def _serve(conn: Connection, spec: SubscriberSpec) -> None:
    await serve_commands(conn, Flock(spec).handle)


def run_subscribers(conn: Connection, spec: SubscriberSpec) -> None:
    """Entry point of a subscriber process. Ctrl-C is the benchmark's to handle: it stops
    this process through the pipe."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    run_loop(_serve(conn, spec))
