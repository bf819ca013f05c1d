"""Runs made by the calendar, and the watchdog of runs that lost their job.

When a period of a board closes (daily, weekly, monthly, custom, term, season; in the board's
time zone), a run of it is made once a grace for late events has passed. The run carries the
period as its ``schedule_key``, unique per board, so however many workers look, and however
often, each closed period gets one scheduled run. Periods that closed while no worker ran
are caught up (within ``catch_up``): a run of a closed period shows that period truthfully,
late or not. Periods nobody scored in get no run.

The watchdog enqueues runs still PENDING a while after they were asked for (the queue was
unreachable then: their one job id is free, so this adds no copy of a job still queued)
and fails runs PROCESSING for longer than any attempt may last (their worker was killed,
or they timed out, and arq will not try again).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.exceptions import IntegrityError

from app.db import fetch
from app.deps import Deps
from app.leaderboards.definition import BoardDefinition, load_definitions
from app.leaderboards.models import TimeWindow
from app.leaderboards.periods import Period, ended_between
from app.runs.models import ArchivedRun, LeaderboardRun, RunStatus, RunTrigger
from app.runs.service import DEFAULT_ENTRIES, changed, enqueue

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Watched:
    requeued: list[int]
    failed: list[int]


async def schedule_closed_periods(
    deps: Deps, now: datetime, *, grace: timedelta, catch_up: timedelta
) -> list[int]:
    """Ask for a run of every period that closed between ``catch_up`` and ``grace`` ago and
    has none yet; returns the new runs' ids."""
    boards = await load_definitions(None, is_active=True)
    created = []
    for board in boards:
        if board.window.kind == TimeWindow.ALL_TIME:
            continue
        for period in ended_between(board.window, now - catch_up, now - grace):
            run_id = await _scheduled_run(deps, board, period, now)
            if run_id is not None:
                created.append(run_id)
    return created


async def _scheduled_run(
    deps: Deps, board: BoardDefinition, period: Period, now: datetime
) -> int | None:
    # The live table first: a run archived in between is in the archive by the second look.
    if await LeaderboardRun.exists(leaderboard_id=board.id, schedule_key=period.key):
        return None
    if await ArchivedRun.exists(leaderboard_id=board.id, schedule_key=period.key):
        return None
    scored = await fetch(
        "SELECT 1 AS one FROM standings WHERE leaderboard_id = $1 AND period = $2 LIMIT 1",
        [board.id, period.key],
    )
    if not scored:
        return None
    try:
        run = await LeaderboardRun.create(
            tenant_id=board.tenant_id,
            leaderboard_id=board.id,
            period=period.key,
            period_start=period.start,
            period_end=period.end,
            trigger=RunTrigger.SCHEDULE,
            schedule_key=period.key,
            max_entries=board.max_entries or DEFAULT_ENTRIES,
            created_at=now,
        )
    except IntegrityError:  # another worker made it first
        return None
    run_id: int = run.id
    log.info("period %s of %s closed: run %s", period.key, board.key, run_id)
    await changed(deps, board.tenant_id)
    await enqueue(deps, run_id, now)
    return run_id


async def watch_runs(
    deps: Deps, now: datetime, *, pending_after: timedelta, processing_after: timedelta
) -> Watched:
    """Enqueue runs PENDING for longer than ``pending_after``; fail runs PROCESSING since
    longer than ``processing_after`` (no attempt lasts that long)."""
    pending = await LeaderboardRun.filter(
        status=RunStatus.PENDING, created_at__lt=now - pending_after
    ).values("id", "created_at")
    requeued = []
    for run in pending:  # the run's own job id: no copy of a job still queued is added
        if await enqueue(deps, int(run["id"]), run["created_at"]):
            requeued.append(int(run["id"]))
    stale = await LeaderboardRun.filter(
        status=RunStatus.PROCESSING, started_at__lt=now - processing_after
    ).values("id", "tenant_id")
    failed = []
    for run_id, tenant_id in ((int(r["id"]), int(r["tenant_id"])) for r in stale):
        reason = (
            f"Stopped: no attempt finished within {processing_after.total_seconds():.0f} s (its"
            " worker was killed or it timed out, and it was not retried). Trigger it again."
        )
        updated = await LeaderboardRun.filter(id=run_id, status=RunStatus.PROCESSING).update(
            status=RunStatus.FAILED, error=reason, finished_at=now
        )
        if updated:
            log.warning("run %s abandoned: marked FAILED", run_id)
            failed.append(run_id)
            await changed(deps, tenant_id)
    return Watched(requeued, failed)
