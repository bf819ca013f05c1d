"""A real uvicorn server on a loopback port, in the test's event loop, over the test's
services (so a test can look inside the process: its hub, feeds and tasks)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import httpx
import pytest
import uvicorn
from redis.asyncio import Redis

from app.deps import Deps
from app.live.service import LiveService
from app.main import Runtime, create_app, server_options
from app.tenancy.scopes import Scope
from app.tenancy.service import TenantRef
from tests.factories import api_key, points_board


async def until(
    condition: Callable[[], bool | Awaitable[bool]], seconds: float = 10.0, what: str = ""
) -> None:
    """Wait until ``condition()`` holds (polled), failing after ``seconds``."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while True:
        result = condition()
        if not isinstance(result, bool):
            result = await result
        if result:
            return
        if loop.time() > deadline:
            raise AssertionError(f"timed out after {seconds} s waiting for {what or condition}")
        await asyncio.sleep(0.01)


@asynccontextmanager
async def serving(deps: Deps, live: LiveService, tenant: TenantRef) -> AsyncIterator[str]:
    """Serve the app on a free loopback port; yields the websocket URL of /graphql."""

    @asynccontextmanager
    async def services() -> AsyncIterator[Runtime]:
        yield Runtime(deps, live, tenant)

    app = create_app(deps.settings, services)
    options = server_options(deps.settings) | {"ws_ping_interval": None}
    config = uvicorn.Config(
        app, host="127.0.0.1", port=0, log_level="warning", lifespan="on", **options
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    try:
        await until(lambda: server.started or task.done(), what="the server to start")
        if task.done():
            task.result()
        port = server.servers[0].sockets[0].getsockname()[1]
        yield f"ws://127.0.0.1:{port}/graphql"
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 15)


@asynccontextmanager
async def served_http(
    deps: Deps, live: LiveService, tenant: TenantRef
) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client of the app served on a free loopback port (paths from the root)."""
    async with serving(deps, live, tenant) as ws:
        base = ws.replace("ws://", "http://").removesuffix("/graphql")
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            yield client


@pytest.fixture
async def ws_url(deps: Deps, live: LiveService, tenant: TenantRef) -> AsyncIterator[str]:
    """The served websocket URL, with an admin key of the tenant in its ``key`` parameter
    (the test clients send it in ``connection_init``; the server ignores the parameter)."""
    key = await api_key(deps, tenant.id, Scope.ADMIN)
    async with serving(deps, live, tenant) as url:
        await until(lambda: live.hub.connected, what="the pub/sub connection")
        yield f"{url}?key={key}"


async def numsub(redis: Redis, channel: str) -> int:
    """How many connections (of any process) are subscribed to ``channel``."""
    reply = await redis.pubsub_numsub(channel)
    return int(reply[0][1])


async def channel_of(deps: Deps, tenant: TenantRef) -> str:
    """The pub/sub channel of the tenant's points board."""
    return deps.store.keys(await points_board(tenant.id)).changes
