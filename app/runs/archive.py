"""Archiving (seed 002's "linear archiving", without its faults): runs past their retention
(``app.runs.retention``) move from the live tables to ``archived_runs`` and
``archived_run_entries``, labelled with the academic year and term they fell in when the
tenant defines terms.

Moved, not marked: each batch is one transaction that copies whole runs with their entries
and deletes them from the live tables, so a run is in exactly one place at every commit. A
process killed mid-batch leaves that batch as it was (the transaction is rolled back) and
the batches before it done; running again carries on from there. Runs still PENDING or
PROCESSING are never moved. The copy keeps every id: a run is archived at most once (its
primary key), and ``history`` reads both tables as one (``app.runs.service``).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from app.db import execute, fetch, is_sqlite, timestamp
from app.deps import Deps
from app.leaderboards.models import CalendarPeriod, TimeWindow
from app.runs import partitions
from app.runs.models import RunStatus
from app.runs.retention import cutoffs
from app.tenancy.models import Tenant
from app.tenancy.tenant_settings import parse_settings

log = logging.getLogger(__name__)

RUN_COLUMNS = (
    "id, tenant_id, leaderboard_id, period, period_start, period_end, status, trigger,"
    " schedule_key, max_entries, row_count, error, attempts, created_at, started_at, finished_at"
)
ENTRY_COLUMNS = (
    "id, tenant_id, run_id, position, rank, participant_id, score, tie_key, display_name,"
    " avatar, breakdown"
)
GROUP_ENTRY_COLUMNS = (
    "id, tenant_id, run_id, group_id, position, rank, participant_id, score, tie_key,"
    " display_name, avatar"
)
CANDIDATES_PER_QUERY = 1_000  # runs looked at per batch, at most


@dataclass(frozen=True, slots=True)
class Term:
    key: str
    starts_at: datetime
    ends_at: datetime
    academic_year: str


@dataclass(frozen=True, slots=True)
class Archived:
    runs: int = 0
    entries: int = 0
    batches: int = 0
    more: bool = False  # stopped at its time budget: runs may still be due
    dropped: tuple[str, ...] = ()  # the live partitions it emptied, dropped (PostgreSQL)

    def __add__(self, other: Archived) -> Archived:
        return Archived(
            self.runs + other.runs,
            self.entries + other.entries,
            self.batches + other.batches,
            self.more or other.more,
            self.dropped + other.dropped,
        )


async def archive_due_runs(
    deps: Deps, now: datetime, *, batch_rows: int | None = None, budget: float | None = None
) -> Archived:
    """Move every run past its tenant's retention at ``now`` to the archive, in batches of
    about ``batch_rows`` entries (``RANKED_ARCHIVE_BATCH_ROWS``), one transaction each.
    With a ``budget`` (seconds), no batch begins after it is spent (one always does): the
    result says there may be ``more`` (the worker's job then queues its continuation).
    Live partitions it emptied are dropped after (``app.runs.partitions``)."""
    batch = batch_rows or deps.settings.archive_batch_rows
    deadline = None if budget is None else time.monotonic() + budget
    total = Archived()
    for tenant in await Tenant.all().order_by("id"):
        moved = await _archive_tenant(deps, tenant, now, batch, deadline)
        if moved.runs:
            log.info(
                "tenant %s: %s run(s), %s entries archived", tenant.id, moved.runs, moved.entries
            )
            await deps.keeper.touch(tenant.id)  # cached reads of its runs are out of date
        total += moved
        if moved.more:
            break
    if total.runs:
        try:  # the batches are committed: a drop that fails waits for the next archive
            total += Archived(dropped=(await partitions.drop_emptied()).dropped)
        except Exception:
            log.exception("could not drop the emptied snapshot partitions")
    return total


async def _archive_tenant(
    deps: Deps, tenant: Tenant, now: datetime, batch: int, deadline: float | None
) -> Archived:
    own = parse_settings(tenant.settings)
    start_month = own.academic_year_start_month or deps.settings.academic_year_start_month
    terms = await tenant_terms(tenant.id, start_month)
    moved = Archived()
    for window, cutoff in cutoffs(deps.settings, own, now).items():
        while done := await _archive_batch(tenant.id, window, cutoff, terms, now, batch):
            moved += done
            if deadline is not None and time.monotonic() >= deadline:  # after one, at least
                return moved + Archived(more=True)
    return moved


async def tenant_terms(tenant_id: int, start_month: int) -> list[Term]:
    """The tenant's TERM calendar periods, each with the academic year it belongs to: the
    school year (beginning in ``start_month``) holding the term's middle, so a term that
    begins on the evening before in UTC is not counted in the year before."""
    found = await CalendarPeriod.filter(tenant_id=tenant_id, kind=TimeWindow.TERM).order_by(
        "starts_at"
    )
    terms = []
    for p in found:
        middle = p.starts_at + (p.ends_at - p.starts_at) / 2
        year = middle.year if middle.month >= start_month else middle.year - 1
        label = f"{year}-{year + 1}" if start_month > 1 else str(year)
        terms.append(Term(p.key, p.starts_at, p.ends_at, label))
    return terms


def term_of(terms: list[Term], at: datetime) -> Term | None:
    """The term holding the instant ``at`` (the latest-starting one if terms overlap)."""
    holding = [t for t in terms if t.starts_at <= at < t.ends_at]
    return holding[-1] if holding else None


async def _archive_batch(
    tenant_id: int,
    window: TimeWindow,
    cutoff: datetime,
    terms: list[Term],
    now: datetime,
    batch_rows: int,
) -> Archived | None:
    """One batch of the tenant's runs of ``window`` whose period ended before ``cutoff``,
    moved in one transaction; None when there is none left."""
    async with in_transaction() as conn:
        lock = "" if is_sqlite(conn) else " FOR UPDATE OF r"  # SQLite: one writer at a time
        found = await fetch(
            "SELECT r.id, r.row_count, r.period_start, r.created_at FROM leaderboard_runs r"
            " JOIN leaderboards l ON l.id = r.leaderboard_id"
            " WHERE r.tenant_id = $1 AND l.time_window = $2 AND r.status IN ($3, $4)"
            f" AND COALESCE(r.period_end, r.created_at) < $5 ORDER BY r.id LIMIT $6{lock}",
            [
                tenant_id,
                window.value,
                RunStatus.COMPLETE.value,
                RunStatus.FAILED.value,
                cutoff,
                min(batch_rows, CANDIDATES_PER_QUERY),
            ],
            conn,
        )
        chosen: list[dict[str, Any]] = []
        rows = 0
        for run in found:  # whole runs, about batch_rows entries, at least one run
            if chosen and rows + int(run["row_count"]) > batch_rows:
                break
            chosen.append(run)
            rows += int(run["row_count"])
        if not chosen:
            return None
        entries = await _move(conn, chosen, terms, now)
    return Archived(len(chosen), entries, 1)


async def _move(
    conn: BaseDBAsyncClient, runs: list[dict[str, Any]], terms: list[Term], now: datetime
) -> int:
    """Copy the runs and their entries to the archive, label them, delete them from the live
    tables; returns the entries moved. Any surprise raises, and the batch is rolled back."""
    ids = [int(r["id"]) for r in runs]
    marks = ", ".join(f"${i + 1}" for i in range(len(ids)))
    at = f"${len(ids) + 1}"
    archived = await fetch(
        f"INSERT INTO archived_runs ({RUN_COLUMNS}, archived_at)"
        f" SELECT {RUN_COLUMNS}, {at} FROM leaderboard_runs WHERE id IN ({marks}) RETURNING id",
        [*ids, now],
        conn,
    )
    await _label(conn, runs, terms)
    copied = await fetch(
        f"INSERT INTO archived_run_entries ({ENTRY_COLUMNS})"
        f" SELECT {ENTRY_COLUMNS} FROM run_entries WHERE run_id IN ({marks}) RETURNING id",
        ids,
        conn,
    )
    grouped = await fetch(
        f"INSERT INTO archived_run_group_entries ({GROUP_ENTRY_COLUMNS})"
        f" SELECT {GROUP_ENTRY_COLUMNS} FROM run_group_entries WHERE run_id IN ({marks})"
        " RETURNING id",
        ids,
        conn,
    )
    ungrouped = await execute(f"DELETE FROM run_group_entries WHERE run_id IN ({marks})", ids, conn)
    deleted = await execute(f"DELETE FROM run_entries WHERE run_id IN ({marks})", ids, conn)
    gone = await execute(f"DELETE FROM leaderboard_runs WHERE id IN ({marks})", ids, conn)
    if not len(archived) == gone == len(ids) or (deleted, ungrouped) != (len(copied), len(grouped)):
        raise RuntimeError(f"runs {ids} changed while being archived")
    return len(copied)


async def _label(conn: BaseDBAsyncClient, runs: list[dict[str, Any]], terms: list[Term]) -> None:
    """Set each archived run's term and academic year: the term holding its period's start
    (its making, for a run of all time)."""
    by_term: dict[Term, list[int]] = {}
    for run in runs:
        start = run["period_start"] or run["created_at"]
        term = term_of(terms, timestamp(start))
        if term is not None:
            by_term.setdefault(term, []).append(int(run["id"]))
    for term, ids in by_term.items():
        marks = ", ".join(f"${i + 3}" for i in range(len(ids)))
        await execute(
            f"UPDATE archived_runs SET academic_year = $1, term = $2 WHERE id IN ({marks})",
            [term.academic_year, term.key, *ids],
            conn,
        )
