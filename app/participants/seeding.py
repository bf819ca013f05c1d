"""Bulk seeding: participants with random starting points, as events, in large batches.

PostgreSQL gets binary COPY (hundreds of thousands of rows a second); SQLite gets
``executemany``. Each batch is one transaction: participants, their ``seed`` score events
and their standings, then the batch's standings are projected into Redis.
"""

from __future__ import annotations

import contextlib
import json
import random
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from app.db import fetch, is_sqlite
from app.deps import Deps
from app.errors import Unavailable
from app.leaderboards.definition import BoardDefinition
from app.leaderboards.models import Aggregation
from app.leaderboards.service import POINTS, boards_fed_by, metric_id
from app.participants.factory import fake_people
from app.participants.views import ParticipantView
from app.ranking.keys import BoardRef
from app.ranking.store import Standing, version_at

PARTICIPANT_COLUMNS = (
    "id", "tenant_id", "name", "age", "address", "participant_type", "metadata",
    "created_at", "updated_at", "opted_out", "avatar_url",
)  # fmt: skip
EVENT_COLUMNS = (
    "id", "tenant_id", "participant_id", "metric_id", "value", "occurred_at", "source", "source_id",
    "action_type", "context", "created_at",
)  # fmt: skip
SEEDED_TABLES = ("participants", "score_events", "metric_aggregates", "standings")
AGGREGATE_COLUMNS = (
    "tenant_id", "leaderboard_id", "period", "participant_id", "metric_id", "count", "total",
    "minimum", "maximum", "last_value", "last_at", "last_event_id", "total_at", "maximum_at",
    "minimum_at",
)  # fmt: skip
STANDING_COLUMNS = (
    "tenant_id", "leaderboard_id", "period", "participant_id", "score", "tie_key", "version",
    "updated_at", "display_name", "avatar",
)  # fmt: skip


async def seed_participants(
    deps: Deps,
    tenant_id: int,
    count: int,
    *,
    max_points: int = 1000,
    batch: int = 10_000,
    seed: int | None = None,
    progress: Callable[[int], None] = lambda n: None,
) -> int:
    """Insert ``count`` fake participants with 0..``max_points`` points each."""
    points_metric = await metric_id(tenant_id, POINTS)
    fed = await boards_fed_by(tenant_id, points_metric)
    rnd = random.Random(seed)
    run = uuid.uuid4().hex[:12]
    people = fake_people(count, seed)
    done = 0
    touched: set[BoardRef] = set()
    while done < count:
        size = min(batch, count - done)
        chunk = [next(people) for _ in range(size)]
        points = [rnd.randint(0, max_points) for _ in range(size)]
        now = datetime.now(UTC)
        async with in_transaction() as conn:
            ids = await _reserve_ids(conn, "participants", size)
            await _insert(
                conn, "participants", PARTICIPANT_COLUMNS,
                [(i, tenant_id, p.name, p.age, p.address, "individual", "{}", now, now, False, "")
                 for i, p in zip(ids, chunk, strict=True)],
            )  # fmt: skip
            scored = [(i, float(v)) for i, v in zip(ids, points, strict=True) if v]
            event_ids = await _reserve_ids(conn, "score_events", len(scored))
            await _insert(
                conn, "score_events", EVENT_COLUMNS,
                [(e, tenant_id, i, points_metric, v, now, "seed", f"{run}:{i}", "seed", "{}", now)
                 for e, (i, v) in zip(event_ids, scored, strict=True)],
            )  # fmt: skip
            projections = []
            for board in fed:
                names = {i: p.name for i, p in zip(ids, chunk, strict=True)}
                rows = _board_rows(tenant_id, board, points_metric, names, scored, event_ids, now)
                if rows is None:
                    continue
                aggregates, standings = rows
                await _insert(conn, "metric_aggregates", AGGREGATE_COLUMNS, aggregates)
                await _insert(conn, "standings", STANDING_COLUMNS, standings)
                ref = board.ref(standings[0][2]) if standings else None
                if ref is not None:
                    projections.append((ref, [Standing(r[3], r[4], r[6], r[5]) for r in standings]))
        for ref, standing_list in projections:
            touched.add(ref)
            await deps.keeper.project(ref, standing_list, publish=False)
        done += size
        progress(size)
    if done:  # fresh statistics, or the planner misjudges a table it saw nearly empty; and a
        # visibility map, so counts of a ranking (rebuild fallbacks) read the index alone
        tables = ", ".join(SEEDED_TABLES)
        await fetch("ANALYZE" if is_sqlite() else f"VACUUM (ANALYZE) {tables}")
    for ref in touched:  # live dashboards re-read the whole ranking once, not a million changes
        with contextlib.suppress(Unavailable):
            await deps.store.announce_reset(ref)
    return done


def _board_rows(
    tenant_id: int,
    board: BoardDefinition,
    metric: int,
    names: dict[int, str],
    scored: list[tuple[int, float]],
    event_ids: list[int],
    now: datetime,
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]] | None:
    """Aggregate and standing rows of a seeded batch on one board (None: not ranked there).
    Seeded participants are new ``individual`` participants without metadata, scored now."""
    period = board.period_at(now)
    newcomer = ParticipantView(0, None, "", None, "", "individual", {}, now, now)
    weight = board.weight_of(metric)
    if period is None or weight is None or not board.entry_filter.admits(newcomer, now):
        return None
    aggregates = [
        (tenant_id, board.id, period.key, i, metric, 1, v, v, v, v, now, e, now, now, now)
        for e, (i, v) in zip(event_ids, scored, strict=True)
    ]
    # One event each: every aggregation of it is its value, except a count, which is 1.
    count = weight.aggregation == Aggregation.COUNT
    values = {i: 1.0 if count else v for i, v in scored}
    scores = {i: weight.weight * value + 0.0 for i, value in values.items()}
    ties = board.tie_break
    fallback = values if ties.metric_id == metric else {}
    reached = now if weight.weight else None
    everyone = board.key == POINTS  # the points board ranks participants from creation on
    if not weight.weight and not everyone:  # a metric of weight 0 is tracked, not ranked
        return aggregates, []
    standings = [
        (tenant_id, board.id, period.key, i, scores.get(i, 0.0),
         ties.key(fallback.get(i), reached if i in scores else None), version_at(now), now,
         names[i], "")
        for i in (list(names) if everyone else [i for i, _ in scored])
    ]  # fmt: skip
    return aggregates, standings


async def _reserve_ids(conn: BaseDBAsyncClient, table: str, size: int) -> list[int]:
    if size == 0:
        return []
    if is_sqlite(conn):
        rows = await fetch(f"SELECT COALESCE(MAX(id), 0) AS top FROM {table}", [], conn)
        top = int(rows[0]["top"])
        return list(range(top + 1, top + size + 1))
    rows = await fetch(
        f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) AS id"
        " FROM generate_series(1, $1)",
        [size],
        conn,
    )
    return [int(r["id"]) for r in rows]


async def _insert(
    conn: BaseDBAsyncClient, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]
) -> None:
    if not rows:
        return
    if is_sqlite(conn):
        marks = ", ".join("?" * len(columns))
        await conn.execute_many(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",
            [[_sqlite_value(v) for v in r] for r in rows],
        )
        return
    raw: Any = conn._connection  # the transaction's asyncpg connection
    await raw.copy_records_to_table(table, records=rows, columns=list(columns))


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat(" ")
    if isinstance(value, dict):
        return json.dumps(value)
    return value
