"""Leaderboard runs: asking for one, and reading them back, live and archived alike (the
snapshot itself is made by ``app.runs.snapshot``, in the worker; archiving is
``app.runs.archive``).

``trigger_run`` stores the run PENDING and enqueues its job; the worker moves it through
PROCESSING to COMPLETE or FAILED. If the queue cannot be reached the run stays PENDING and
the worker's watchdog enqueues it later (``app.runs.schedule``): a run asked for is never
forgotten.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from app.db import fetch, timestamp
from app.deps import Deps
from app.errors import NotFound, Unavailable
from app.leaderboards.definition import BoardDefinition
from app.leaderboards.service import board_in
from app.queue import MAKE_RUN
from app.runs.models import LeaderboardRun, RunStatus, RunTrigger

log = logging.getLogger(__name__)
T = TypeVar("T")

DEFAULT_ENTRIES = 1_000  # entries a run keeps when the board sets no maxEntries


@dataclass(frozen=True, slots=True)
class RunView:
    id: int
    tenant_id: int
    leaderboard: str
    period: str
    period_start: datetime | None
    period_end: datetime | None
    status: RunStatus
    trigger: RunTrigger
    max_entries: int | None
    row_count: int
    error: str
    attempts: int
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    archived_at: datetime | None = None  # None: in the live tables
    academic_year: str | None = None  # archived runs of a tenant with terms
    term: str | None = None


@dataclass(frozen=True, slots=True)
class RunEntryView:
    position: int
    rank: int
    participant_id: int
    score: float
    tie_key: str
    display_name: str
    avatar: str
    breakdown: list[dict[str, Any]]


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: list[T]
    has_next: bool


async def trigger_run(
    deps: Deps,
    definition: BoardDefinition,
    period: str | None,
    now: datetime,
    *,
    keep_all: bool = False,
    trigger: RunTrigger = RunTrigger.ADMIN,
) -> RunView:
    """Ask for a run of the board in ``period`` (default: the current one) and enqueue it."""
    shown = board_in(definition, period, at=now).period
    max_entries = None if keep_all else (definition.max_entries or DEFAULT_ENTRIES)
    run = await LeaderboardRun.create(
        tenant_id=definition.tenant_id,
        leaderboard_id=definition.id,
        period=shown.key,
        period_start=shown.start,
        period_end=shown.end,
        trigger=trigger,
        schedule_key=shown.key if trigger == RunTrigger.SCHEDULE else None,
        max_entries=max_entries,
        created_at=now,
    )
    await changed(deps, definition.tenant_id)
    await enqueue(deps, run.id, now)
    return await get_run(definition.tenant_id, run.id)


async def changed(deps: Deps, tenant_id: int) -> None:
    """A run was asked for or changed state: cached reads of runs are out of date."""
    await deps.keeper.touch(tenant_id)


async def enqueue(deps: Deps, run_id: int, created_at: datetime) -> bool:
    """Queue the run's job; False when it is queued, running or done already (one job id per
    run: the queue refuses a second) or the queue is unreachable (the run stays PENDING and
    the watchdog asks again). The job id names the run's row, not only its id: a database
    made anew (ids from 1 again) under the same Redis never finds its jobs taken for the
    old ones."""
    job_id = f"run:{run_id}:{int(created_at.timestamp() * 1000)}"
    try:
        return await deps.jobs.enqueue(MAKE_RUN, run_id, job_id=job_id)
    except Unavailable:
        log.warning("could not enqueue run %s; the watchdog will", run_id)
        return False


async def get_run(tenant_id: int, run_id: int) -> RunView:
    """The tenant's run ``run_id``, or :class:`NotFound` (another tenant's run included)."""
    found = await _runs("r.tenant_id = $1 AND r.id = $2", [tenant_id, run_id], 1)
    if not found:
        raise NotFound(f"No run with id {run_id}.")
    return found[0]


async def list_runs(
    tenant_id: int,
    board_key: str,
    status: RunStatus | None,
    first: int,
    before_id: int | None,
) -> Page[RunView]:
    """The board's runs, newest first, of one status if given."""
    condition, values = "r.tenant_id = $1 AND l.key = $2", [tenant_id, board_key]
    if status is not None:
        condition += f" AND r.status = ${len(values) + 1}"
        values.append(status.value)
    if before_id is not None:
        condition += f" AND r.id < ${len(values) + 1}"
        values.append(before_id)
    found = await _runs(condition, values, first + 1)
    return Page(found[:first], len(found) > first)


@dataclass(frozen=True, slots=True)
class HistoryCursor:
    ended_at: datetime  # the run's period end (its making, for a run of all time)
    id: int


async def history(
    tenant_id: int,
    board_key: str,
    since: datetime | None,
    until: datetime | None,
    first: int,
    after: HistoryCursor | None,
) -> Page[RunView]:
    """The board's runs, live and archived alike, whose period ended in [since, until),
    the latest period first (runs of one period: newest first)."""
    condition, values = "r.tenant_id = $1 AND l.key = $2", [tenant_id, board_key]
    if since is not None:
        condition += f" AND {ENDED_AT} >= ${len(values) + 1}"
        values.append(since)
    if until is not None:
        condition += f" AND {ENDED_AT} < ${len(values) + 1}"
        values.append(until)
    if after is not None:
        at, key = f"${len(values) + 1}", f"${len(values) + 2}"
        condition += f" AND ({ENDED_AT} < {at} OR ({ENDED_AT} = {at} AND r.id < {key}))"
        values += [after.ended_at, after.id]
    found = await _runs(condition, values, first + 1, order=f"{ENDED_AT} DESC, r.id DESC")
    return Page(found[:first], len(found) > first)


def ended_at(run: RunView) -> datetime:
    """When the run's period ended (when it was made, for a run of all time): the order of
    ``history``."""
    return run.period_end or run.created_at


async def latest_runs(tenant_id: int, board_keys: list[str]) -> dict[str, RunView]:
    """Each board's latest COMPLETE run (boards without one are left out). One query."""
    if not board_keys:
        return {}
    marks = ", ".join(f"${i + 3}" for i in range(len(board_keys)))
    rows = await fetch(
        f"SELECT {VIEW_COLUMNS} FROM {ALL_RUNS} r JOIN leaderboards l ON l.id = r.leaderboard_id"
        f" WHERE r.id IN (SELECT MAX(r2.id) FROM {ALL_RUNS} r2"
        "  JOIN leaderboards l2 ON l2.id = r2.leaderboard_id"
        f"  WHERE r2.tenant_id = $1 AND r2.status = $2 AND l2.key IN ({marks})"
        "  GROUP BY r2.leaderboard_id)",
        [tenant_id, RunStatus.COMPLETE.value, *board_keys],
    )
    return {str(r["key"]): _view(r) for r in rows}


async def run_entries(
    run: RunView, first: int, after_position: int | None, group_id: int | None = None
) -> Page[RunEntryView]:
    """The run's entries in board order, ``first`` after a position; of one group of a
    scoped board (as the group was when the run was made) with positions and ranks within
    it, if ``group_id`` is given."""
    start = -1 if after_position is None else after_position
    live = run.archived_at is None
    table = "run_entries" if live else "archived_run_entries"
    if group_id is None:
        rows = await fetch(
            "SELECT position, rank, participant_id, score, tie_key, display_name, avatar,"
            f" breakdown FROM {table} WHERE run_id = $1 AND position > $2 ORDER BY position"
            f" LIMIT {int(first) + 1}",
            [run.id, start],
        )
    else:
        groups = "run_group_entries" if live else "archived_run_group_entries"
        # A group's entry outside the board's own top has no breakdown kept: [] then.
        rows = await fetch(
            "SELECT g.position, g.rank, g.participant_id, g.score, g.tie_key, g.display_name,"
            f" g.avatar, e.breakdown FROM {groups} g LEFT JOIN {table} e ON e.run_id = g.run_id"
            " AND e.participant_id = g.participant_id"
            " WHERE g.run_id = $1 AND g.group_id = $3 AND g.position > $2 ORDER BY g.position"
            f" LIMIT {int(first) + 1}",
            [run.id, start, group_id],
        )
    entries = [
        RunEntryView(
            int(r["position"]),
            int(r["rank"]),
            int(r["participant_id"]),
            float(r["score"]),
            r["tie_key"],
            r["display_name"],
            r["avatar"],
            _json(r["breakdown"]),
        )
        for r in rows[:first]
    ]
    return Page(entries, len(rows) > first)


VIEW_COLUMNS = (
    "r.id, r.tenant_id, l.key, r.period, r.period_start, r.period_end, r.status, r.trigger,"
    " r.max_entries, r.row_count, r.error, r.attempts, r.created_at, r.started_at, r.finished_at,"
    " r.archived_at, r.academic_year, r.term"
)
_RUN_COLUMNS = (
    "id, tenant_id, leaderboard_id, period, period_start, period_end, status, trigger,"
    " max_entries, row_count, error, attempts, created_at, started_at, finished_at"
)
# The live and the archived runs, read as one table (an archived run keeps its id, and is
# in exactly one of them at every commit: app.runs.archive).
ALL_RUNS = (
    f"(SELECT {_RUN_COLUMNS}, NULL AS archived_at, NULL AS academic_year, NULL AS term"
    f" FROM leaderboard_runs UNION ALL SELECT {_RUN_COLUMNS}, archived_at, academic_year, term"
    " FROM archived_runs)"
)
ENDED_AT = "COALESCE(r.period_end, r.created_at)"


async def _runs(
    condition: str, values: list[Any], limit: int, *, order: str = "r.id DESC"
) -> list[RunView]:
    rows = await fetch(
        f"SELECT {VIEW_COLUMNS} FROM {ALL_RUNS} r JOIN leaderboards l ON l.id = r.leaderboard_id"
        f" WHERE {condition} ORDER BY {order} LIMIT {int(limit)}",
        values,
    )
    return [_view(r) for r in rows]


def _view(r: dict[str, Any]) -> RunView:
    return RunView(
        id=int(r["id"]),
        tenant_id=int(r["tenant_id"]),
        leaderboard=str(r["key"]),
        period=str(r["period"]),
        period_start=_at(r["period_start"]),
        period_end=_at(r["period_end"]),
        status=RunStatus(r["status"]),
        trigger=RunTrigger(r["trigger"]),
        max_entries=r["max_entries"],
        row_count=int(r["row_count"]),
        error=str(r["error"]),
        attempts=int(r["attempts"]),
        created_at=timestamp(r["created_at"]),
        started_at=_at(r["started_at"]),
        finished_at=_at(r["finished_at"]),
        archived_at=_at(r["archived_at"]),
        academic_year=r["academic_year"],
        term=r["term"],
    )


def _at(value: datetime | str | None) -> datetime | None:
    return None if value is None else timestamp(value)


def _json(value: Any) -> list[dict[str, Any]]:
    parsed = json.loads(value) if isinstance(value, str) else value
    return list(parsed or [])
