"""How ``ranked status`` shows a :class:`app.ops.status.Status`: one screen for people,
or JSON for machines (the same fields, times in ISO 8601)."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any

from app.joblog.service import JobRecord
from app.ops.status import BoardStatus, DatabaseStatus, RedisStatus, Status
from app.queue import WorkerHealth

INDENT = " " * 11  # under the section names


def as_json(status: Status) -> dict[str, Any]:
    """The report as JSON-ready values, with ``healthy`` beside ``problems``."""
    plain = _plain(dataclasses.asdict(status))
    assert isinstance(plain, dict)
    return {"healthy": status.healthy, **plain}


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def screen(status: Status) -> str:
    """The report as lines of text, one section each."""
    verdict = "healthy" if status.healthy else f"{len(status.problems)} problem(s)"
    lines = [f"Ranked status: {verdict}", ""]
    lines += _database(status.database)
    lines += _redis(status.redis)
    lines += _boards(status.boards, read=status.database.applied is not None)
    lines += _workers(status.workers)
    lines += _jobs(status.jobs)
    if status.problems:
        lines += ["", "Problems"] + [f"  - {p}" for p in status.problems]
    return "\n".join(lines)


def _section(name: str, rows: list[str]) -> list[str]:
    return [f"{name:<{len(INDENT)}}{row}" if i == 0 else INDENT + row for i, row in enumerate(rows)]


def _database(db: DatabaseStatus) -> list[str]:
    if not db.reachable:
        return _section("Database", [f"{db.backend}  {db.url}", f"NOT REACHABLE: {db.detail}"])
    current = db.applied == db.latest or db.latest is None
    migrations = f"migration {db.applied or 'none'}" + (
        " (the latest)" if current else f", NOT the latest {db.latest}"
    )
    return _section("Database", [f"{db.backend}  {db.url}", f"reachable; {migrations}"])


def _redis(redis: RedisStatus) -> list[str]:
    where = ("embedded " if redis.embedded else "") + (redis.url or "server")
    if not redis.reachable:
        return _section("Redis", [where, f"NOT REACHABLE: {redis.detail}"])
    return _section(
        "Redis",
        [
            where,
            f"reachable; {redis.used_memory} used; {_count(redis.keys)} keys under {redis.prefix}:",
        ],
    )


def _boards(boards: list[BoardStatus], *, read: bool) -> list[str]:
    if not boards:
        return _section("Boards", ["(no active board)" if read else "(database not read)"])
    header = f"{'tenant':<16} {'board':<16} {'period':<12} {'redis':>7} {'database':>9}  state"
    return _section("Boards", [header, *(_board(b) for b in boards)])


def _board(b: BoardStatus) -> str:
    redis = "-" if b.in_redis is None else str(b.in_redis)
    if b.ready is None:
        state = "unknown (Redis not read)"
    else:
        state = "ready" if b.ready else ("building" if b.building else "NOT READY")
    if b.dirty_since is not None:
        state += f", DIRTY since {b.dirty_since:%Y-%m-%d %H:%M:%S}"
    return (
        f"{b.tenant:<16} {b.key:<16} {b.period or '-':<12} {redis:>7} {b.in_database:>9}  {state}"
    )


def _workers(health: WorkerHealth | None) -> list[str]:
    if health is None:
        return _section("Workers", ["unknown (Redis not read)"])
    waiting = f"{health.queued} queued ({health.due} due) on {health.queue}"
    if not health.alive:
        return _section("Workers", [f"NONE ALIVE; {waiting}"])
    seen = "" if health.seen_seconds_ago is None else f", seen {health.seen_seconds_ago:.0f} s ago"
    counters = ", ".join(f"{name} {n}" for name, n in health.counters.items())
    return _section("Workers", [f"alive{seen}; {waiting}", f"the latest one's jobs: {counters}"])


def _jobs(jobs: list[JobRecord]) -> list[str]:
    if not jobs:
        return _section("Last jobs", ["(none run yet)"])
    return _section("Last jobs", [_job(j) for j in jobs])


def _job(job: JobRecord) -> str:
    took = f"{job.duration_ms} ms" if job.duration_ms is not None else "running"
    error = f"  {job.error}" if job.error else ""
    return (
        f"{job.name:<15} {job.outcome:<10} {job.started_at:%Y-%m-%d %H:%M:%S}  {took:>9}"
        f"  {job.key}{error}"
    )


def _count(keys: int | None) -> str:
    return "an unknown number of" if keys is None else str(keys)
