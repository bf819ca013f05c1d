"""The job log: what each job execution did (``ranked jobs``), and its failures' reasons."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from app.joblog.models import JobRun

T = TypeVar("T")

RUNNING, OK, FAILED = "running", "ok", "failed"


@dataclass(frozen=True, slots=True)
class JobRecord:
    name: str
    key: str
    outcome: str
    detail: dict[str, Any]
    error: str
    started_at: datetime
    finished_at: datetime | None
    duration_ms: int | None


async def logged(
    name: str,
    key: str,
    clock: Callable[[], datetime],
    work: Callable[[], Awaitable[tuple[str, dict[str, Any]]]],
) -> tuple[str, dict[str, Any]]:
    """Run ``work`` (which returns its outcome and details) and log it; a failure is logged
    with its reason, then raised."""
    started = clock()
    row = await JobRun.create(name=name, key=key, started_at=started)
    try:
        outcome, detail = await work()
    except BaseException as exc:
        await _finish(row, FAILED, {}, f"{type(exc).__name__}: {exc}", clock())
        raise
    await _finish(row, outcome, detail, "", clock())
    return outcome, detail


async def record(
    name: str, key: str, started: datetime, finished: datetime, outcome: str, detail: dict[str, Any]
) -> None:
    """Log an execution that is over (a periodic job that logs only when it did something)."""
    duration = int((finished - started).total_seconds() * 1000)
    await JobRun.create(
        name=name,
        key=key,
        outcome=outcome,
        detail=detail,
        started_at=started,
        finished_at=finished,
        duration_ms=duration,
    )


async def _finish(
    row: JobRun, outcome: str, detail: dict[str, Any], error: str, at: datetime
) -> None:
    duration = int((at - row.started_at).total_seconds() * 1000)
    await JobRun.filter(id=row.id).update(
        outcome=outcome, detail=detail, error=error[:2000], finished_at=at, duration_ms=duration
    )


async def recent(limit: int, name: str | None = None) -> list[JobRecord]:
    """The latest job executions, newest first."""
    query = JobRun.all() if name is None else JobRun.filter(name=name)
    rows = await query.order_by("-id").limit(limit)
    return [_record(r) for r in rows]


async def latest_runs() -> list[JobRecord]:
    """The latest execution of each job (by name, in name order): how each last went."""
    names = await JobRun.all().distinct().values_list("name", flat=True)
    return [run for name in sorted(map(str, names)) for run in await recent(1, name)]


def _record(r: JobRun) -> JobRecord:
    return JobRecord(
        r.name, r.key, r.outcome, r.detail, r.error, r.started_at, r.finished_at, r.duration_ms
    )
