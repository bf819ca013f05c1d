"""A participant's score events: the audit trail behind its scores."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from app.db import fetch, timestamp


@dataclass(frozen=True, slots=True)
class EventView:
    id: int
    metric: str
    value: float
    occurred_at: datetime
    source: str
    source_id: str
    action_type: str
    context: dict[str, Any]


async def score_history(
    tenant_id: int,
    participant_id: int,
    metric_id: int | None,
    since: datetime | None,
    until: datetime | None,
    first: int,
) -> list[EventView]:
    """The participant's events (of one metric, if given) with ``since <= occurredAt <
    until``, newest first, at most ``first``. Uses the (participant, occurred_at) index."""
    conditions = ["e.tenant_id = $1", "e.participant_id = $2"]
    values: list[Any] = [tenant_id, participant_id]
    for clause, value in (
        ("e.metric_id = ${}", metric_id),
        ("e.occurred_at >= ${}", since.astimezone(UTC) if since else None),
        ("e.occurred_at < ${}", until.astimezone(UTC) if until else None),
    ):
        if value is not None:
            values.append(value)
            conditions.append(clause.format(len(values)))
    values.append(first)
    rows = await fetch(
        "SELECT e.id, m.key AS metric, e.value, e.occurred_at, e.source, e.source_id,"
        " e.action_type, e.context FROM score_events e JOIN metrics m ON m.id = e.metric_id"
        f" WHERE {' AND '.join(conditions)} ORDER BY e.occurred_at DESC, e.id DESC"
        f" LIMIT ${len(values)}",
        values,
    )
    return [_view(r) for r in rows]


def _view(row: dict[str, Any]) -> EventView:
    at, context = row["occurred_at"], row["context"]
    return EventView(
        id=int(row["id"]),
        metric=row["metric"],
        value=float(row["value"]),
        occurred_at=timestamp(at),
        source=row["source"],
        source_id=row["source_id"],
        action_type=row["action_type"],
        context=json.loads(context) if isinstance(context, str) else context,
    )
