"""Is this process up, and can it serve? What ``/healthz`` and ``/readyz`` answer.

Liveness is the process answering at all. Readiness is every dependency of a request
answering within ``CHECK_SECONDS``: the database (with every migration of this release
applied), Redis, this process's pub/sub listener (live updates), and the default tenant's
points ranking (the one a first request reads). A load balancer sends traffic only to a
ready process; an orchestrator restarts one that is not live.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from app.db import fetch
from app.deps import Deps
from app.leaderboards.service import POINTS, board_in
from app.live.service import LiveService

CHECK_SECONDS = 2.0


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    ok: bool
    detail: str = ""


def latest_migration(folder: Path) -> str | None:
    """The file name of this release's latest migration (None: none shipped)."""
    files = sorted(folder.glob("models/*.py"), key=lambda p: int(p.name.split("_", 1)[0]))
    return files[-1].name if files else None


async def readiness(
    deps: Deps, live: LiveService, tenant_id: int, latest: str | None
) -> list[Check]:
    """Every check, run at once, each bounded by ``CHECK_SECONDS``; ``latest``: this
    release's latest migration (``latest_migration``)."""
    checks: dict[str, Callable[[], Awaitable[str]]] = {
        "database": _database,
        "migrations": lambda: _migrations(latest),
        "redis": lambda: _redis(deps),
        "pubsub": lambda: _pubsub(live),
        "rankings": lambda: _rankings(deps, tenant_id),
    }
    results = await asyncio.gather(*(_bounded(name, run) for name, run in checks.items()))
    return list(results)


async def _bounded(name: str, run: Callable[[], Awaitable[str]]) -> Check:
    try:
        async with asyncio.timeout(CHECK_SECONDS):
            return Check(name, True, await run())
    except TimeoutError:
        return Check(name, False, f"no answer within {CHECK_SECONDS:g} s")
    except CheckFailed as failed:
        return Check(name, False, str(failed))
    except Exception as exc:  # noqa: BLE001 - a check reports, never raises
        return Check(name, False, type(exc).__name__)  # (no internals: the logs have them)


async def _database() -> str:
    await fetch("SELECT 1", [])
    return "answers"


async def _migrations(latest: str | None) -> str:
    """The latest migration applied is this release's latest."""
    if latest is None:
        return "no migrations shipped"  # an install without them: nothing to compare
    applied = await applied_migration()
    if applied != latest:
        raise MigrationsBehind(applied or "none", latest)
    return applied


async def applied_migration() -> str | None:
    """The latest migration applied to the database (None: none, an empty database)."""
    rows = await fetch('SELECT version FROM "aerich" ORDER BY id DESC LIMIT 1', [])
    return str(rows[0]["version"]) if rows else None


class CheckFailed(Exception):
    """A check's own finding, safe to show."""


class MigrationsBehind(CheckFailed):
    def __init__(self, applied: str, latest: str) -> None:
        super().__init__(f"applied {applied}, this release has {latest}: run `ranked migrate`")


async def _redis(deps: Deps) -> str:
    await deps.store.redis.ping()
    return "answers"


async def _pubsub(live: LiveService) -> str:
    if not live.hub.connected:
        raise CheckFailed("the pub/sub listener is not connected")
    return "listening"


async def _rankings(deps: Deps, tenant_id: int) -> str:
    board = board_in(await deps.definitions.board(tenant_id, POINTS))
    if await deps.store.ready_since(board.ref) is None:
        raise CheckFailed(f"the {POINTS} ranking is being built")
    return "ready"
