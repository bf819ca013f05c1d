"""Fixtures against the real services: PostgreSQL and Redis, never mocks.

``TEST_POSTGRES_URL`` (an admin URL; default the local server's ``postgres`` database) and
``TEST_REDIS_URL`` say where they are. The session migrates a fresh database with the
project's own aerich migrations; every test gets emptied tables and its own Redis key
prefix. An unreachable service fails the run: these tests are worthless without them.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import asyncpg
import httpx
import pytest
import redis as sync_redis
from arq.connections import ArqRedis
from redis.asyncio import Redis
from tortoise import Tortoise

from app.connections import redis_client
from app.context import Context
from app.db import tortoise_config
from app.deps import Deps, build_deps
from app.graphql.schema import build_schema
from app.jobs.queue import ArqJobQueue, open_pool
from app.live.hub import PubSubHub, hub_client
from app.live.service import LiveService
from app.settings import Settings
from app.tenancy.access import Caller, identify
from app.tenancy.scopes import Scope, effective
from app.tenancy.service import TenantRef, ensure_tenant
from tests.redis_server import RedisServer

pytest_plugins = ["tests.workers"]

ADMIN_URL = os.environ.get("TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
TEST_DB = f"ranked_test_{os.getpid()}"
TABLES = (
    "tenants, participants, metrics, leaderboards, leaderboard_metrics, score_events, standings,"
    " metric_aggregates, calendar_periods, winners, leaderboard_runs, run_entries, job_runs,"
    " api_keys, audit_log, seasons, season_rewards, reward_claims, archived_runs,"
    " archived_run_entries, groups, group_members, run_group_entries,"
    " archived_run_group_entries"
)


def database_url(name: str) -> str:
    return ADMIN_URL.rsplit("/", 1)[0] + "/" + name


def pytest_sessionstart(session: pytest.Session) -> None:
    try:
        sync_redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3).ping()
    except sync_redis.RedisError as exc:
        pytest.exit(f"Redis is unreachable at {REDIS_URL}: {exc}", returncode=3)
    import asyncio

    async def check() -> None:
        conn = await asyncpg.connect(ADMIN_URL, timeout=3)
        await conn.close()

    try:
        asyncio.run(check())
    except (OSError, asyncpg.PostgresError) as exc:
        pytest.exit(f"PostgreSQL is unreachable at {ADMIN_URL}: {exc}", returncode=3)


async def recreate_database(name: str) -> str:
    admin = await asyncpg.connect(ADMIN_URL)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    return database_url(name)


async def drop_database(name: str) -> None:
    admin = await asyncpg.connect(ADMIN_URL)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


async def migrate(url: str) -> list[str]:
    """Apply the project's migrations to ``url`` exactly as ``ranked migrate`` does."""
    from aerich import Command

    from app.cli import MIGRATIONS

    async with Command(tortoise_config(url), app="models", location=str(MIGRATIONS)) as command:
        await command.init()
        return await command.upgrade(run_in_transaction=True)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Keep each phase's report on the test (``rep_call``): fixtures that clean up after a
    test (the browser tests' screenshots) can tell whether it failed."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture(scope="session")
async def db_url() -> AsyncIterator[str]:
    url = await recreate_database(TEST_DB)
    await migrate(url)
    yield url
    await drop_database(TEST_DB)


@pytest.fixture(scope="session")
async def orm(db_url: str) -> AsyncIterator[str]:
    await Tortoise.init(config=tortoise_config(db_url), _enable_global_fallback=True)
    yield db_url
    await Tortoise.close_connections()


@pytest.fixture
async def clean_db(orm: str) -> str:
    conn = Tortoise.get_connection("default")
    await conn.execute_script(f"TRUNCATE {TABLES} RESTART IDENTITY CASCADE")
    return orm


@pytest.fixture
async def redis() -> AsyncIterator[Redis]:
    client = redis_client(REDIS_URL)
    yield client
    await client.aclose()


async def delete_prefix(client: Redis, prefix: str) -> None:
    async for key in client.scan_iter(match=f"{prefix}:*", count=1000):
        await client.delete(key)


@pytest.fixture
def settings(clean_db: str) -> Settings:
    return Settings(
        database_url=clean_db,
        redis_url=REDIS_URL,
        redis_prefix=f"rankedtest:{uuid.uuid4().hex[:10]}",
        reconcile_interval=0.2,
        clock_skew_seconds=0,  # one machine, one clock (tests of the skew set their own)
        key_pepper="test-pepper-of-the-test-suite-only",
        key_cache_seconds=0.5,  # a revocation or suspension reaches open subscriptions fast
        # Functional tests open connections and send requests fast; the limits' own tests
        # set theirs.
        rate_reads_burst=1_000_000,
        read_staleness_ms=0,  # every read as of the last commit; tests/graphql set their own
        rate_writes_burst=1_000_000,
        rate_connections_per_minute=1_000_000,
        max_connections_per_key=100_000,
    )


@pytest.fixture
async def pool() -> AsyncIterator[ArqRedis]:
    """An arq connection pool to the test Redis (what API processes enqueue jobs through)."""
    arq_pool = await open_pool(REDIS_URL)
    yield arq_pool
    await arq_pool.aclose()


@pytest.fixture
async def deps(settings: Settings, redis: Redis, pool: ArqRedis) -> AsyncIterator[Deps]:
    """The services of an API process: its job queue and job ids are under the test's
    prefix, like its Redis keys."""
    built = build_deps(settings, redis, jobs=ArqJobQueue(pool, settings))
    yield built
    await built.keeper.close()
    await delete_prefix(redis, settings.redis_prefix)


@pytest.fixture
async def live(deps: Deps) -> AsyncIterator[LiveService]:
    """The live service of the test's process, over a pub/sub connection of its own."""
    pubsub = hub_client(REDIS_URL)
    yield LiveService(deps, PubSubHub(pubsub))
    await pubsub.aclose()


@pytest.fixture
async def http(
    deps: Deps, live: LiveService, tenant: TenantRef
) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client of the app served on a free loopback port (paths from the root)."""
    from tests.live.conftest import served_http  # (that module imports test helpers)

    async with served_http(deps, live, tenant) as client:
        yield client


@pytest.fixture
async def tenant(deps: Deps) -> TenantRef:
    return await ensure_tenant("default")


GQL = Callable[..., Awaitable[dict[str, Any]]]


def admin_of(tenant: TenantRef) -> Caller:
    """An admin of ``tenant`` with no key behind it (no rate limits, no audit entries)."""
    return Caller(tenant, effective({Scope.ADMIN}), key_name="test")


@pytest.fixture
def gql(deps: Deps, tenant: TenantRef) -> GQL:
    """Execute a GraphQL operation through the real schema; returns the response as JSON."""
    schema = build_schema(deps.settings)

    async def execute(
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        as_tenant: TenantRef | None = None,
        context_deps: Deps | None = None,
        headers: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        """As an admin of ``as_tenant`` (default: the test's tenant), or as whoever
        ``headers`` (an ``authorization``) says."""
        request = SimpleNamespace(headers=headers or {})  # what the context reads of a request
        services = context_deps or deps
        if headers is None:
            caller = admin_of(as_tenant or tenant)
        else:
            caller = await identify(services.keys, headers.get("authorization"))
        context = Context(services, caller, request)
        context.authorization = (headers or {}).get("authorization")
        result = await schema.execute(query, variable_values=variables, context_value=context)
        response: dict[str, Any] = {"data": result.data}
        if result.errors:
            response["errors"] = [e.formatted for e in result.errors]
        return response

    return execute


def error_code(response: dict[str, Any]) -> str:
    """The ``extensions.code`` of the response's only error."""
    errors = response.get("errors") or []
    assert len(errors) == 1, response
    code: str = errors[0]["extensions"]["code"]
    return code


@pytest.fixture
async def private_redis(tmp_path: Path) -> AsyncIterator[RedisServer]:
    """A redis-server of the test's own, for tests that stop and restart Redis."""
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()
