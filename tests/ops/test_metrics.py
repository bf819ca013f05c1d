"""/metrics: what a Prometheus scrape of a served app shows after real requests, in one
process and across the workers of `ranked serve --workers 2`."""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import subprocess
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import psutil
import pytest
from prometheus_client.mmap_dict import MmapedDict
from prometheus_client.parser import text_string_to_metric_families
from redis.asyncio import Redis

from app.deps import Deps
from app.live.service import LiveService
from app.main import create_app
from app.queue import MAKE_RUN
from app.tenancy.scopes import Scope
from app.tenancy.service import TenantRef
from tests.conftest import REDIS_URL
from tests.factories import api_key, bearer, participant
from tests.live.conftest import serving, until
from tests.live.wsclient import WsClient
from tests.ops.test_status import Worker, spawn_worker, status_env
from tests.redis_server import free_port
from tests.test_serve import RANKED, wait_healthy

Labels = frozenset[tuple[str, str]]
Samples = dict[tuple[str, Labels], float]


def parsed(text: str) -> Samples:
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


@dataclass
class Served:
    http: httpx.AsyncClient
    ws_url: str
    key: str

    async def gql(self, query: str, operation: str | None = None) -> httpx.Response:
        body = {"query": query, "operationName": operation}
        return await self.http.post("/graphql", json=body, headers=bearer(self.key))

    async def metrics(self) -> Samples:
        response = await self.http.get("/metrics")
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/plain")
        return parsed(response.text)


@pytest.fixture
async def served(deps: Deps, live: LiveService, tenant: TenantRef) -> AsyncIterator[Served]:
    key = await api_key(deps, tenant.id, Scope.ADMIN)
    async with serving(deps, live, tenant) as ws:
        await until(lambda: live.hub.connected, what="the pub/sub connection")
        base = ws.replace("ws://", "http://").removesuffix("/graphql")
        async with httpx.AsyncClient(base_url=base) as http:
            yield Served(http, ws, key)


OPS = "ranked_graphql_operations_total"


async def test_a_named_query_and_an_error_are_counted_by_name_and_outcome(
    served: Served, deps: Deps, tenant: TenantRef
) -> None:
    await participant(deps, tenant.id, "Ada", points=3)
    before = await served.metrics()

    ok = await served.gql("query BoardSize { leaderboard { size } }")
    again = await served.gql("query BoardSize { leaderboard { size } }")
    missing = await served.gql('query NoBoard { leaderboard(key: "nope") { size } }')
    after = await served.metrics()

    assert "errors" not in ok.json()
    assert "errors" not in again.json()
    code = missing.json()["errors"][0]["extensions"]["code"]

    def delta(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert delta(OPS, operation="BoardSize", type="query", outcome="ok") == 2
    assert delta(OPS, operation="NoBoard", type="query", outcome=code) == 1
    assert delta("ranked_graphql_errors_total", code=code) == 1
    count = "ranked_graphql_operation_seconds_count"
    assert delta(count, operation="BoardSize", type="query") == 2
    assert delta("ranked_result_cache_lookups_total", result="hit") >= 1


async def test_a_subscription_is_counted_while_it_runs_with_its_pubsub_messages(
    served: Served, deps: Deps, tenant: TenantRef
) -> None:
    pid = await participant(deps, tenant.id, "Ada", points=3)
    before = await served.metrics()
    field = {"field": "leaderboardTop"}

    client = await WsClient.open(served.ws_url, key=served.key)
    await client.subscribe("t", "subscription Top { leaderboardTop(first: 1) { score } }")
    await client.next_data("t")
    during = await served.metrics()
    change = f'mutation Bump {{ adjustPoints(participantId: "{pid}", delta: 1) {{ rank }} }}'
    assert "errors" not in (await served.gql(change)).json()
    await client.next_data("t")  # the change, pushed
    pushed = await served.metrics()
    await client.close()

    async def ended() -> bool:
        now = await served.metrics()
        return value(now, "ranked_subscriptions_active", **field) == value(
            before, "ranked_subscriptions_active", **field
        )

    await until(ended, what="the subscription to be uncounted")
    after = await served.metrics()

    active = "ranked_subscriptions_active"
    assert value(during, active, **field) == value(before, active, **field) + 1
    sockets = "ranked_websocket_connections"
    assert value(during, sockets) == value(before, sockets) + 1
    assert value(after, sockets) == value(before, sockets)
    for name in ("ranked_pubsub_messages_received_total", "ranked_pubsub_messages_published_total"):
        assert value(pushed, name) > value(during, name), name
    events = "ranked_score_events_recorded_total"
    assert value(pushed, events) == value(during, events) + 1
    subscribed = {"operation": "Top", "type": "subscription", "outcome": "ok"}
    assert value(after, OPS, **subscribed) == value(before, OPS, **subscribed) + 1


async def test_hostile_operation_names_do_not_make_new_label_values(
    deps: Deps, live: LiveService, tenant: TenantRef
) -> None:
    capped = dataclasses.replace(
        deps, settings=deps.settings.model_copy(update={"metrics_max_operations": 3})
    )
    key = await api_key(deps, tenant.id, Scope.ADMIN)
    long_name = "L" * 80
    async with serving(capped, live, tenant) as ws:
        base = ws.replace("ws://", "http://").removesuffix("/graphql")
        async with httpx.AsyncClient(base_url=base) as http:
            served = Served(http, ws, key)
            before = await served.metrics()
            for i in range(20):
                await served.gql(f"query Hostile{i} {{ leaderboard {{ size }} }}")
            await served.gql(f"query {long_name} {{ leaderboard {{ size }} }}")
            await served.gql("{ leaderboard { size } }", operation="x\n<script>")
            after = await served.metrics()

    names = {dict(labels).get("operation", "") for (name, labels) in after if name == OPS}
    assert len({n for n in names if n.startswith("Hostile")}) <= 3
    assert long_name not in names
    assert not any("\n" in n or "<" in n for n in names)
    other = [labels for (name, labels) in after if name == OPS and ("operation", "other") in labels]
    added = sum(value(after, OPS, **dict(lb)) - value(before, OPS, **dict(lb)) for lb in other)
    assert added >= 19  # 17 of the 20 at least, the long name and the invalid one


async def test_refused_requests_cannot_take_the_operation_names_reported(
    deps: Deps, live: LiveService, tenant: TenantRef
) -> None:
    capped = dataclasses.replace(
        deps, settings=deps.settings.model_copy(update={"metrics_max_operations": 3})
    )
    key = await api_key(deps, tenant.id, Scope.ADMIN)
    async with serving(capped, live, tenant) as ws:
        base = ws.replace("ws://", "http://").removesuffix("/graphql")
        async with httpx.AsyncClient(base_url=base) as http:
            for i in range(5):  # no key, and a document that does not validate
                await http.post(
                    "/graphql", json={"query": f"query Junk{i} {{ leaderboard {{ size }} }}"}
                )
                await http.post(
                    "/graphql", json={"query": f"query Bad{i} {{ nope }}"}, headers=bearer(key)
                )
            served = Served(http, ws, key)
            await served.gql("query Real { leaderboard { size } }")
            after = await served.metrics()

    names = {dict(labels).get("operation", "") for (name, labels) in after if name == OPS}
    assert "Real" in names
    assert not any(n.startswith(("Junk", "Bad")) for n in names)


def test_metrics_can_be_turned_off(deps: Deps) -> None:
    app = create_app(deps.settings.model_copy(update={"metrics": False}))
    paths = {getattr(route, "path", None) for route in app.routes}

    assert "/metrics" not in paths
    assert "/graphql" in paths


@pytest.fixture
async def admin_key(deps: Deps, tenant: TenantRef) -> str:
    return await api_key(deps, tenant.id, Scope.ADMIN)


@pytest.mark.slow
@pytest.mark.timeout(180)
def counted_by_process(folder: Path, operation: str) -> dict[str, float]:
    """How many operations named ``operation`` each process wrote to its counter file."""
    counts: dict[str, float] = {}
    for path in folder.glob("counter_*.db"):
        for key, number, *_ in MmapedDict.read_all_values_from_file(str(path)):
            _, sample, labels = json.loads(key)[:3]
            if sample == OPS and labels.get("operation") == operation and number:
                pid = path.stem.rsplit("_", 1)[-1]
                counts[pid] = counts.get(pid, 0.0) + number
    return counts


def test_two_workers_report_one_sum_of_every_request_and_log_json_lines(
    deps: Deps, admin_key: str, tmp_path: Path
) -> None:
    key = admin_key
    metrics_dir = tmp_path / "metrics"
    metrics_dir.mkdir()
    (metrics_dir / "counter_999999.db").write_bytes(b"stale")  # a previous server's file
    env = {
        **os.environ,
        "DATABASE_URL": deps.settings.database_url,
        "REDIS_URL": REDIS_URL,
        "RANKED_REDIS_PREFIX": deps.settings.redis_prefix,
        "RANKED_KEY_PEPPER": deps.settings.key_pepper.get_secret_value(),  # type: ignore[union-attr]
        "RANKED_METRICS_DIR": str(metrics_dir),
        "RANKED_RATE_READS_BURST": "1000000",
        "RANKED_LOG_LEVEL": "info",
        "RANKED_LOG_FORMAT": "json",
    }
    port = free_port()
    port = free_port()
    log_file = tmp_path / "serve.log"
    with log_file.open("wb") as log:
        command = [RANKED, "serve", "--workers", "2", "--port", str(port)]
        process = subprocess.Popen(command, env=env, stderr=log)
    url = f"http://127.0.0.1:{port}"
    sent = 40
    try:
        wait_healthy(url, process)
        for i in range(sent):  # a new connection each: either worker may accept it
            with httpx.Client(base_url=url, headers=bearer(key)) as http:
                body = {"query": "query Counted { leaderboard { size } }"}
                answer = http.post("/graphql", json=body, headers={"X-Request-ID": f"mp-{i}"})
                assert "errors" not in answer.json()
        workers = [p.pid for p in psutil.Process(process.pid).children() if p.is_running()]
        with httpx.Client(base_url=url) as http:
            samples = parsed(http.get("/metrics").text)
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)
    lines = [json.loads(line) for line in log_file.read_text().splitlines() if line.strip()]

    assert len(workers) >= 2  # uvicorn's two workers
    assert not (metrics_dir / "counter_999999.db").exists()  # cleared at the server's start
    assert value(samples, OPS, operation="Counted", type="query", outcome="ok") == sent
    served_by = counted_by_process(metrics_dir, "Counted")
    assert len(served_by) >= 2, served_by  # both workers served some: the sum is theirs
    assert sum(served_by.values()) == sent
    # uvicorn's own lines come out as JSON too, each request's naming its request id
    assert any(line["logger"] == "uvicorn.error" for line in lines)
    access = [line for line in lines if line["logger"] == "uvicorn.access"]
    assert {line["request_id"] for line in access} >= {f"mp-{i}" for i in range(sent)}
    count = "ranked_graphql_operation_seconds_count"
    assert value(samples, count, operation="Counted", type="query") == sent


@pytest.mark.slow
async def test_a_worker_on_its_own_serves_its_job_metrics(
    deps: Deps, redis: Redis, tmp_path: Path
) -> None:
    port = free_port()
    env = status_env(deps, tmp_path / "data") | {"RANKED_WORKER_METRICS_PORT": str(port)}
    worker = Worker(env, spawn_worker(env, tmp_path / "worker.log"))
    jobs = "ranked_job_runs_total"
    try:
        await until(lambda: redis.exists(f"{deps.settings.job_queue}:health-check"), 30, "it")
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
            before = parsed((await http.get("/metrics")).text)
            await deps.jobs.enqueue(MAKE_RUN, 987654, job_id="metrics-test-run")

            async def counted() -> bool:
                now = parsed((await http.get("/metrics")).text)
                return value(now, jobs, job=MAKE_RUN, status="ok") == 1

            await until(counted, 30, "the worker to count the job it ran")
    finally:
        assert await worker.stop() == 0
    assert value(before, jobs, job=MAKE_RUN, status="ok") == 0
