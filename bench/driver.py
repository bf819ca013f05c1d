"""A closed-loop load driver: one task per operation, each issuing it again and again.

Timeline of one scenario: a warm-up (connections open, caches fill, the server's pools grow)
followed by the measurement window. An operation counts in the window when it *completes*
inside it; operations completing during the warm-up, or after the window closes (the
in-flight tail), are counted apart and never enter the latencies. Tasks stop issuing when
the window closes, or earlier once ``max_samples`` operations completed in it (the window
is then shortened to that moment, so the rate stays right).

An operation is an awaitable factory returning ``None`` on success or a short error
description; errors are counted by description. ``ops/s`` counts successful operations
only, and the latency percentiles are of successful operations.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from bench import cpu

T = TypeVar("T")
Operation = Callable[[], Awaitable[str | None]]

MAX_ERROR_KINDS = 20


@dataclass(frozen=True, slots=True)
class Measurement:
    """The outcome of one scenario (picklable: it crosses back from the load process)."""

    name: str
    ok: int
    errors: int
    error_kinds: dict[str, int]
    errors_outside_window: int
    window_seconds: float
    ops_per_second: float
    p50_ms: float | None
    p99_ms: float | None
    cpu_percent: dict[str, float]


class Recorder:
    """Collects completions into the window; decides when tasks stop."""

    def __init__(self, warmup: float, seconds: float, max_samples: int) -> None:
        self.window_start = time.perf_counter() + warmup
        self.window_end = self.window_start + seconds
        self.max_samples = max_samples
        self.latencies: list[float] = []
        self.errors: Counter[str] = Counter()
        self.errors_outside: Counter[str] = Counter()
        self.closed = asyncio.Event()  # set by the first task that sees the window closed

    def accepting(self) -> bool:
        if time.perf_counter() < self.window_end:
            return True
        self.closed.set()
        return False

    def record(self, started: float, finished: float, error: str | None) -> None:
        if not self.window_start <= finished <= self.window_end:
            if error is not None:
                self.errors_outside[error] += 1
            return
        if error is None:
            self.latencies.append(finished - started)
        else:
            self.errors[error] += 1
        if len(self.latencies) + self.errors.total() >= self.max_samples:
            self.window_end = finished

    def measurement(self, name: str, cpu_percent: dict[str, float]) -> Measurement:
        window = self.window_end - self.window_start
        ordered = sorted(self.latencies)
        return Measurement(
            name=name,
            ok=len(ordered),
            errors=self.errors.total(),
            error_kinds=_top_kinds(self.errors),
            errors_outside_window=self.errors_outside.total(),
            window_seconds=round(window, 3),
            ops_per_second=round(len(ordered) / window, 1) if window > 0 else 0.0,
            p50_ms=_percentile_ms(ordered, 50),
            p99_ms=_percentile_ms(ordered, 99),
            cpu_percent=cpu_percent,
        )


def _top_kinds(errors: Counter[str]) -> dict[str, int]:
    kinds = dict(errors.most_common(MAX_ERROR_KINDS))
    rest = errors.total() - sum(kinds.values())
    if rest:
        kinds["(other kinds)"] = rest
    return kinds


def percentile(ordered: Sequence[float], percent: float) -> float | None:
    """Nearest-rank percentile of sorted values (None: no values)."""
    if not ordered:
        return None
    return ordered[max(0, math.ceil(percent / 100 * len(ordered)) - 1)]


def _percentile_ms(ordered: list[float], percent: float) -> float | None:
    """Nearest-rank percentile of sorted seconds, in milliseconds."""
    value = percentile(ordered, percent)
    return None if value is None else round(value * 1000, 3)


async def _issue(operation: Operation, recorder: Recorder) -> None:
    while recorder.accepting():
        started = time.perf_counter()
        try:
            error = await operation()
        except Exception as exc:  # noqa: BLE001 - an unforeseen failure is one more error
            error = f"{type(exc).__name__}: {exc}"[:200]
        recorder.record(started, time.perf_counter(), error)


async def _watch_cpu(watch: cpu.CpuWatch, recorder: Recorder) -> dict[str, float]:
    await asyncio.sleep(max(0.0, recorder.window_start - time.perf_counter()))
    before = cpu.sample(watch)
    await recorder.closed.wait()
    return cpu.percent_between(before, cpu.sample(watch, before))


async def drive(
    name: str,
    operations: Sequence[Operation],
    *,
    warmup: float,
    seconds: float,
    max_samples: int,
    watch: cpu.CpuWatch,
) -> Measurement:
    """Run one task per operation (the concurrency) through a warm-up and one window."""
    recorder = Recorder(warmup, seconds, max_samples)
    usage = asyncio.create_task(_watch_cpu(watch, recorder))
    await asyncio.gather(*(_issue(operation, recorder) for operation in operations))
    return recorder.measurement(name, await usage)


def run_loop(main: Coroutine[Any, Any, T]) -> T:
    """Run ``main`` on uvloop when it is installed (a cheaper client leaves more CPU to the
    server on a small machine), else on asyncio's default loop."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(main)
    return uvloop.run(main)
