"""``ranked status``: the state of a deployment on one screen, and what is wrong with it.

It looks, and changes nothing: the database (reachable, migrations applied against this
release's latest), Redis (reachable, memory, keys under the prefix), every tenant's active
boards in their current period (members in Redis against standings in the database, ready,
being rebuilt, marked dirty), the job workers (what arq's health record says) and the latest
run of each job. Each finding that needs someone is a line of :attr:`Status.problems`.

On the embedded default it uses the embedded Redis of a running ``ranked serve`` and never
starts one (it would outlive nothing, and hold no rankings); without one it says so.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from redis.asyncio import Redis
from redis.exceptions import RedisError
from tortoise.exceptions import BaseORMException

from app.connections import redis_client, running_embedded_redis
from app.db import database, fetch
from app.errors import Unavailable
from app.joblog.service import FAILED, JobRecord, latest_runs
from app.leaderboards.definition import load_definitions
from app.leaderboards.models import Leaderboard
from app.leaderboards.service import board_in
from app.ops.health import CHECK_SECONDS, applied_migration
from app.queue import WorkerHealth
from app.ranking.keys import BoardRef
from app.ranking.store import RankingStore
from app.settings import Settings
from app.tenancy.service import list_tenants

WorkerCheck = Callable[[Redis, str], Awaitable[WorkerHealth]]

# The standings a rebuild ranks: opted-out participants are kept out of the sorted set.
RANKED_STANDINGS = (
    "SELECT COUNT(*) AS n FROM standings s JOIN participants p ON p.id = s.participant_id"
    " WHERE s.leaderboard_id = $1 AND s.period = $2 AND NOT p.opted_out"
)


@dataclass(frozen=True, slots=True)
class DatabaseStatus:
    backend: str  # postgres, sqlite
    url: str  # without its password
    reachable: bool
    applied: str | None = None  # the latest migration applied
    latest: str | None = None  # this release's latest migration
    detail: str = ""


@dataclass(frozen=True, slots=True)
class RedisStatus:
    url: str  # without its password; "" for an embedded server that is not running
    embedded: bool
    reachable: bool
    prefix: str
    used_memory: str | None = None  # INFO's used_memory_human
    keys: int | None = None  # keys under "<prefix>:"
    detail: str = ""


@dataclass(frozen=True, slots=True)
class BoardStatus:
    tenant: str
    key: str
    period: str
    in_database: int  # ranked standings (opted-out participants excluded)
    in_redis: int | None = None  # members of the sorted set (None: Redis not read)
    ready: bool | None = None  # None: Redis not read
    building: bool = False  # a rebuild is loading it aside
    dirty_since: datetime | None = None  # Redis missed a committed change since then


@dataclass(frozen=True)
class Status:
    database: DatabaseStatus
    redis: RedisStatus
    boards: list[BoardStatus] = field(default_factory=list)
    workers: WorkerHealth | None = None  # None: Redis not read
    jobs: list[JobRecord] = field(default_factory=list)  # the latest run of each job
    problems: list[str] = field(default_factory=list)

    @property
    def healthy(self) -> bool:
        return not self.problems


async def gather(settings: Settings, latest: str | None, workers: WorkerCheck) -> Status:
    """Look at everything (each step bounded by ``CHECK_SECONDS``); ``latest``: this
    release's latest migration; ``workers``: how to read the queue's workers (arq's, from
    ``app.jobs``)."""
    async with AsyncExitStack() as stack:
        db = await _open_database(stack, settings, latest)
        redis, client = await _open_redis(stack, settings)
        boards: list[BoardStatus] = []
        jobs: list[JobRecord] = []
        read_failures: list[str] = []
        if db.reachable and db.applied is not None:
            try:
                boards = await _boards(settings, client)
                jobs = await latest_runs()
            except (BaseORMException, OSError) as exc:
                read_failures.append(f"database: could not read the boards and jobs ({exc})")
        health = await _workers(client, settings.job_queue, workers)
    status = Status(db, redis, boards, health, jobs)
    return Status(db, redis, boards, health, jobs, [*read_failures, *problems_of(status)])


def problems_of(status: Status) -> list[str]:
    """What needs someone, one line each, in the order of the screen."""
    found = [*_database_problems(status.database), *_redis_problems(status.redis)]
    for board in status.boards:
        found += _board_problems(board)
    workers = status.workers
    if workers is not None and not workers.alive:
        found.append(
            f"workers: none alive on queue {workers.queue} (winner checks and runs wait;"
            " start `ranked worker`)"
        )
    for job in status.jobs:
        if job.outcome == FAILED:
            found.append(f"job {job.name}: its last run ({job.key}) failed: {job.error}")
    return found


def _database_problems(db: DatabaseStatus) -> list[str]:
    if not db.reachable:
        return [f"database: {db.detail}"]
    if db.latest is not None and db.applied != db.latest:
        return [
            f"database: applied {db.applied or 'no migration'}, this release has {db.latest}:"
            " run `ranked migrate`"
        ]
    return []


def _redis_problems(redis: RedisStatus) -> list[str]:
    return [] if redis.reachable else [f"redis: {redis.detail}"]


def _board_problems(board: BoardStatus) -> list[str]:
    name = f"board {board.tenant}/{board.key}/{board.period or '-'}"
    if board.ready is None:
        return []  # Redis not read: said once, for Redis
    found = []
    if not board.ready:
        doing = "being rebuilt" if board.building else "missing (the keeper rebuilds it)"
        found.append(f"{name}: not ready, {doing}")
    if board.dirty_since is not None:
        found.append(
            f"{name}: dirty since {board.dirty_since:%Y-%m-%d %H:%M:%S} (Redis missed a change;"
            " the keeper repairs it, or `ranked rebuild`)"
        )
    elif board.ready and not board.building and board.in_redis != board.in_database:
        found.append(
            f"{name}: Redis ranks {board.in_redis}, the database {board.in_database}"
            " (`ranked verify`, `ranked rebuild`)"
        )
    return found


def redacted(url: str) -> str:
    """``url`` with its password, if any, shown as ``***``."""
    parts = urlsplit(url)
    if not parts.password:
        return url
    host = parts.hostname or ""
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    netloc = f"{parts.username or ''}:***@{host}"
    return urlunsplit(parts._replace(netloc=netloc))


async def _open_database(
    stack: AsyncExitStack, settings: Settings, latest: str | None
) -> DatabaseStatus:
    url = settings.effective_database_url
    backend = "sqlite" if url.startswith("sqlite") else url.split(":", 1)[0]
    shown = redacted(url)
    missing = _missing_sqlite_file(url)
    if missing is not None:  # opening it would create it
        detail = f"no database file at {missing}: run `ranked migrate`"
        return DatabaseStatus(backend, shown, False, latest=latest, detail=detail)
    try:
        async with asyncio.timeout(CHECK_SECONDS * 2):
            await stack.enter_async_context(database(settings))
            await fetch("SELECT 1")
    except TimeoutError:
        detail = f"no answer within {CHECK_SECONDS * 2:g} s"
        return DatabaseStatus(backend, shown, False, latest=latest, detail=detail)
    except (BaseORMException, OSError) as exc:
        detail = f"unreachable ({type(exc).__name__}: {exc})"
        return DatabaseStatus(backend, shown, False, latest=latest, detail=detail)
    try:
        applied = await applied_migration()
    except BaseORMException:  # no aerich table: never migrated
        applied = None
    return DatabaseStatus(backend, shown, True, applied, latest)


def _missing_sqlite_file(url: str) -> Path | None:
    """The SQLite file of ``url`` when it does not exist (None: it does, or not SQLite)."""
    if not url.startswith("sqlite://") or url.endswith(":memory:"):
        return None
    path = Path(url.removeprefix("sqlite://"))
    return None if path.exists() else path


async def _open_redis(
    stack: AsyncExitStack, settings: Settings
) -> tuple[RedisStatus, Redis | None]:
    embedded, prefix = settings.uses_embedded_redis, settings.redis_prefix
    url = running_embedded_redis(settings) if embedded else settings.redis_url
    if url is None:
        detail = "not running (the embedded server runs with `ranked serve`, `make run`)"
        return RedisStatus("", True, False, prefix, detail=detail), None
    client = await stack.enter_async_context(_client(url))
    try:
        async with asyncio.timeout(CHECK_SECONDS):
            await client.ping()
            memory = await client.info("memory")
    except TimeoutError:
        detail = f"no answer within {CHECK_SECONDS:g} s"
        return RedisStatus(redacted(url), embedded, False, prefix, detail=detail), None
    except (RedisError, OSError) as exc:
        detail = f"unreachable ({type(exc).__name__}: {exc})"
        return RedisStatus(redacted(url), embedded, False, prefix, detail=detail), None
    used = str(memory.get("used_memory_human", "")) or None
    return RedisStatus(
        redacted(url), embedded, True, prefix, used, await _keys(client, prefix)
    ), client


async def _keys(client: Redis, prefix: str) -> int | None:
    """How many keys are under the prefix; None (unknown) when the scan takes too long, as
    it may on a large keyspace: Redis answered, so it is not reported unreachable."""
    try:
        async with asyncio.timeout(CHECK_SECONDS * 5):
            return sum([1 async for _ in client.scan_iter(match=f"{prefix}:*", count=1000)])
    except (TimeoutError, RedisError, OSError):
        return None


@asynccontextmanager
async def _client(url: str) -> AsyncIterator[Redis]:
    client = redis_client(url, socket_timeout=CHECK_SECONDS, socket_connect_timeout=CHECK_SECONDS)
    try:
        yield client
    finally:
        await client.aclose()


async def _boards(settings: Settings, client: Redis | None) -> list[BoardStatus]:
    """Every tenant's active boards, in their current period."""
    slugs = {t.id: t.slug for t in await list_tenants()}
    dirty = dict(await Leaderboard.filter(is_active=True).values_list("id", "dirty_since"))
    store = None if client is None else RankingStore(client, settings.redis_prefix)
    found = []
    for definition in await load_definitions(None, is_active=True):
        ref = board_in(definition).ref
        rows = await fetch(RANKED_STANDINGS, [ref.leaderboard_id, ref.period])
        board = BoardStatus(
            slugs.get(ref.tenant_id, str(ref.tenant_id)),
            ref.key,
            ref.period,
            int(rows[0]["n"]),
            dirty_since=dirty.get(ref.leaderboard_id),
        )
        found.append(board if store is None else await _in_redis(store, ref, board))
    return found


async def _in_redis(store: RankingStore, ref: BoardRef, board: BoardStatus) -> BoardStatus:
    try:
        async with asyncio.timeout(CHECK_SECONDS):
            size = await store.size(ref)
            ready = await store.ready_since(ref) is not None
            building = bool(await store.redis.exists(store.keys(ref).building))
    except (TimeoutError, Unavailable, RedisError, OSError):
        return board  # Redis went away meanwhile: not read
    return replace(board, in_redis=size, ready=ready, building=building)


async def _workers(client: Redis | None, queue: str, check: WorkerCheck) -> WorkerHealth | None:
    if client is None:
        return None
    try:
        async with asyncio.timeout(CHECK_SECONDS):
            return await check(client, queue)
    except (TimeoutError, RedisError, OSError):
        return None
