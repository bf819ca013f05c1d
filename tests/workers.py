"""Fixtures for jobs (a pytest plugin of tests/conftest.py): a real arq worker, in this
process and in burst mode, on the test's Redis, database and job queue, with a clock the
test sets: time is driven, never waited for."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from app.deps import Deps, build_deps
from app.jobs.queue import open_pool
from app.jobs.worker import build_worker

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@dataclass
class Clock:
    now: datetime = datetime(2026, 1, 5, 12, 0, 1, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def job_deps(deps: Deps, clock: Clock) -> AsyncIterator[Deps]:
    """The services of a worker: the test's Redis, database, prefix and job queue, and the
    test's clock."""
    built = build_deps(deps.settings, deps.store.redis, jobs=deps.jobs, clock=clock)
    yield built
    await built.keeper.close()


async def drain(deps: Deps) -> int:
    """Run a real worker until its queue is empty; returns how many jobs it completed
    (failed jobs fail the test). It has a pool of its own: a worker closes its pool."""
    worker = build_worker(deps, await open_pool(REDIS_URL), burst=True)
    try:
        return await worker.run_check()
    finally:
        await worker.close()


def tick_ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)
