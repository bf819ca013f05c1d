"""Trends, read from the calendar's runs: the one SCHEDULE run each closed period of a board
gets (``app.runs.schedule``), live or archived alike. A participant's rank and score period
by period, and a board's movers and leaders over its latest periods: the standings each
period closed with, as they were shown then, whatever changed since.

A participant missing from a period's run (no score then, or below the run's ``maxEntries``)
has no rank in that period, and no movement into or out of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.db import fetch, timestamp
from app.errors import BadUserInput
from app.runs.models import RunStatus, RunTrigger
from app.runs.service import ALL_RUNS, ENDED_AT

MAX_PERIODS = 1_000  # of one participant's trend
MAX_BOARD_PERIODS = 100  # of a board's trends
MAX_TOP = 100
# The live and the archived entries, read as one (a run's are in one of them).
ALL_ENTRIES = (
    "(SELECT run_id, participant_id, rank, score, display_name FROM run_entries"
    " UNION ALL SELECT run_id, participant_id, rank, score, display_name"
    " FROM archived_run_entries)"
)


def entries_of(group_id: int | None) -> str:
    """The entries trends read: the runs' own, or (a group of a scoped board) the group's,
    ranked within it as it was when each run was made."""
    if group_id is None:
        return ALL_ENTRIES
    columns = "run_id, participant_id, rank, score, display_name"
    only = f"WHERE group_id = {int(group_id)}"
    return (
        f"(SELECT {columns} FROM run_group_entries {only}"
        f" UNION ALL SELECT {columns} FROM archived_run_group_entries {only})"
    )


@dataclass(frozen=True, slots=True)
class TrendPeriod:
    run_id: int
    period: str
    period_start: datetime | None
    period_end: datetime | None


@dataclass(frozen=True, slots=True)
class TrendPoint:
    period: TrendPeriod
    rank: int | None  # None: not among the period's entries
    score: float | None
    movement: int | None  # places gained since the period before (negative: lost)


@dataclass(frozen=True, slots=True)
class Mover:
    participant_id: int
    display_name: str  # as the latest period showed it
    from_rank: int
    to_rank: int
    from_score: float
    to_score: float

    @property
    def change(self) -> int:
        return self.from_rank - self.to_rank


@dataclass(frozen=True, slots=True)
class Leader:
    participant_id: int
    display_name: str  # as the latest period they led in showed it
    periods: int  # periods closed within the top
    best_rank: int


@dataclass(frozen=True, slots=True)
class BoardTrends:
    periods: list[TrendPeriod]  # oldest first
    risers: list[Mover]  # most places gained from the first period to the last, first
    fallers: list[Mover]  # most places lost, first
    leaders: list[Leader]  # most periods within the top, first


async def participant_trend(
    tenant_id: int,
    board_key: str,
    participant_id: int,
    since: datetime | None,
    until: datetime | None,
    last: int,
    group_id: int | None = None,
) -> list[TrendPoint]:
    """The participant in the board's latest ``last`` closed periods that ended in
    [since, until), oldest first (a chart's order). The first one's movement is from the
    period before it, in the range or not."""
    _check(last, MAX_PERIODS, "last")
    # Not bounded below by `since`: the period before the first shown gives its movement.
    condition, values = _periods(tenant_id, board_key, None, until)
    rows = await fetch(
        f"SELECT r.id, r.period, r.period_start, r.period_end, r.created_at, e.rank, e.score"
        f" FROM {ALL_RUNS} r JOIN leaderboards l ON l.id = r.leaderboard_id"
        f" LEFT JOIN {entries_of(group_id)} e ON e.run_id = r.id"
        f" AND e.participant_id = ${len(values) + 1}"
        f" WHERE {condition} ORDER BY {ENDED_AT} DESC, r.id DESC LIMIT {last + 1}",
        [*values, participant_id],
    )
    points: list[TrendPoint] = []
    before: int | None = None
    for row in reversed(rows):
        rank = row["rank"]
        movement = before - rank if before is not None and rank is not None else None
        before = rank
        if since is None or timestamp(row["period_end"] or row["created_at"]) >= since:
            points.append(TrendPoint(_period(row), rank, row["score"], movement))
    return points[-last:]


async def board_trends(
    tenant_id: int,
    board_key: str,
    periods: int,
    top: int,
    first: int,
    group_id: int | None = None,
) -> BoardTrends:
    """Over the board's latest ``periods`` closed periods: who climbed and who fell most
    from the first to the last (``first`` of each), and who closed most periods within the
    ``top`` places."""
    _check(periods, MAX_BOARD_PERIODS, "periods")
    _check(top, MAX_TOP, "top")
    condition, values = _periods(tenant_id, board_key, None, None)
    rows = await fetch(
        f"SELECT r.id, r.period, r.period_start, r.period_end"
        f" FROM {ALL_RUNS} r JOIN leaderboards l ON l.id = r.leaderboard_id"
        f" WHERE {condition} ORDER BY {ENDED_AT} DESC, r.id DESC LIMIT {periods}",
        values,
    )
    shown = [_period(r) for r in reversed(rows)]
    if not shown:
        return BoardTrends([], [], [], [])
    oldest, newest = shown[0].run_id, shown[-1].run_id
    entries = entries_of(group_id)
    moved = await _movers(entries, oldest, newest, first, "DESC") if len(shown) > 1 else []
    fell = await _movers(entries, oldest, newest, first, "ASC") if len(shown) > 1 else []
    return BoardTrends(
        shown,
        [m for m in moved if m.change > 0],
        [m for m in fell if m.change < 0],
        await _leaders(entries, [p.run_id for p in shown], top, first),
    )


async def _movers(entries: str, oldest: int, newest: int, first: int, order: str) -> list[Mover]:
    """Those in both runs, by places gained (``DESC``: most first; ``ASC``: most lost)."""
    rows = await fetch(
        f"SELECT a.participant_id, b.display_name, a.rank AS from_rank, b.rank AS to_rank,"
        f" a.score AS from_score, b.score AS to_score FROM {entries} a"
        f" JOIN {entries} b ON b.participant_id = a.participant_id AND b.run_id = $2"
        f" WHERE a.run_id = $1"
        f" ORDER BY a.rank - b.rank {order}, b.rank, a.participant_id LIMIT {int(first)}",
        [oldest, newest],
    )
    return [Mover(**r) for r in rows]


async def _leaders(entries: str, run_ids: list[int], top: int, first: int) -> list[Leader]:
    marks = ", ".join(f"${i + 2}" for i in range(len(run_ids)))
    rows = await fetch(
        f"SELECT run_id, participant_id, rank, display_name FROM {entries} e"
        f" WHERE e.rank <= $1 AND e.run_id IN ({marks})",
        [top, *run_ids],
    )
    order = {run_id: i for i, run_id in enumerate(run_ids)}
    seen: dict[int, dict[str, Any]] = {}
    for row in sorted(rows, key=lambda r: order[r["run_id"]]):  # the latest name wins
        held = seen.setdefault(row["participant_id"], {"periods": 0, "best": row["rank"]})
        held["periods"] += 1
        held["best"] = min(held["best"], row["rank"])
        held["name"] = row["display_name"]
    leaders = [Leader(pid, h["name"], h["periods"], h["best"]) for pid, h in seen.items()]
    leaders.sort(key=lambda x: (-x.periods, x.best_rank, x.participant_id))
    return leaders[:first]


def _periods(
    tenant_id: int, board_key: str, since: datetime | None, until: datetime | None
) -> tuple[str, list[Any]]:
    """The board's closed periods (their COMPLETE scheduled runs) ended in [since, until)."""
    condition = "r.tenant_id = $1 AND l.key = $2 AND r.trigger = $3 AND r.status = $4"
    values: list[Any] = [tenant_id, board_key, RunTrigger.SCHEDULE.value, RunStatus.COMPLETE.value]
    if since is not None:
        values.append(since)
        condition += f" AND {ENDED_AT} >= ${len(values)}"
    if until is not None:
        values.append(until)
        condition += f" AND {ENDED_AT} < ${len(values)}"
    return condition, values


def _period(row: dict[str, Any]) -> TrendPeriod:
    return TrendPeriod(
        int(row["id"]),
        row["period"],
        timestamp(row["period_start"]),
        timestamp(row["period_end"]),
    )


def _check(value: int, most: int, field: str) -> None:
    if not 1 <= value <= most:
        raise BadUserInput(f"{field} must be 1..{most}.", field=field)
