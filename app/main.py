"""The ASGI application: ``create_app(settings)`` wires ORM, Redis, the keeper and GraphQL."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.types import ExecutionResult
from strawberry.types.unset import UNSET, UnsetType

from app.connections import embedded_redis_url, redis_client
from app.context import Context
from app.dashboard import dashboard_routes
from app.db import database
from app.deps import Deps, build_deps
from app.errors import RankedError, Unavailable
from app.graphql.broadcast import SharedPayloads
from app.graphql.errors import code_protocol_error, coded
from app.graphql.fastpath import FastReads
from app.graphql.limits import (
    CONNECTION_SCOPE_KEY,
    REFUSAL_SCOPE_KEY,
    BodyLimit,
    ConnectionRelease,
    TransportHandler,
    refusal_reason,
)
from app.graphql.schema import build_schema
from app.jobs.queue import ArqJobQueue, open_pool
from app.live.hub import PubSubHub, hub_client
from app.live.service import LiveService
from app.ops import metrics
from app.ops.health import Check, latest_migration, readiness
from app.ops.logs import logging_config
from app.ops.middleware import CountWebsockets, RequestIds
from app.settings import Settings, get_settings
from app.tenancy.access import check_caller, identify
from app.tenancy.keys import adopt_token
from app.tenancy.rates import CONNECTION_TTL_MS
from app.tenancy.service import TenantRef, ensure_tenant

log = logging.getLogger(__name__)

GRAPHIQL_PAGE = Path(__file__).parent / "graphql" / "static" / "graphiql.html"
# GraphiQL's scripts and styles, from the npm registry at the versions (and integrity
# hashes) strawberry pins; served here, so the page needs no network (see VENDOR.md).
GRAPHIQL_ASSETS = GRAPHIQL_PAGE.parent / "vendor"
# This release's latest migration (the migrations ship beside app/): /readyz compares.
LATEST_MIGRATION = latest_migration(Path(__file__).resolve().parent.parent / "migrations")


@dataclass(frozen=True)
class Runtime:
    """What one process runs with: the services, the live service beside them (it takes
    the services itself), and the tenant requests run in."""

    deps: Deps
    live: LiveService
    tenant: TenantRef


class RankedGraphQL(GraphQL[Context, None]):
    """Strawberry's ASGI app with the service's context; wired up by the lifespan."""

    runtime: Runtime
    debug: bool = False
    payloads: SharedPayloads
    graphql_transport_ws_handler_class = TransportHandler

    def encode_json(self, data: object) -> str | bytes:
        """JSON, with the payload of a result shared by many subscribers encoded once, and
        a code on the errors strawberry's websocket handlers send by themselves."""
        encoded = self.payloads.encode(data, self._encode_text)
        if encoded is not None:
            return encoded
        return super().encode_json(code_protocol_error(data))

    def _encode_text(self, data: object) -> str:
        encoded = super().encode_json(data)
        return encoded.decode() if isinstance(encoded, bytes) else encoded

    async def process_result(self, request: Request, result: ExecutionResult) -> Any:
        """Last line of defence: no error leaves without ``extensions.code`` (an exception
        in an extension hook skips the ``ErrorCodes`` extension)."""
        if result.errors:
            result.errors = [
                e if (e.extensions or {}).get("code") else coded(e, debug=self.debug)
                for e in result.errors
            ]
        return await super().process_result(request, result)

    @property
    def graphql_ide_html(self) -> str:
        """Strawberry's GraphiQL page, made to sign in with the key in a ``#key=`` link."""
        return GRAPHIQL_PAGE.read_text(encoding="utf-8")

    async def get_context(self, request: Request | WebSocket, response: Any = None) -> Context:
        """The caller, from the key on the request (a websocket's may come later, in its
        ``connection_init``: see :meth:`on_ws_connect`)."""
        rt = self.runtime
        authorization = request.headers.get("authorization")
        caller = await identify(rt.deps.keys, authorization, _address(request))
        context = Context(rt.deps, caller, request, response, live=rt.live)
        context.authorization = authorization
        return context

    async def on_ws_connect(self, context: Context) -> UnsetType | dict[str, object] | None:
        """Check the key before any subscription starts: the ``connection_init`` payload's
        ``Authorization`` (browsers cannot set headers on websockets), else the upgrade
        request's; count the connection against the key's limits. The legacy graphql-ws
        protocol lets a client send ``connection_init`` again: the connection is then
        counted anew, its earlier count released."""
        params = context.connection_params or {}
        given = params.get("Authorization", params.get("authorization"))
        if given is not None:
            context.authorization = str(given)
            context.caller = await identify(context.deps.keys, given, _address(context.request))
        counted = context.request.scope.pop(CONNECTION_SCOPE_KEY, None)
        if counted is not None:
            with contextlib.suppress(Unavailable):
                await context.deps.limiter.close_connection(*counted)
        try:
            check_caller(context.caller)
            connection = await context.deps.limiter.open_connection(context.caller)
        except RankedError as refused:
            payload: dict[str, object] = {  # (graphql-ws sends it; graphql-transport-ws
                "message": refused.message,  # closes with the reason below)
                "extensions": {"code": refused.code, **refused.extensions},
            }
            context.request.scope[REFUSAL_SCOPE_KEY] = refusal_reason(refused.code, refused.message)
            raise ConnectionRejectionError(payload) from None
        context.request.scope[CONNECTION_SCOPE_KEY] = (context.caller, connection)
        unset: UnsetType = UNSET
        return unset


async def _readiness(runtime: Runtime) -> list[Check]:
    return await readiness(runtime.deps, runtime.live, runtime.tenant.id, LATEST_MIGRATION)


def _address(request: Request | WebSocket) -> str | None:
    """The client's address (uvicorn takes it from X-Forwarded-For of trusted proxies:
    FORWARDED_ALLOW_IPS)."""
    return request.client.host if request.client is not None else None


@asynccontextmanager
async def running(settings: Settings) -> AsyncIterator[Runtime]:
    """Everything a process needs to serve: ORM, Redis, ranking keeper, live service,
    default tenant."""
    async with AsyncExitStack() as stack:
        await stack.enter_async_context(database(settings))
        url = await stack.enter_async_context(embedded_redis_url(settings))
        redis = redis_client(url)
        stack.push_async_callback(redis.aclose)
        pubsub = hub_client(url)
        stack.push_async_callback(pubsub.aclose)
        jobs = ArqJobQueue(lambda: open_pool(url, retries=0), settings)  # opened when first
        stack.push_async_callback(jobs.aclose)  # used: the API serves while Redis is away
        tenant = await ensure_tenant(settings.default_tenant)
        deps = build_deps(settings, redis, jobs=jobs)
        if settings.admin_token is not None:
            await adopt_token(deps.keys, tenant.id, settings.admin_token.get_secret_value())
        yield Runtime(deps, LiveService(deps, PubSubHub(pubsub)), tenant)


def _learn_versions(runtime: Runtime) -> None:
    """Let this process learn every tenant's data version from the change stream, so a
    cached answer is checked without a Redis round trip (``app.ranking.versions``)."""
    store, hub = runtime.deps.store, runtime.live.hub
    channel = store.versions_channel
    hub.listen_always(channel, store.versions)
    store.versions.trust(lambda: hub.confirmed(channel))


async def _keep_counting(deps: Deps) -> None:
    """Keep this process's websocket connections counted against their keys' limits."""
    while True:
        await asyncio.sleep(CONNECTION_TTL_MS / 3000)
        try:
            await deps.limiter.refresh()
        except Unavailable:
            log.warning("could not refresh the connection counts: Redis is away")


Services = Callable[[], AbstractAsyncContextManager[Runtime]]


def server_options(settings: Settings) -> dict[str, Any]:
    """The uvicorn options the limits of ``settings`` need (every server of the app)."""
    return {
        "ws_max_size": settings.ws_max_bytes,
        "ws_ping_interval": settings.ws_ping_interval or None,
        "ws_ping_timeout": settings.ws_ping_interval or None,
        "ws_per_message_deflate": settings.ws_per_message_deflate,
    }


def serve_options(settings: Settings) -> dict[str, Any]:
    """What ``ranked serve`` runs uvicorn with, made ready before it starts any process:
    :func:`server_options`, the service's log format for uvicorn's own loggers (applied in
    each worker process), and the metrics directory every process it starts shares."""
    metrics.prepare_dir(settings)
    return server_options(settings) | {
        "log_level": settings.log_level,
        "log_config": logging_config(settings),
    }


async def _metrics(request: Request) -> Response:
    """Prometheus metrics of every process of this server (meant for the internal network:
    no tenant data, but operation names and volumes; RANKED_METRICS=false turns it off)."""
    return Response(metrics.render(), media_type=metrics.CONTENT_TYPE)


def create_app(settings: Settings | None = None, services: Services | None = None) -> Starlette:
    """The ASGI app. ``services`` provides ORM, Redis and the tenant for the app's lifetime
    (default: ``running(settings)``; tests pass their own)."""
    settings = settings or get_settings()
    start = services or (lambda: running(settings))
    graphql = RankedGraphQL(
        build_schema(settings),
        graphql_ide="graphiql" if settings.graphiql else None,
        keep_alive=True,  # graphql-ws (legacy) "ka" messages; uvicorn pings every socket
        keep_alive_interval=15,
        max_subscriptions_per_connection=settings.live_max_subscriptions,
    )
    graphql.debug = settings.debug
    graphql.payloads = SharedPayloads()
    metrics.configure(settings)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        metrics.process_started()
        async with start() as runtime:
            deps = runtime.deps
            graphql.runtime = runtime
            app.state.runtime = runtime
            _learn_versions(runtime)
            tasks = [
                asyncio.create_task(deps.keeper.run(), name="ranking-keeper"),
                asyncio.create_task(runtime.live.run(), name="live-pubsub"),
                asyncio.create_task(_keep_counting(deps), name="connection-counts"),
            ]
            try:
                yield
            finally:
                for task in tasks:
                    task.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)
                runtime.live.hub.unlisten(deps.store.versions_channel, deps.store.versions)
                await deps.writes.close()
                await deps.keeper.close()
                metrics.process_stopping()

    async def health(request: Request) -> JSONResponse:
        """Kept for clients of earlier releases: what /readyz says of Redis and pub/sub."""
        runtime: Runtime = request.app.state.runtime
        checks = {c.name: c.ok for c in await _readiness(runtime)}
        redis_ok = checks["redis"]
        return JSONResponse(
            {
                "status": "ok" if redis_ok else "degraded",
                "redis": redis_ok,
                "live": checks["pubsub"],
            }
        )

    async def healthz(request: Request) -> JSONResponse:
        """Liveness: the process answers."""
        return JSONResponse({"status": "ok"})

    async def readyz(request: Request) -> JSONResponse:
        """Readiness: 200 when every check passes, else 503; each check with its detail."""
        checks = await _readiness(request.app.state.runtime)
        ready = all(c.ok for c in checks)
        body = {
            "status": "ready" if ready else "not ready",
            "checks": {c.name: {"ok": c.ok, "detail": c.detail} for c in checks},
        }
        return JSONResponse(body, status_code=200 if ready else 503)

    fast = FastReads(graphql, lambda: graphql.runtime.deps, settings.result_cache_size)
    routes = [
        Route("/graphql", BodyLimit(fast, settings.max_body_bytes), methods=["GET", "POST"]),
        WebSocketRoute(
            "/graphql", ConnectionRelease(graphql, lambda: graphql.runtime.deps.limiter)
        ),
        Route("/health", health),
        Route("/healthz", healthz),
        Route("/readyz", readyz),
    ]
    routes.extend(dashboard_routes())
    if settings.graphiql:
        routes.append(Mount("/graphiql", StaticFiles(directory=GRAPHIQL_ASSETS), name="graphiql"))
    if settings.metrics:
        routes.append(Route("/metrics", _metrics))
    middleware = [Middleware(RequestIds), Middleware(CountWebsockets)]
    return Starlette(routes=routes, lifespan=lifespan, middleware=middleware)
