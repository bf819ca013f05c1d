"""Live subscriptions under load: websocket subscribers in their own processes, a paced
driver changing scores over HTTP, and what reached whom, how late, at what CPU cost.

One scenario, start to finish (every wait bounded, every process stopped however it ends):

1. Spawn the driver (``bench.live_driver``) and ``processes`` subscriber processes
   (``bench.live_subscribers``) sharing ``subscribers`` websocket connections, and open
   them all: each sends ``connection_init`` and one ``subscribe``. The subscribers connect
   to the benchmark's server; the driver too, except in the ``:split`` scenarios: there it
   sends every change (and reads the top) through a second ``ranked serve`` process (same
   database, Redis and prefix), so changes reach the subscribers' server only through Redis
   pub/sub, and writes and fan-out each have a process (a core) of their own. That second
   server starts before the first ``:split`` scenario and stops after the last scenario.
2. **Prime.** A subscription is registered on the server once it has had a message, so the
   run waits for every subscriber's first one: ``leaderboardTop`` pushes the top at once;
   for ``rankChanged`` the driver makes marker changes (+1) and again for any subscriber
   still waiting after a bounded wait.
3. **Drive** for ``seconds`` at ``rate`` changes/s: ``rankChanged`` changes random
   participants (ids below N, N being the marker), ``rankChanged:own`` the subscribers' own
   participants, ``leaderboardTop`` the current top 50 (so the top 10 keeps changing).
   CPU is sampled for this window: server, the second server (``writer``, ``:split``
   only), PostgreSQL backends, Redis, subscriber processes, driver, and the rest of the
   machine.
4. **Finish.** The subscriber processes get what the driver committed (or the top once it
   stopped) and wait until every subscriber has all of it, or nothing has arrived for
   ``DRAIN_IDLE_SECONDS``, or ``drain_cap`` has passed (a lagging server may still be
   delivering a large backlog long after the driver stopped); then they count:
   ``expected`` changes (per subscriber: all of them, or its own participant's),
   ``delivered`` (a message with ``merged`` = k delivers k changes; those are also counted
   as ``coalesced``), ``lost`` = expected - delivered, latency from the mutation's HTTP
   response (and from its request) to receipt; for ``leaderboardTop``, pushes per
   subscriber per second in the window and whether each ended on the final top.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from bench import cpu
from bench.children import Child
from bench.config import BenchConfig, LiveConfig
from bench.console import say
from bench.driver import percentile
from bench.live_driver import Drive, Driven, DriverSpec, Mark, ReadTop, run_driver
from bench.live_subscribers import (
    TOP_FIRST,
    Committed,
    FinishChanges,
    FinishTop,
    Open,
    Opened,
    Prime,
    SubscriberSpec,
    Summary,
    Unprimed,
    run_subscribers,
)
from bench.service import Server, ServerLog, service_env, serving
from bench.stores import BenchError

TOP_TARGETS = 50  # leaderboardTop: changes go to the current top 50
PRIME_ROUND_SECONDS = 2.0  # how long one priming round waits before sending markers again
PRIME_SECONDS = 90.0  # priming gives up after this
REPLY_MARGIN = 30.0  # added to every bounded wait for a child's reply
DRAIN_IDLE_SECONDS = 10.0  # finishing gives up once nothing arrived for this long
SERVER = "server"
WRITER = "writer"  # CPU group of the second server
SUBSCRIBERS = "subscribers"
DRIVER = "driver"


@dataclass(frozen=True, slots=True)
class LiveMeasurement:
    """The outcome of one live scenario (see the module docstring for the counts)."""

    name: str
    subscribers: int
    processes: int
    target_rate: float
    achieved_rate: float
    changes: int  # committed by the driver
    driver_errors: dict[str, int]
    mutation_p50_ms: float | None
    mutation_p99_ms: float | None
    messages: int  # received by all subscribers together from the first change on
    messages_per_second: float  # over the driving and the drain
    expected: int | None  # rankChanged only, like the next five
    delivered: int | None
    coalesced: int | None
    lost: int | None
    unmatched: int | None  # messages of no committed change of the driver's (see Finishing)
    latency_p50_ms: float | None  # from the mutation's response to receipt
    latency_p99_ms: float | None
    from_request_p50_ms: float | None  # from the mutation's request to receipt
    from_request_p99_ms: float | None
    pushes_per_subscriber_per_second: float | None  # leaderboardTop only, like the next two
    pushes_per_subscriber_range: tuple[float, float] | None  # the least and most /s
    stale: int | None  # subscribers whose last top was not the final top
    failed: int  # subscriptions that ended early (error, closed connection)
    failures: dict[str, int]
    drained: bool  # everything due arrived before the deadline
    drain_seconds: float  # from the driver's last response until it had
    driving_seconds: float
    cpu_percent: dict[str, float]  # while driving; loadgen = subscribers + driver + run
    busiest_loadgen_percent: float  # the busiest single load process, % of one core
    server_cpu_seconds: float  # over driving and drain: mutations (unless split) and pushes
    server_cpu_us_per_message: float | None  # the same / messages
    split: bool  # the changes went through a second server (the writer)
    writer_cpu_seconds: float | None  # split only: the second server's, over driving and drain

    @property
    def errors(self) -> int:
        """Everything that should not happen: lost changes, stale tops, subscriptions that
        ended, failed mutations."""
        wrong = (self.lost or 0) + (self.stale or 0) + self.failed
        return wrong + sum(self.driver_errors.values())


@dataclass(frozen=True, slots=True)
class _Plan:
    name: str
    kind: str  # "changes" or "top"
    own: tuple[int, ...]  # rankChanged:own: each subscriber's participant
    marker: int  # rankChanged: the participant marker changes go to
    split: bool  # changes through the second server


async def measure_live(
    config: BenchConfig, server: Server, watch: cpu.CpuWatch, writer_log: ServerLog
) -> list[LiveMeasurement]:
    """Every configured live scenario, one after the other, with the subscribers on
    ``server``. The first ``:split`` scenario starts the second server, which is stopped
    however this ends; its output goes to ``writer_log``."""
    results = []
    async with contextlib.AsyncExitStack() as stack:
        writer: Server | None = None
        for name in config.live.scenarios:
            plan = _plan(name, config)
            if plan.split and writer is None:
                writer = await stack.enter_async_context(serving(service_env(config), writer_log))
                say(f"second server (for the changes of :split scenarios) at {writer.base_url}")
            say(f"live scenario {name}: {config.live.subscribers:,} subscribers")
            result = await _scenario(plan, config, server, writer if plan.split else None, watch)
            say(
                f"{name}: {result.achieved_rate:,.1f} changes/s, {result.messages:,} messages,"
                f" {result.errors:,} errors"
            )
            results.append(result)
    return results


def _plan(name: str, config: BenchConfig) -> _Plan:
    n, count = config.participants, config.live.subscribers
    subscription, _, variant = name.partition(":")
    own: tuple[int, ...] = ()
    if variant == "own":  # spread over the board: random ranks, one each
        picks = random.Random(2).sample(range(1, n), min(count, n - 1))
        own = tuple(picks[i % len(picks)] for i in range(count))
    kind = "top" if subscription == "leaderboardTop" else "changes"
    return _Plan(name, kind, own, marker=n, split=variant == "split")


def _specs(plan: _Plan, live: LiveConfig, url: str) -> list[SubscriberSpec]:
    processes = min(live.processes, live.subscribers)
    specs = []
    for i in range(processes):
        lo, hi = live.subscribers * i // processes, live.subscribers * (i + 1) // processes
        specs.append(SubscriberSpec(url, plan.kind, hi - lo, plan.own[lo:hi]))
    return specs


async def _scenario(
    plan: _Plan, config: BenchConfig, server: Server, writer: Server | None, watch: cpu.CpuWatch
) -> LiveMeasurement:
    """One scenario: subscribers on ``server``, changes through ``writer`` if given (else
    through ``server`` too)."""
    live = config.live
    ws_url = "ws" + server.base_url.removeprefix("http") + "/graphql"
    changes_url = (writer or server).base_url
    children: list[Child] = []
    try:
        driver = Child(DRIVER, run_driver, DriverSpec(changes_url, config.live.driver_concurrency))
        children.append(driver)
        flocks = [
            Child(f"subscribers-{i}", run_subscribers, spec)
            for i, spec in enumerate(_specs(plan, live, ws_url))
        ]
        children += flocks
        await _open(flocks, live.subscribers)
        await _prime(plan, flocks, driver)
        targets = await _targets(plan, config, driver)
        pids = {**watch.pids, SUBSCRIBERS: tuple(c.pid for c in flocks), DRIVER: (driver.pid,)}
        if writer is not None:
            pids[WRITER] = (writer.pid,)
        load = cpu.CpuWatch(pids, watch.postgres_database)
        before = cpu.sample(load)
        rate = live.top_rate if plan.kind == "top" else live.change_rate
        drive = Drive(rate, live.seconds, targets, exclusive=plan.kind == "changes")
        driven: Driven = await driver.ask(drive, 3 * live.seconds + REPLY_MARGIN)
        during = cpu.sample(load, before)
        summaries = await _finish(plan, live, flocks, driver, driven)
        after = cpu.sample(load, before)
    finally:
        await asyncio.gather(*(child.stop() for child in children))
    return _measurement(plan, live, driven, summaries, (before, during, after))


async def _open(flocks: list[Child], subscribers: int) -> None:
    timeout = 60 + subscribers / 20
    opened: list[Opened] = await asyncio.gather(*(c.ask(Open(), timeout) for c in flocks))
    failures: dict[str, int] = defaultdict(int)
    for reply in opened:
        for kind, count in reply.failures.items():
            failures[kind] += count
    total = sum(reply.subscribers for reply in opened)
    say(f"{total:,} of {subscribers:,} subscribers connected")
    for kind, count in failures.items():
        say(f"  {count:,} x {kind}")
    if total == 0:
        raise BenchError("no subscriber could connect")


async def _prime(plan: _Plan, flocks: list[Child], driver: Child) -> None:
    """Wait until every subscriber has had a message (so the server registered it); for
    rankChanged, markers make those messages."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + PRIME_SECONDS
    markers: tuple[int, ...] = () if plan.kind == "top" else (plan.own or (plan.marker,))
    rounds = 0
    while True:
        if markers:
            await driver.ask(Mark(markers), REPLY_MARGIN + len(markers) / 10)
        rounds += 1
        asked = Prime(PRIME_ROUND_SECONDS)
        replies: list[Unprimed] = await asyncio.gather(
            *(c.ask(asked, PRIME_ROUND_SECONDS + REPLY_MARGIN) for c in flocks)
        )
        waiting = sum(reply.count for reply in replies)
        if waiting == 0:
            say(f"every subscriber registered (priming rounds: {rounds})")
            return
        if loop.time() > deadline:
            raise BenchError(f"{waiting:,} subscribers got nothing in {PRIME_SECONDS:.0f} s")
        if plan.kind == "changes":
            markers = tuple(p for reply in replies for p in reply.participants) or (plan.marker,)


async def _targets(plan: _Plan, config: BenchConfig, driver: Child) -> Sequence[int]:
    if plan.own:
        return plan.own
    if plan.kind == "changes":
        return range(1, config.participants)  # not the marker
    top = await driver.ask(ReadTop(TOP_TARGETS), REPLY_MARGIN)
    return [int(pid) for pid, _ in top]


async def _finish(
    plan: _Plan, live: LiveConfig, flocks: list[Child], driver: Child, driven: Driven
) -> list[Summary]:
    drain = drain_cap(live.seconds)
    finish: FinishChanges | FinishTop
    if plan.kind == "top":
        final = await driver.ask(ReadTop(TOP_FIRST), REPLY_MARGIN)
        finish = FinishTop(final, (driven.started, driven.ended), drain, DRAIN_IDLE_SECONDS)
    else:
        committed: dict[int, list[Committed]] = defaultdict(list)
        for pid, score, sent, responded in driven.committed:
            committed[pid].append((score, sent, responded))
        for changes in committed.values():
            changes.sort()  # scores only rise (live_driver.DELTAS): score order is commit order
        finish = FinishChanges(dict(committed), driven.started, drain, DRAIN_IDLE_SECONDS)
    say(
        f"driven: {len(driven.committed):,} changes; waiting for delivery (<= {drain:.0f} s,"
        f" or until nothing arrives for {DRAIN_IDLE_SECONDS:.0f} s)"
    )
    replies: list[Summary] = await asyncio.gather(
        *(c.ask(finish, drain + REPLY_MARGIN) for c in flocks)
    )
    return replies


def drain_cap(seconds: float) -> float:
    """The longest finishing waits after ``seconds`` of changes: long enough for a server
    whose fan-out fell far behind (it keeps delivering after the driver stopped)."""
    return max(60.0, 30 * seconds)


def _ms(ordered: Sequence[float], percent: float) -> float | None:
    value = percentile(ordered, percent)
    return None if value is None else round(value, 3)


@dataclass(frozen=True, slots=True)
class _Cpu:
    percent: dict[str, float]  # while driving (loadgen: every load process)
    busiest: float  # the busiest load process's %
    server_seconds: float  # over driving and drain
    writer_seconds: float | None  # the second server's, the same way (split only)


def _cpu(samples: tuple[cpu.CpuSample, cpu.CpuSample, cpu.CpuSample]) -> _Cpu:
    before, during, after = samples
    percent = cpu.percent_between(before, during)
    load = (SUBSCRIBERS, DRIVER, cpu.LOADGEN)
    percent[cpu.LOADGEN] = round(sum(percent.get(g, 0.0) for g in load), 1)
    per_process = [
        p for g in (SUBSCRIBERS, DRIVER) for p in cpu.process_percents(before, during, g).values()
    ]
    whole = cpu.percent_between(before, after)
    wall = after.at - before.at
    writer = whole[WRITER] / 100 * wall if WRITER in whole else None
    return _Cpu(percent, max(per_process, default=0.0), whole.get(SERVER, 0.0) / 100 * wall, writer)


def _measurement(
    plan: _Plan,
    live: LiveConfig,
    driven: Driven,
    summaries: list[Summary],
    samples: tuple[cpu.CpuSample, cpu.CpuSample, cpu.CpuSample],
) -> LiveMeasurement:
    driving = driven.ended - driven.started if driven.ended else live.seconds
    drain = max(s.drain_seconds for s in summaries)
    messages = sum(s.messages for s in summaries)
    failures: dict[str, int] = defaultdict(int)
    for summary in summaries:
        for kind, count in summary.failures.items():
            failures[kind] += count
    latencies = sorted(x for s in summaries for x in s.latencies_ms)
    from_request = sorted(x for s in summaries for x in s.from_request_ms)
    pushes = sorted(x / driving for s in summaries for x in s.pushes_in_window)
    changes = plan.kind == "changes"
    expected = sum(s.expected for s in summaries)
    delivered = sum(s.delivered for s in summaries)
    used = _cpu(samples)
    return LiveMeasurement(
        name=plan.name,
        subscribers=live.subscribers,
        processes=len(summaries),
        target_rate=live.top_rate if plan.kind == "top" else live.change_rate,
        achieved_rate=round(len(driven.committed) / driving, 1),
        changes=len(driven.committed),
        driver_errors=driven.errors,
        mutation_p50_ms=driven.latency_ms(50),
        mutation_p99_ms=driven.latency_ms(99),
        messages=messages,
        messages_per_second=round(messages / (driving + drain), 1),
        expected=expected if changes else None,
        delivered=delivered if changes else None,
        coalesced=sum(s.coalesced for s in summaries) if changes else None,
        lost=expected - delivered if changes else None,
        unmatched=sum(s.unmatched for s in summaries) if changes else None,
        latency_p50_ms=_ms(latencies, 50),
        latency_p99_ms=_ms(latencies, 99),
        from_request_p50_ms=_ms(from_request, 50),
        from_request_p99_ms=_ms(from_request, 99),
        pushes_per_subscriber_per_second=None if changes else round(sum(pushes) / len(pushes), 2),
        pushes_per_subscriber_range=None
        if changes
        else (round(pushes[0], 2), round(pushes[-1], 2)),
        stale=None if changes else sum(s.stale for s in summaries),
        failed=sum(s.failed for s in summaries),
        failures=dict(failures),
        drained=all(s.drained for s in summaries),
        drain_seconds=round(drain, 3),
        driving_seconds=round(driving, 3),
        cpu_percent=used.percent,
        busiest_loadgen_percent=used.busiest,
        server_cpu_seconds=round(used.server_seconds, 3),
        server_cpu_us_per_message=(
            round(used.server_seconds / messages * 1e6, 1) if messages else None
        ),
        split=plan.split,
        writer_cpu_seconds=None if used.writer_seconds is None else round(used.writer_seconds, 3),
    )
