"""Per-metric aggregates and the composite scores computed from them.

A board's score for a participant in a period is ``sum(weight x aggregate)`` over the
board's metrics; its tie key (``app.leaderboards.ties``) comes from the same aggregates.
Aggregates are updated set-wise for a whole batch of events (one upsert per chunk, never one
per event), and every aggregation stays exact without rescanning events.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from app.db import fetch
from app.leaderboards.definition import BoardDefinition, MetricWeight
from app.leaderboards.models import Aggregation
from app.leaderboards.ties import reached_at, score_reached

ROWS_PER_STATEMENT = 2_000  # keeps every statement under the drivers' parameter limits

AGGREGATE_COLUMNS = (
    "tenant_id, leaderboard_id, period, participant_id, metric_id, count, total, minimum,"
    " maximum, last_value, last_at, last_event_id, total_at, maximum_at, minimum_at"
)
AGGREGATE_WIDTH = 15
_NEWER = (
    "(excluded.last_at > metric_aggregates.last_at OR (excluded.last_at ="
    " metric_aggregates.last_at AND excluded.last_event_id > metric_aggregates.last_event_id))"
)
RETURNED = (
    "leaderboard_id, period, participant_id, metric_id, count, total, minimum, maximum,"
    " last_value, last_at, total_at, maximum_at, minimum_at"
)
UPSERT_AGGREGATES_TAIL = (
    " ON CONFLICT (leaderboard_id, period, participant_id, metric_id) DO UPDATE SET"
    " count = metric_aggregates.count + excluded.count,"
    " total = metric_aggregates.total + excluded.total,"
    " minimum = CASE WHEN excluded.minimum < metric_aggregates.minimum"
    "  THEN excluded.minimum ELSE metric_aggregates.minimum END,"
    " maximum = CASE WHEN excluded.maximum > metric_aggregates.maximum"
    "  THEN excluded.maximum ELSE metric_aggregates.maximum END,"
    f" last_value = CASE WHEN {_NEWER} THEN excluded.last_value"
    "  ELSE metric_aggregates.last_value END,"
    f" last_at = CASE WHEN {_NEWER} THEN excluded.last_at ELSE metric_aggregates.last_at END,"
    f" last_event_id = CASE WHEN {_NEWER} THEN excluded.last_event_id"
    "  ELSE metric_aggregates.last_event_id END,"
    " total_at = CASE WHEN metric_aggregates.total_at IS NULL"
    "  OR excluded.total_at > metric_aggregates.total_at"
    "  THEN excluded.total_at ELSE metric_aggregates.total_at END,"
    " maximum_at = CASE WHEN excluded.maximum > metric_aggregates.maximum"
    "  OR (excluded.maximum = metric_aggregates.maximum"
    "   AND excluded.maximum_at < metric_aggregates.maximum_at)"
    "  THEN excluded.maximum_at ELSE metric_aggregates.maximum_at END,"
    " minimum_at = CASE WHEN excluded.minimum < metric_aggregates.minimum"
    "  OR (excluded.minimum = metric_aggregates.minimum"
    "   AND excluded.minimum_at < metric_aggregates.minimum_at)"
    "  THEN excluded.minimum_at ELSE metric_aggregates.minimum_at END"
    f" RETURNING {RETURNED}"
)

# (board id, period, participant id, metric id)
AggregateKey = tuple[int, str, int, int]
# (board id, period, participant id)
StandingKey = tuple[int, str, int]


@dataclass(slots=True)
class Aggregate:
    """Running aggregate of one metric; ``merge`` folds another one (or one event) in.
    The ``*_at`` fields say when the value was reached (see ``app.leaderboards.ties``)."""

    count: int
    total: float
    minimum: float
    maximum: float
    last_value: float
    last_at: datetime
    last_event_id: int
    total_at: datetime | None  # the latest non-zero event
    maximum_at: datetime  # the earliest event of the maximum
    minimum_at: datetime  # the earliest event of the minimum

    @classmethod
    def of_event(cls, value: float, at: datetime, event_id: int) -> Aggregate:
        return cls(1, value, value, value, value, at, event_id, at if value else None, at, at)

    def merge(self, other: Aggregate) -> None:
        self.count += other.count
        self.total += other.total
        if other.total_at is not None and (self.total_at is None or other.total_at > self.total_at):
            self.total_at = other.total_at
        if (other.minimum, other.minimum_at) < (self.minimum, self.minimum_at):
            self.minimum, self.minimum_at = other.minimum, other.minimum_at
        if (-other.maximum, other.maximum_at) < (-self.maximum, self.maximum_at):
            self.maximum, self.maximum_at = other.maximum, other.maximum_at
        if (other.last_at, other.last_event_id) > (self.last_at, self.last_event_id):
            self.last_value, self.last_at = other.last_value, other.last_at
            self.last_event_id = other.last_event_id

    def row(self) -> dict[str, Any]:
        """As the database returns it."""
        return {
            "count": self.count, "total": self.total, "minimum": self.minimum,
            "maximum": self.maximum, "last_value": self.last_value, "last_at": self.last_at,
            "total_at": self.total_at, "maximum_at": self.maximum_at,
            "minimum_at": self.minimum_at,
        }  # fmt: skip


def aggregate_value(aggregation: Aggregation, row: Mapping[str, Any]) -> float:
    """The value of an aggregate row under ``aggregation``."""
    if aggregation == Aggregation.SUM:
        return float(row["total"])
    if aggregation == Aggregation.COUNT:
        return float(row["count"])
    if aggregation == Aggregation.MAX:
        return float(row["maximum"])
    if aggregation == Aggregation.MIN:
        return float(row["minimum"])
    if aggregation == Aggregation.AVG:
        return float(row["total"]) / int(row["count"])
    return float(row["last_value"])


def composite(metrics: Sequence[MetricWeight], by_metric: dict[int, float]) -> float:
    """``sum(weight x aggregate)``; metrics without events count 0."""
    return sum(m.weight * by_metric.get(m.metric_id, 0.0) for m in metrics) + 0.0


def standing_of(
    definition: BoardDefinition, rows: Mapping[int, Mapping[str, Any]]
) -> tuple[float, str] | None:
    """Score and tie key of a participant, from its aggregate rows (by metric id); None when
    none of them counts (only metrics of weight 0, which are tracked, not ranked)."""
    if not any(m.weight != 0 and m.metric_id in rows for m in definition.metrics):
        return None
    values = {
        m.metric_id: aggregate_value(m.aggregation, rows[m.metric_id])
        for m in definition.metrics
        if m.metric_id in rows
    }
    score = composite(definition.metrics, values)
    tie_break = definition.tie_break
    if not tie_break.active:
        return score, ""
    reached = score_reached(
        [reached_at(m.aggregation, rows[m.metric_id])
         for m in definition.metrics if m.weight != 0 and m.metric_id in rows]
    )  # fmt: skip
    fallback = values.get(tie_break.metric_id) if tie_break.metric_id is not None else None
    return score, tie_break.key(fallback, reached)


async def upsert_aggregates(
    tenant_id: int, changes: dict[AggregateKey, Aggregate], conn: BaseDBAsyncClient
) -> list[dict[str, Any]]:
    """Fold ``changes`` into the stored aggregates; returns the new rows."""
    out: list[dict[str, Any]] = []
    items = sorted(changes.items())  # one lock order for every writer: no deadlocks
    for start in range(0, len(items), ROWS_PER_STATEMENT):
        chunk = items[start : start + ROWS_PER_STATEMENT]
        values: list[Any] = []
        for (board_id, period, pid, metric_id), a in chunk:
            values += [tenant_id, board_id, period, pid, metric_id, a.count, a.total, a.minimum,
                       a.maximum, a.last_value, a.last_at, a.last_event_id, a.total_at,
                       a.maximum_at, a.minimum_at]  # fmt: skip
        out += await fetch(
            f"INSERT INTO metric_aggregates ({AGGREGATE_COLUMNS})"
            f" VALUES {_rows(len(chunk), AGGREGATE_WIDTH)}" + UPSERT_AGGREGATES_TAIL,
            values,
            conn,
        )
    return out


# Above this many participants, one read of the whole period beats reads by participant.
WHOLE_PERIOD = 10_000


async def aggregates_of(
    board_id: int, period: str, pids: Iterable[int], conn: BaseDBAsyncClient | None = None
) -> list[dict[str, Any]]:
    """Every metric's aggregate of these participants on one board in one period (of
    others too, when asked for so many that reading the whole period is cheaper)."""
    ids = sorted(set(pids))
    if len(ids) > WHOLE_PERIOD:
        return await fetch(
            f"SELECT {RETURNED} FROM metric_aggregates WHERE leaderboard_id = $1 AND period = $2",
            [board_id, period],
            conn,
        )
    rows: list[dict[str, Any]] = []
    for start in range(0, len(ids), ROWS_PER_STATEMENT):
        chunk = ids[start : start + ROWS_PER_STATEMENT]
        marks = ", ".join(f"${i + 3}" for i in range(len(chunk)))
        rows += await fetch(
            f"SELECT {RETURNED} FROM metric_aggregates WHERE leaderboard_id = $1 AND period = $2"
            f" AND participant_id IN ({marks})",
            [board_id, period, *chunk],
            conn,
        )
    return rows


async def composite_scores(
    definition: BoardDefinition,
    touched: dict[StandingKey, dict[int, dict[str, Any]]],
    conn: BaseDBAsyncClient,
) -> dict[StandingKey, tuple[float, str] | None]:
    """Scores and tie keys of the touched standings of one board (None: not ranked, see
    :func:`standing_of`). ``touched`` holds the aggregate rows the caller already has; the
    board's other metrics are read when it has more than one."""
    if len(definition.metrics) > 1:  # the other metrics' aggregates
        by_period: dict[str, list[int]] = {}
        for _, period, pid in touched:
            by_period.setdefault(period, []).append(pid)
        for period, pids in by_period.items():
            for row in await aggregates_of(definition.id, period, pids, conn):
                key = (definition.id, period, int(row["participant_id"]))
                touched[key].setdefault(int(row["metric_id"]), row)
    return {key: standing_of(definition, rows) for key, rows in touched.items()}


def _rows(count: int, width: int, first: int = 1) -> str:
    """``($1, $2, ...), (...)``: placeholders for ``count`` rows of ``width`` values."""
    return ", ".join(
        "(" + ", ".join(f"${first + r * width + c}" for c in range(width)) + ")"
        for r in range(count)
    )
