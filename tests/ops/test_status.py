"""``ranked status``, as a real process: against the test's PostgreSQL database and Redis
prefix (with a real ``ranked worker`` beside it when the test needs one), and on the
embedded default beside a running ``ranked serve``."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from redis.asyncio import Redis

from app import main
from app.deps import Deps
from app.joblog.models import JobRun
from app.leaderboards.keeper import mark_dirty
from app.queue import MAKE_RUN
from app.ranking.rebuild import rebuild_board
from app.tenancy.service import TenantRef, create_tenant
from tests.conftest import REDIS_URL, delete_prefix
from tests.factories import participant, points_board
from tests.live.conftest import until
from tests.tenancy.test_cli import INHERITED, cli_env, migrated, ok, start, stop
from tests.test_serve import RANKED, embedded_redis_servers

pytestmark = pytest.mark.slow

PERIOD = "all"  # the points board's only period


def status_env(deps: Deps, data_dir: Path) -> dict[str, str]:
    """The test's database, Redis and prefix, as a deployment's environment."""
    env = {k: v for k, v in os.environ.items() if k not in INHERITED}
    env.update(
        DATABASE_URL=deps.settings.database_url,
        REDIS_URL=REDIS_URL,
        RANKED_REDIS_PREFIX=deps.settings.redis_prefix,
        RANKED_DATA_DIR=str(data_dir),
        RANKED_LOG_LEVEL="warning",
        RANKED_KEY_PEPPER="test-pepper-of-the-test-suite-only",
    )
    return env


async def status(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return await asyncio.to_thread(
        subprocess.run,
        [RANKED, "status", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


async def report(env: dict[str, str]) -> tuple[int, dict[str, Any]]:
    """``ranked status --json``: its exit code and what it printed."""
    done = await status(env, "--json")
    assert done.stderr == "", done.stderr
    return done.returncode, json.loads(done.stdout)


def boards_of(found: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(b["tenant"], b["key"]): b for b in found["boards"]}


async def build(deps: Deps, tenant_id: int) -> None:
    board = await points_board(tenant_id)
    await rebuild_board(deps.store, board, batch=100, fresh=True, lock_seconds=5)


@pytest.fixture
async def two_tenants(deps: Deps, tenant: TenantRef) -> TenantRef:
    """The default tenant with 3 participants (one opted out of nothing: all ranked), and
    school-b with 2; both points rankings built."""
    other = await create_tenant("school-b")
    for name, points in (("A", 10), ("B", 30), ("C", 20)):
        await participant(deps, tenant.id, name, points)
    for name, points in (("X", 5), ("Y", 7)):
        await participant(deps, other.id, name, points)
    await build(deps, tenant.id)
    await build(deps, other.id)
    return TenantRef(other.id, other.slug)


@dataclass
class Worker:
    env: dict[str, str]
    process: subprocess.Popen[bytes]

    async def stop(self) -> int:
        """Ctrl-C, as an operator stops it (arq removes its health record)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        return await asyncio.to_thread(self.process.wait, 20)


def spawn_worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen([RANKED, "worker"], env=env, stdout=out, stderr=out)


@pytest.fixture
async def worker(deps: Deps, redis: Redis, tmp_path: Path) -> AsyncIterator[Worker]:
    """A real ``ranked worker`` on the test's database and prefix, once it has recorded its
    health (its arq health-check key)."""
    env = status_env(deps, tmp_path / "data")
    started = Worker(env, spawn_worker(env, tmp_path / "worker.log"))
    health_key = f"{deps.settings.job_queue}:health-check"
    try:
        await until(lambda: redis.exists(health_key), 30, "the worker's health record")
        yield started
    finally:
        await started.stop()


async def test_healthy_deployment_reports_every_boards_size_and_a_live_worker(
    deps: Deps, tenant: TenantRef, two_tenants: TenantRef, worker: Worker
) -> None:
    code, found = await report(worker.env)
    text = await status(worker.env)

    assert (code, found["healthy"], found["problems"]) == (0, True, [])
    assert found["database"] == {
        "backend": "postgres",
        "url": deps.settings.database_url,
        "reachable": True,
        "applied": found["database"]["latest"],
        "latest": main.LATEST_MIGRATION,
        "detail": "",
    }
    assert found["redis"]["reachable"] is True
    assert found["redis"]["url"] == REDIS_URL
    assert found["redis"]["prefix"] == deps.settings.redis_prefix
    assert found["redis"]["keys"] >= 4  # two rankings' scores and ready keys, at least
    assert found["redis"]["used_memory"]
    assert boards_of(found) == {
        ("default", "points"): {
            "tenant": "default", "key": "points", "period": PERIOD, "in_database": 3,
            "in_redis": 3, "ready": True, "building": False, "dirty_since": None,
        },
        ("school-b", "points"): {
            "tenant": "school-b", "key": "points", "period": PERIOD, "in_database": 2,
            "in_redis": 2, "ready": True, "building": False, "dirty_since": None,
        },
    }  # fmt: skip
    workers = found["workers"]
    assert workers["alive"] is True
    assert workers["queue"] == deps.settings.job_queue
    assert 0 <= workers["seen_seconds_ago"] < 30
    assert set(workers["counters"]) == {"complete", "failed", "retried", "ongoing"}
    assert text.returncode == 0
    lines = text.stdout.splitlines()
    assert lines[0] == "Ranked status: healthy"
    rows = [line.split() for line in lines if line.split()[-1:] == ["ready"]]
    assert [r[-6:] for r in rows] == [
        ["default", "points", PERIOD, "3", "3", "ready"],
        ["school-b", "points", PERIOD, "2", "2", "ready"],
    ]
    assert any(line.split()[1:2] == ["alive,"] for line in lines if "Workers" in line)


async def test_a_flushed_prefix_reports_rankings_not_ready_and_no_worker(
    deps: Deps, redis: Redis, tmp_path: Path, tenant: TenantRef, two_tenants: TenantRef
) -> None:
    env = status_env(deps, tmp_path / "data")
    await delete_prefix(redis, deps.settings.redis_prefix)

    code, found = await report(env)
    text = await status(env)

    assert code == 1
    assert found["healthy"] is False
    assert found["redis"]["keys"] == 0
    for board in found["boards"]:
        assert (board["ready"], board["in_redis"]) == (False, 0)
    assert boards_of(found)[("default", "points")]["in_database"] == 3
    assert found["workers"]["alive"] is False
    assert found["problems"] == [
        f"board default/points/{PERIOD}: not ready, missing (the keeper rebuilds it)",
        f"board school-b/points/{PERIOD}: not ready, missing (the keeper rebuilds it)",
        f"workers: none alive on queue {deps.settings.job_queue} (winner checks and runs"
        " wait; start `ranked worker`)",
    ]
    assert text.returncode == 1
    assert text.stdout.startswith("Ranked status: 3 problem(s)")
    assert "NOT READY" in text.stdout
    assert "NONE ALIVE" in text.stdout


async def test_a_board_marked_dirty_is_reported_until_repaired(
    deps: Deps, tmp_path: Path, tenant: TenantRef, two_tenants: TenantRef
) -> None:
    env = status_env(deps, tmp_path / "data")
    board = await points_board(two_tenants.id)
    marked = await mark_dirty(board.leaderboard_id)

    code, found = await report(env)
    await deps.keeper.check()  # a keeper's pass repairs it (a rebuild after the mark)
    after, repaired = await report(env)

    assert code == 1
    dirty = boards_of(found)[("school-b", "points")]
    assert dirty["dirty_since"] == marked.isoformat()
    assert (dirty["ready"], dirty["in_redis"], dirty["in_database"]) == (True, 2, 2)
    assert boards_of(found)[("default", "points")]["dirty_since"] is None
    no_worker = f"workers: none alive on queue {deps.settings.job_queue} (winner checks and"
    assert [p for p in found["problems"] if not p.startswith(no_worker)] == [
        f"board school-b/points/{PERIOD}: dirty since {marked:%Y-%m-%d %H:%M:%S} (Redis"
        " missed a change; the keeper repairs it, or `ranked rebuild`)"
    ]
    assert after == 1
    assert boards_of(repaired)[("school-b", "points")]["dirty_since"] is None
    assert [p for p in repaired["problems"] if not p.startswith(no_worker)] == []


async def test_a_job_the_worker_ran_is_its_last_run(
    deps: Deps, tenant: TenantRef, two_tenants: TenantRef, worker: Worker
) -> None:
    before = await report(worker.env)

    await deps.jobs.enqueue(MAKE_RUN, 987654, job_id="status-test-run")
    await until(lambda: JobRun.filter(name=MAKE_RUN).exists(), 30, "the worker to run the job")
    code, found = await report(worker.env)

    assert before[1]["jobs"] == []
    assert code == 0, found["problems"]
    [job] = found["jobs"]
    assert {k: job[k] for k in ("name", "key", "outcome", "error")} == {
        "name": MAKE_RUN,
        "key": "987654",
        "outcome": "no such run",
        "error": "",
    }
    assert isinstance(job["duration_ms"], int)
    assert job["finished_at"] >= job["started_at"]
    text = (await status(worker.env)).stdout
    [line] = [ln for ln in text.splitlines() if MAKE_RUN in ln]
    assert line.startswith(f"Last jobs  {MAKE_RUN:<15} no such run ")
    assert line.endswith(" 987654")


async def test_a_stopped_worker_is_reported_gone(
    tenant: TenantRef, two_tenants: TenantRef, worker: Worker
) -> None:
    alive = (await report(worker.env))[1]["workers"]["alive"]

    stopped = await worker.stop()
    code, found = await report(worker.env)

    assert alive is True
    assert stopped == 0
    assert (code, found["workers"]["alive"]) == (1, False)  # arq deletes its record on stop


@pytest.mark.slow
def test_on_the_embedded_default_it_uses_the_served_redis_and_never_starts_one(
    tmp_path: Path,
) -> None:
    data_dir = tmp_path / "data"
    env = migrated(data_dir)
    ok(env, "seed", "--participants", "12", "--seed", "1")
    served = start(env, "--worker", log=tmp_path / "serve.log")
    try:
        servers = embedded_redis_servers(data_dir)
        registry = json.loads((data_dir / "redis.rdb.settings").read_text())
        done = _wait_healthy_status(env)
        found = json.loads(done.stdout)
        servers_after = embedded_redis_servers(data_dir)
    finally:
        stop(served)
    stopped = subprocess.run(
        [RANKED, "status", "--json"], env=env, capture_output=True, text=True, check=False
    )
    gone = json.loads(stopped.stdout)

    assert done.returncode == 0, found["problems"]
    assert found["database"]["backend"] == "sqlite"
    assert found["redis"]["embedded"] is True
    assert found["redis"]["url"] == f"unix://{registry['unixsocket']}"
    assert [(b["tenant"], b["key"], b["in_redis"], b["in_database"]) for b in found["boards"]] == [
        ("default", "points", 12, 12)
    ]
    assert found["workers"]["alive"] is True
    assert len(servers) == 1
    assert [p.pid for p in servers_after] == [p.pid for p in servers]  # no second server
    assert stopped.returncode == 1
    assert gone["redis"]["reachable"] is False
    assert gone["redis"]["detail"].startswith("not running")
    assert gone["boards"][0]["in_database"] == 12
    assert gone["boards"][0]["ready"] is None
    assert embedded_redis_servers(data_dir) == []  # status started none
    assert not (data_dir / "redis.rdb.settings").exists()


def _wait_healthy_status(
    env: dict[str, str], seconds: float = 30
) -> subprocess.CompletedProcess[str]:
    """``ranked status --json`` until it exits 0 (the served process builds its ranking
    and its worker records its health just after start-up), or the last answer; polled,
    as nothing signals that it would now pass."""
    deadline = time.monotonic() + seconds
    while True:
        done = subprocess.run(
            [RANKED, "status", "--json"], env=env, capture_output=True, text=True, check=False
        )
        if done.returncode == 0 or time.monotonic() > deadline:
            return done
        time.sleep(0.5)


def test_without_a_database_file_it_says_run_migrate_and_creates_nothing(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    env = cli_env(data_dir)

    done = subprocess.run(
        [RANKED, "status", "--json"], env=env, capture_output=True, text=True, check=False
    )
    found = json.loads(done.stdout)

    assert done.returncode == 1
    assert found["database"]["reachable"] is False
    assert found["problems"] == [
        f"database: no database file at {(data_dir / 'ranked.sqlite3').resolve()}: run"
        " `ranked migrate`",
        "redis: not running (the embedded server runs with `ranked serve`, `make run`)",
    ]
    assert not data_dir.exists() or list(data_dir.iterdir()) == []
