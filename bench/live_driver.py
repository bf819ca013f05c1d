"""The driver process of the live scenarios: score changes through the HTTP API, paced.

Changes go through ``adjustPoints`` over HTTP, as any client's would: ``concurrency``
tasks, each with its own keep-alive connection, take the next slot of a fixed schedule
(change i is due at start + i / rate) and send it once it is due, so the rate is the
target's unless the server (or this process) cannot keep up; late changes go out as soon as
a task is free, never in a burst beyond ``concurrency``, and none goes out once the window
is over (the rate achieved is what the report shows). Every delta is positive (+1..10),
so a participant's score only rises and (participant, score after the change) names one
committed change: that is how subscribers match what they receive to the change that
caused it. For that, a :class:`Drive` with ``exclusive`` never has two changes of one
participant in flight: ``adjustPoints`` reads the entry it returns after committing, so of
two concurrent changes both responses may carry the later score. Send and response times
are ``time.time()``, the clock the subscriber processes stamp receipts with.

Commands (:mod:`bench.children`): :class:`ReadTop` (the board's top N, ids and scores),
:class:`Mark` (+1 to each participant given: the markers that prove subscribers are
registered), :class:`Drive` (the paced changes; replies :class:`Driven`).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import random
import signal
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

import httpx

from bench.children import Exit, serve_commands
from bench.driver import percentile, run_loop
from bench.http_load import ADJUST, HEADERS, REQUEST_TIMEOUT, verdict
from bench.live_subscribers import Top

DELTAS = range(1, 11)
LEAD_SECONDS = 0.05  # between taking the schedule's start and its first slot
TOP_QUERY = (
    'query Top($n: Int!) { leaderboard(key: "points") { entries(first: $n)'
    " { edges { node { score participant { id } } } } } }"
)
MAX_ERROR_KINDS = 20


@dataclass(frozen=True, slots=True)
class DriverSpec:
    base_url: str
    concurrency: int
    seed: int = 1


@dataclass(frozen=True, slots=True)
class ReadTop:
    first: int


@dataclass(frozen=True, slots=True)
class Mark:
    participants: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Drive:
    rate: float  # changes/s wanted
    seconds: float
    participants: Sequence[int]  # each change picks one of these at random
    exclusive: bool  # one change per participant in flight at a time


@dataclass(slots=True)
class Driven:
    """What the driver did (picklable)."""

    committed: list[tuple[int, float, float, float]]  # participant, score after, sent, response
    errors: dict[str, int]
    scheduled: int  # changes the schedule held for the window
    started: float  # time.time() of the first send
    ended: float  # time.time() of the last response
    latencies_ms: list[float] = field(default_factory=list)  # of the mutations

    def latency_ms(self, percent: float) -> float | None:
        """A percentile of the mutations' latencies."""
        value = percentile(sorted(self.latencies_ms), percent)
        return None if value is None else round(value, 3)


class Driver:
    def __init__(self, spec: DriverSpec, clients: list[httpx.AsyncClient]) -> None:
        self.spec = spec
        self.clients = clients
        self.random = random.Random(spec.seed)
        self.keys = (f"bench-live-{spec.seed}-{time.time_ns()}-{n}" for n in itertools.count())

    async def handle(self, command: Any) -> Any:
        if isinstance(command, ReadTop):
            return await self.read_top(command.first)
        if isinstance(command, Mark):
            return await self.mark(command.participants)
        if isinstance(command, Drive):
            return await self.drive(command)
        if isinstance(command, Exit):
            return None
        raise ValueError(f"unknown command {command!r}")

    async def adjust(self, client: httpx.AsyncClient, pid: int, delta: float) -> float | str:
        """One adjustPoints: the score after it, or what went wrong."""
        variables = {"id": str(pid), "d": delta, "k": next(self.keys)}
        body = json.dumps({"query": ADJUST, "variables": variables}).encode()
        try:
            response = await client.post("/graphql", content=body, headers=HEADERS)
        except httpx.HTTPError as exc:
            return f"{type(exc).__name__}: {exc}"[:200]
        wrong = verdict(response, lambda data: None)
        if wrong is not None:
            return wrong
        try:
            return float(response.json()["data"]["adjustPoints"]["score"])
        except (KeyError, TypeError, ValueError):
            return "adjustPoints returned no score"

    async def read_top(self, first: int) -> Top:
        variables = {"n": first}
        body = json.dumps({"query": TOP_QUERY, "variables": variables}).encode()
        response = await self.clients[0].post("/graphql", content=body, headers=HEADERS)
        response.raise_for_status()
        edges = response.json()["data"]["leaderboard"]["entries"]["edges"]
        return tuple((e["node"]["participant"]["id"], e["node"]["score"]) for e in edges)

    async def mark(self, participants: tuple[int, ...]) -> int:
        """+1 to each participant; returns how many changes failed."""
        todo = iter(participants)
        failures = 0

        async def work(client: httpx.AsyncClient) -> None:
            nonlocal failures
            for pid in todo:
                if isinstance(await self.adjust(client, pid, 1.0), str):
                    failures += 1

        await asyncio.gather(*(work(client) for client in self.clients))
        return failures

    async def drive(self, plan: Drive) -> Driven:
        slots = itertools.count()
        scheduled = int(plan.rate * plan.seconds)
        begin = time.perf_counter() + LEAD_SECONDS
        driven = Driven([], {}, scheduled, time.time() + LEAD_SECONDS, 0.0)
        errors: Counter[str] = Counter()
        busy: set[int] = set()
        clients = self.clients
        if plan.exclusive:  # leave every task a choice of participants not in flight
            clients = clients[: max(1, len(plan.participants) // 2)]

        def pick() -> int:
            while True:
                pid = self.random.choice(plan.participants)
                if not (plan.exclusive and pid in busy):
                    return pid

        async def work(client: httpx.AsyncClient) -> None:
            for slot in _until(slots, scheduled):
                now = time.perf_counter()
                if now >= begin + plan.seconds:
                    return  # the window is over: slots not sent by now are dropped
                delay = begin + slot / plan.rate - now
                if delay > 0:
                    await asyncio.sleep(delay)  # pacing: the slot is not due yet
                pid = pick()
                busy.add(pid)
                sent = time.time()
                outcome = await self.adjust(client, pid, float(self.random.choice(DELTAS)))
                responded = time.time()
                busy.discard(pid)
                if isinstance(outcome, str):
                    errors[outcome] += 1
                else:
                    driven.committed.append((pid, outcome, sent, responded))
                    driven.latencies_ms.append((responded - sent) * 1000)
                driven.ended = max(driven.ended, responded)

        await asyncio.gather(*(work(client) for client in clients))
        driven.errors = dict(errors.most_common(MAX_ERROR_KINDS))
        return driven


def _until(slots: Iterator[int], end: int) -> Iterator[int]:
    """The shared schedule's next slots, up to ``end`` (exclusive)."""
    for slot in slots:
        if slot >= end:
            return
        yield slot


async def _serve(conn: Connection, spec: DriverSpec) -> None:
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1, keepalive_expiry=60)
    async with AsyncExitStack() as stack:
        clients = [
            await stack.enter_async_context(
                httpx.AsyncClient(base_url=spec.base_url, limits=limits, timeout=REQUEST_TIMEOUT)
            )
            for _ in range(spec.concurrency)
        ]
        await serve_commands(conn, Driver(spec, clients).handle)


def run_driver(conn: Connection, spec: DriverSpec) -> None:
    """Entry point of the driver process (Ctrl-C is the benchmark's to handle)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    run_loop(_serve(conn, spec))
