"""Driving the service under test through its own command line: migrate, seed, serve.

Commands run with a clean environment for the service: the caller's ``DATABASE_URL``,
``REDIS_URL``, ``HOST``, ``PORT`` and ``RANKED_*`` variables are dropped, so a developer's
shell settings (a page-size cap, debug mode, a production prefix) cannot leak into results.
"""

from __future__ import annotations

import asyncio
import os
import resource
import shutil
import signal
import socket
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from bench.config import BENCH_KEY, ROOT, BenchConfig
from bench.stores import BenchError

SERVICE_VARS = {"DATABASE_URL", "REDIS_URL", "HOST", "PORT"}
HEALTH_TIMEOUT = 60.0
STOP_TIMEOUT = 20.0
POLL_SECONDS = 0.1
LOG_TAIL = 40


@dataclass(frozen=True, slots=True)
class Server:
    pid: int
    base_url: str


@dataclass(slots=True)
class ServerLog:
    """What the server printed (it logs at ``warning``, so normally nothing)."""

    lines: int = 0
    tail: tuple[str, ...] = ()


def service_env(config: BenchConfig) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("RANKED_") and k not in SERVICE_VARS
    }
    env.update(
        DATABASE_URL=config.database_url,
        REDIS_URL=config.redis_url,
        RANKED_REDIS_PREFIX=config.redis_prefix,
        RANKED_LOG_LEVEL="warning",
        RANKED_ADMIN_TOKEN=BENCH_KEY,
        RANKED_KEY_PEPPER="the-benchmark-pepper-on-loopback-only",
        # The load generators are one key: its limits must not be what is measured.
        RANKED_RATE_READS_PER_SECOND="1000000",
        RANKED_RATE_READS_BURST="1000000",
        RANKED_RATE_WRITES_PER_SECOND="1000000",
        RANKED_RATE_WRITES_BURST="1000000",
        RANKED_RATE_CONNECTIONS_PER_MINUTE="10000000",
        RANKED_MAX_CONNECTIONS_PER_KEY="1000000",
    )
    return env


def _ranked() -> str:
    beside = Path(sys.executable).with_name("ranked")
    found = str(beside) if beside.exists() else shutil.which("ranked")
    if found is None:
        raise BenchError("the `ranked` command is not installed (run `make install`)")
    return found


@dataclass(frozen=True, slots=True)
class Completed:
    wall_seconds: float
    cpu_seconds: float  # user + system of the command's process itself
    stdout: str = ""  # what it printed, when captured


def _children_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


async def run_ranked(args: list[str], env: dict[str, str], *, capture: bool = False) -> Completed:
    """Run ``ranked <args>`` to completion; returns its wall and CPU time.

    Its output goes to the benchmark's stderr, so progress and failures stay visible (its
    stdout is returned instead with ``capture``). If the
    caller gives up (a timeout), the command is killed. The CPU time shows how much of the
    wall time the command computed, rather than waited for PostgreSQL or Redis.
    """
    started, cpu_before = time.perf_counter(), _children_cpu_seconds()
    process = await asyncio.create_subprocess_exec(
        _ranked(),
        *args,
        env=env,
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE if capture else sys.stderr,
        stderr=sys.stderr,
    )
    try:
        out, _ = await process.communicate()
        code = process.returncode
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    if code != 0:
        raise BenchError(f"`ranked {' '.join(args)}` failed with exit code {code}")
    return Completed(
        time.perf_counter() - started,
        _children_cpu_seconds() - cpu_before,
        out.decode() if out else "",
    )


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


async def _wait_healthy(process: asyncio.subprocess.Process, base_url: str) -> None:
    deadline = time.perf_counter() + HEALTH_TIMEOUT
    async with httpx.AsyncClient(base_url=base_url, timeout=2.0) as client:
        while process.returncode is None:
            try:
                response = await client.get("/health")
                if response.status_code == 200 and response.json().get("status") == "ok":
                    return
            except (httpx.HTTPError, ValueError):
                pass  # not listening yet
            if time.perf_counter() > deadline:
                raise BenchError(f"server not healthy after {HEALTH_TIMEOUT:.0f} s")
            await asyncio.sleep(POLL_SECONDS)
    raise BenchError(f"server exited with code {process.returncode} before it was healthy")


async def stop(process: asyncio.subprocess.Process) -> None:
    """SIGINT (uvicorn's graceful shutdown), then SIGKILL if it does not end in time."""
    if process.returncode is not None:
        return
    process.send_signal(signal.SIGINT)
    try:
        await asyncio.wait_for(process.wait(), STOP_TIMEOUT)
    except TimeoutError:
        process.kill()
        await process.wait()


@asynccontextmanager
async def serving(
    env: dict[str, str], log: ServerLog, *, workers: int = 1
) -> AsyncIterator[Server]:
    """``ranked serve`` (``workers`` uvicorn processes) on a free port, healthy, for the block.

    The server's output is kept in a temporary file and its tail put in ``log`` on the way
    out, so warnings raised under load reach the report.
    """
    port = free_port()
    with tempfile.TemporaryFile() as output:
        process = await asyncio.create_subprocess_exec(
            _ranked(), "serve", "--host", "127.0.0.1", "--port", str(port),
            "--workers", str(workers), env=env, cwd=ROOT, stdout=output, stderr=output,
        )  # fmt: skip
        try:
            base_url = f"http://127.0.0.1:{port}"
            await _wait_healthy(process, base_url)
            yield Server(process.pid, base_url)
        finally:
            await stop(process)
            output.seek(0)
            lines = output.read().decode(errors="replace").splitlines()
            log.lines, log.tail = len(lines), tuple(lines[-LOG_TAIL:])
