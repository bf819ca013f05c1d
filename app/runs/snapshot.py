"""Making a run: the snapshot of a board in a period, as of one instant (the worker's job).

1. The run is claimed: PROCESSING, one more attempt (a run already COMPLETE or FAILED, or
   being made by a live attempt, is left alone, so a repeated job changes nothing).
2. In one transaction (REPEATABLE READ on PostgreSQL: one snapshot of the data), the
   period's ranked standings are read in the board's order and rank mode, with their score
   breakdowns, the top ``max_entries`` (or all) are written set-wise (COPY on PostgreSQL),
   and the run is marked COMPLETE, on the condition that it is still this attempt's. A
   worker killed before the commit leaves no entry and the run PROCESSING, for arq's retry
   or, failing that, the watchdog (``app.runs.schedule``); a newer attempt's commit wins.
3. A failure marks the run FAILED with the reason.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from app.db import execute, fetch, is_sqlite
from app.deps import Deps
from app.errors import Unavailable
from app.leaderboards.breakdown import PartView, breakdowns
from app.leaderboards.definition import BoardDefinition, load_definitions
from app.leaderboards.models import RankMode
from app.runs.models import RunStatus
from app.runs.service import RunView, changed, get_run

log = logging.getLogger(__name__)

ENTRY_COLUMNS = (
    "tenant_id",
    "run_id",
    "position",
    "rank",
    "participant_id",
    "score",
    "tie_key",
    "display_name",
    "avatar",
    "breakdown",
)
RANK_COLUMN = {
    RankMode.COMPETITION: "competition",
    RankMode.DENSE: "dense",
    RankMode.ORDINAL: "ordinal",
}


class Superseded(Exception):
    """A newer attempt of the run took it over; this attempt's work is rolled back."""


async def make_run(deps: Deps, run_id: int, now: datetime) -> RunView | None:
    """Make the run ``run_id`` (PENDING, or PROCESSING by an attempt that died); returns
    it as it ends, or None when there is no such run."""
    stale = now - timedelta(seconds=deps.settings.job_timeout_seconds)
    claim = await _claim(run_id, now, stale)
    if claim is None:
        rows = await fetch("SELECT tenant_id FROM leaderboard_runs WHERE id = $1", [run_id])
        return await get_run(int(rows[0]["tenant_id"]), run_id) if rows else None
    tenant_id, board_id, attempt = claim
    await changed(deps, tenant_id)
    found = await load_definitions(tenant_id, id=board_id, is_active=True)
    try:
        if not found:
            raise LookupError("the leaderboard was deactivated")
        run = await get_run(tenant_id, run_id)
        await _snapshot(found[0], run, attempt, deps.clock)
    except Superseded:
        log.info("run %s: attempt %s superseded by a newer one", run_id, attempt)
    except Exception as exc:  # the reason goes on the run, for the admin who asked for it
        log.exception("run %s failed", run_id)
        await _fail(run_id, attempt, f"{type(exc).__name__}: {exc}", deps.clock())
    done = await get_run(tenant_id, run_id)
    deps.keeper.forget_complete(board_id)
    await changed(deps, tenant_id)
    if done.status in (RunStatus.COMPLETE, RunStatus.FAILED):
        await _announce(deps, done)
    return done


async def _claim(run_id: int, now: datetime, stale: datetime) -> tuple[int, int, int] | None:
    """Take the run: PENDING, or PROCESSING by an attempt that began before ``stale`` (no
    live attempt is that old: arq cancels a job at its timeout, and retries it on another
    worker only after that). A copy of a job for a run being made takes nothing."""
    rows = await fetch(
        "UPDATE leaderboard_runs SET status = $1, attempts = attempts + 1, started_at = $2"
        " WHERE id = $3 AND (status = $4 OR (status = $1 AND started_at <= $5))"
        " RETURNING tenant_id, leaderboard_id, attempts",
        [RunStatus.PROCESSING.value, now, run_id, RunStatus.PENDING.value, stale],
    )
    if not rows:
        return None
    r = rows[0]
    return int(r["tenant_id"]), int(r["leaderboard_id"]), int(r["attempts"])


async def _snapshot(
    definition: BoardDefinition, run: RunView, attempt: int, clock: Callable[[], datetime]
) -> int:
    async with in_transaction() as conn:
        if not is_sqlite(conn):  # SQLite: one writer, and a transaction reads one snapshot
            await fetch("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ", [], conn)
        ranked = await _ranked(definition, run, conn)
        parts = await breakdowns(definition, run.period, [int(r["participant_id"]) for r in ranked])
        rank = RANK_COLUMN[definition.rank_mode]
        rows = [
            (
                run.tenant_id,
                run.id,
                position,
                int(r[rank]),
                int(r["participant_id"]),
                float(r["score"]),
                r["tie_key"],
                r["display_name"],
                r["avatar"],
                _breakdown(parts.get(int(r["participant_id"]), [])),
            )
            for position, r in enumerate(ranked)
        ]
        await _write(conn, rows)
        if definition.scope is not None:
            await _write_groups(conn, definition, run)
        done = await fetch(
            "UPDATE leaderboard_runs SET status = $1, row_count = $2, finished_at = $3,"
            " error = '' WHERE id = $4 AND status = $5 AND attempts = $6 RETURNING id",
            [
                RunStatus.COMPLETE.value,
                len(rows),
                clock(),
                run.id,
                RunStatus.PROCESSING.value,
                attempt,
            ],
            conn,
        )
        if not done:
            raise Superseded()
    return len(rows)


async def _ranked(
    definition: BoardDefinition, run: RunView, conn: BaseDBAsyncClient
) -> list[dict[str, Any]]:
    """The period's visible standings in board order, with their rank in every mode."""
    way = "DESC" if definition.higher_is_better else "ASC"
    places = f"ORDER BY s.score {way}, s.tie_key"
    limit = "" if run.max_entries is None else f" LIMIT {int(run.max_entries)}"
    return await fetch(
        "SELECT s.participant_id, s.score, s.tie_key,"
        " COALESCE(s.display_name, p.name) AS display_name,"
        " COALESCE(s.avatar, p.avatar_url) AS avatar,"
        f" RANK() OVER ({places}) AS competition, DENSE_RANK() OVER ({places}) AS dense,"
        f" ROW_NUMBER() OVER ({places}, s.participant_id) AS ordinal"
        " FROM standings s JOIN participants p ON p.id = s.participant_id"
        " WHERE s.leaderboard_id = $1 AND s.period = $2 AND NOT p.opted_out"
        f" {places}, s.participant_id{limit}",
        [definition.id, run.period],
        conn,
    )


def _breakdown(parts: list[PartView]) -> str:
    return json.dumps(
        [
            {
                "metric": p.metric.key,
                "value": p.value,
                "weight": p.metric.weight,
                "weighted": p.weighted,
                "events": p.events,
            }
            for p in parts
        ],
        separators=(",", ":"),
    )


async def _write(conn: BaseDBAsyncClient, rows: list[tuple[Any, ...]]) -> None:
    """The entries, set-wise: COPY on PostgreSQL, one executemany on SQLite."""
    if not rows:
        return
    if is_sqlite(conn):
        marks = ", ".join("?" * len(ENTRY_COLUMNS))
        await conn.execute_many(
            f"INSERT INTO run_entries ({', '.join(ENTRY_COLUMNS)}) VALUES ({marks})",
            [list(r) for r in rows],
        )
        return
    raw: Any = conn._connection  # the transaction's asyncpg connection
    await raw.copy_records_to_table("run_entries", records=rows, columns=list(ENTRY_COLUMNS))


async def _write_groups(conn: BaseDBAsyncClient, definition: BoardDefinition, run: RunView) -> None:
    """The period's visible standings ranked within each group of the board's scope they
    belong to now (in the run's transaction: the same snapshot as its entries), in its rank
    mode, the first ``max_entries`` of each group (from the standings, not the board's own
    top: a class none of whose pupils is in the school's top 1,000 is kept whole)."""
    way = "DESC" if definition.higher_is_better else "ASC"
    within = f"PARTITION BY m.group_id ORDER BY s.score {way}, s.tie_key"
    rank = {
        RankMode.COMPETITION: f"RANK() OVER ({within})",
        RankMode.DENSE: f"DENSE_RANK() OVER ({within})",
        RankMode.ORDINAL: f"ROW_NUMBER() OVER ({within}, s.participant_id)",
    }[definition.rank_mode]
    cap = "" if run.max_entries is None else f" WHERE x.position < {int(run.max_entries)}"
    await execute(
        "INSERT INTO run_group_entries (tenant_id, run_id, group_id, position, rank,"
        " participant_id, score, tie_key, display_name, avatar)"
        " SELECT x.tenant_id, x.run_id, x.group_id, x.position, x.rank, x.participant_id,"
        " x.score, x.tie_key, x.display_name, x.avatar FROM ("
        f"  SELECT s.tenant_id, {int(run.id)} AS run_id, m.group_id,"
        f"  ROW_NUMBER() OVER ({within}, s.participant_id) - 1 AS position, {rank} AS rank,"
        "  s.participant_id, s.score, s.tie_key,"
        "  COALESCE(s.display_name, p.name) AS display_name,"
        "  COALESCE(s.avatar, p.avatar_url) AS avatar"
        "  FROM standings s JOIN participants p ON p.id = s.participant_id"
        "  JOIN group_members m ON m.participant_id = s.participant_id"
        "  JOIN groups g ON g.id = m.group_id AND g.tenant_id = $1 AND g.kind = $2"
        "  WHERE s.leaderboard_id = $3 AND s.period = $4 AND NOT p.opted_out"
        f") x{cap}",
        [run.tenant_id, definition.scope, definition.id, run.period],
        conn,
    )


async def _fail(run_id: int, attempt: int, reason: str, now: datetime) -> None:
    await fetch(
        "UPDATE leaderboard_runs SET status = $1, error = $2, finished_at = $3"
        " WHERE id = $4 AND status = $5 AND attempts = $6",
        [RunStatus.FAILED.value, reason[:2000], now, run_id, RunStatus.PROCESSING.value, attempt],
    )


async def _announce(deps: Deps, run: RunView) -> None:
    event = {"kind": "run", "id": run.id, "status": run.status.value, "period": run.period}
    try:
        await deps.store.publish_event(run.tenant_id, run.leaderboard, event)
    except Unavailable:  # the run is stored; only the live announcement is lost
        log.warning("could not announce run %s", run.id)
