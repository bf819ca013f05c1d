"""Running ``wrk`` (Debian's native HTTP load generator) with ``bench/wrk/graphql.lua``.

A Python load generator saturates before the server does (it measures itself), so HTTP load
comes from wrk. A run lasts ``seconds``, or until the caller stops it (SIGINT: wrk then
reports the time it ran), which lets a window end exactly when an event happens.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from bench.config import BENCH_KEY, ROOT
from bench.stores import BenchError

SCRIPT = ROOT / "bench" / "wrk" / "graphql.lua"
LONGEST = 3600  # seconds: a run that is stopped by its caller


@dataclass(frozen=True, slots=True)
class WrkResult:
    scenario: str
    connections: int
    requests: int
    seconds: float
    errors: int  # responses that were not 200 or carried GraphQL errors
    socket_errors: int  # connect, read, write errors and timeouts
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def wrk_binary() -> str:
    found = shutil.which("wrk")
    if found is None:
        raise BenchError("wrk is not installed (Debian: apt-get install wrk)")
    return found


@dataclass
class WrkRun:
    """A wrk process under way; :meth:`stop` ends it and returns what it measured."""

    scenario: str
    connections: int
    process: asyncio.subprocess.Process

    async def stop(self) -> WrkResult:
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGINT)
        return await self.result()

    async def result(self) -> WrkResult:
        stdout, stderr = await self.process.communicate()
        summary = next(
            (line for line in stdout.decode().splitlines() if line.startswith('{"requests"')),
            None,
        )
        if summary is None:
            raise BenchError(f"wrk gave no summary: {stderr.decode()[-500:]}")
        found = json.loads(summary)
        return WrkResult(
            self.scenario,
            self.connections,
            int(found["requests"]),
            float(found["seconds"]),
            int(found["errors"]),
            int(found["socket_errors"]),
            found["p50_us"] / 1000,
            found["p90_us"] / 1000,
            found["p99_us"] / 1000,
            found["max_us"] / 1000,
        )


@asynccontextmanager
async def wrk(
    base_url: str,
    scenario: str,
    *,
    participants: int,
    connections: int,
    seconds: float = LONGEST,
    threads: int = 2,
    env: dict[str, str] | None = None,
    key: str = BENCH_KEY,
) -> AsyncIterator[WrkRun]:
    """Start wrk on ``scenario`` for the block (stopped, if still running, on the way out);
    ``env``: variables the script reads (``BENCH_HISTORY_TO``); ``key``: the API key sent."""
    args = [
        wrk_binary(), f"-t{min(threads, connections)}", f"-c{connections}",
        f"-d{max(1, round(seconds))}s", "--timeout", "10s", "-s", str(SCRIPT),
        base_url, "--", scenario, str(participants), uuid.uuid4().hex[:8], key,
    ]  # fmt: skip
    process = await asyncio.create_subprocess_exec(
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env={**os.environ, **(env or {})},
    )
    try:
        yield WrkRun(scenario, connections, process)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
