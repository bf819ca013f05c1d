"""What a composite score is made of: each metric's aggregate and weighted part."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from app.leaderboards.definition import BoardDefinition, MetricWeight
from app.scoring.aggregates import aggregate_value, aggregates_of


@dataclass(frozen=True, slots=True)
class PartView:
    metric: MetricWeight
    value: float  # the metric's aggregate over the period (0 without events)
    weighted: float  # weight x value
    events: int


async def breakdowns(
    definition: BoardDefinition, period: str, pids: Sequence[int]
) -> dict[int, list[PartView]]:
    """Per participant, one part per metric of the board, in display order. One query."""
    rows = await aggregates_of(definition.id, period, pids)
    found = {(int(r["participant_id"]), int(r["metric_id"])): r for r in rows}
    out: dict[int, list[PartView]] = {}
    for pid in pids:
        parts = []
        for m in definition.metrics:
            row = found.get((pid, m.metric_id))
            value = aggregate_value(m.aggregation, row) if row is not None else 0.0
            count = int(row["count"]) if row is not None else 0
            parts.append(PartView(m, value, m.weight * value + 0.0, count))
        out[pid] = parts
    return out
