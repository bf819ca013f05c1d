"""A worker killed with SIGKILL in the middle of a run leaves no COMPLETE run with partial
entries; arq retries the run on another worker, which completes it (real processes)."""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from app.deps import Deps
from app.joblog.models import JobRun
from app.runs.models import LeaderboardRun, RunEntry, RunStatus
from app.runs.service import trigger_run
from app.tenancy.service import TenantRef
from tests.conftest import REDIS_URL
from tests.live.conftest import until
from tests.test_serve import RANKED

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]

PARTICIPANTS = 50_000  # a run that keeps every entry lasts long enough to be killed in
JOB_TIMEOUT = 15  # s; arq hands a dead worker's job to another this long (+10 s) after
Process = asyncio.subprocess.Process


@pytest.fixture
def worker_env(deps: Deps) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": deps.settings.database_url,
        "REDIS_URL": REDIS_URL,
        "RANKED_REDIS_PREFIX": deps.settings.redis_prefix,
        "RANKED_JOB_TIMEOUT_SECONDS": str(JOB_TIMEOUT),
        "RANKED_LOG_LEVEL": "warning",
    }


@pytest.fixture
async def workers() -> AsyncIterator[list[Process]]:
    started: list[Process] = []
    yield started
    for process in started:
        if process.returncode is None:
            process.send_signal(signal.SIGINT)
            await asyncio.wait_for(process.wait(), 30)


async def ranked(env: dict[str, str], *args: str) -> Process:
    return await asyncio.create_subprocess_exec(
        RANKED, *args, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )


async def test_a_run_whose_worker_was_killed_mid_way_is_completed_by_another(
    deps: Deps, tenant: TenantRef, worker_env: dict[str, str], workers: list[Process]
) -> None:
    seed = await ranked(worker_env, "seed", "--participants", str(PARTICIPANTS), "--seed", "5")
    assert await seed.wait() == 0
    points = await deps.definitions.board(tenant.id, "points")
    run = await trigger_run(deps, points, None, datetime.now(UTC), keep_all=True)
    workers.append(await ranked(worker_env, "worker"))

    await until(lambda: _status(run.id, RunStatus.PROCESSING), seconds=60, what="the run to start")
    workers[0].send_signal(signal.SIGKILL)
    await workers[0].wait()

    killed = await LeaderboardRun.get(id=run.id)
    assert killed.status == RunStatus.PROCESSING  # not COMPLETE: the snapshot rolled back
    assert await RunEntry.filter(run_id=run.id).count() == 0

    workers.append(await ranked(worker_env, "worker"))
    await until(lambda: _logged(run.id), seconds=JOB_TIMEOUT + 60, what="the retry")
    done = await LeaderboardRun.get(id=run.id)
    assert (done.status, done.row_count, done.attempts) == (RunStatus.COMPLETE, PARTICIPANTS, 2)
    assert done.started_at is not None
    assert done.finished_at is not None
    assert done.finished_at > done.started_at  # the time it took, not when it began
    assert await RunEntry.filter(run_id=run.id).count() == PARTICIPANTS
    jobs = await ranked(worker_env, "jobs")
    listing, _ = await jobs.communicate()
    assert f"make_run        {run.id}" in listing.decode()


async def _status(run_id: int, status: RunStatus) -> bool:
    return (await LeaderboardRun.get(id=run_id)).status == status


async def _logged(run_id: int) -> bool:
    """Whether the job log shows the killed attempt (never finished) and a complete one."""
    logged = await JobRun.filter(name="make_run", key=str(run_id)).order_by("id")
    return [j.outcome for j in logged] == ["running", "complete"]
