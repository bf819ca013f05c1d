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
from app.leaderboards.service import POINTS, active_boards, boards_fed_by, metric_id
from app.participants.factory import fake_people
from app.ranking.store import Standing

PARTICIPANT_COLUMNS = (
    "id", "tenant_id", "name", "age", "address", "participant_type", "metadata",
    "created_at", "updated_at",
)  # fmt: skip
EVENT_COLUMNS = (
    "tenant_id", "participant_id", "metric_id", "value", "occurred_at", "source", "source_id",
    "action_type", "context", "created_at",
)  # fmt: skip
STANDING_COLUMNS = (
    "tenant_id", "leaderboard_id", "period", "participant_id", "score", "version", "updated_at",
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
    boards = await active_boards(tenant_id)
    rnd = random.Random(seed)
    run = uuid.uuid4().hex[:12]
    people = fake_people(count, seed)
    done = 0
    while done < count:
        size = min(batch, count - done)
        chunk = [next(people) for _ in range(size)]
        points = [rnd.randint(0, max_points) for _ in range(size)]
        now = datetime.now(UTC)
        async with in_transaction() as conn:
            ids = await _reserve_ids(conn, size)
            await _insert(
                conn, "participants", PARTICIPANT_COLUMNS,
                [(i, tenant_id, p.name, p.age, p.address, "individual", "{}", now, now)
                 for i, p in zip(ids, chunk, strict=True)],
            )  # fmt: skip
            await _insert(
                conn, "score_events", EVENT_COLUMNS,
                [(tenant_id, i, points_metric, float(v), now, "seed", f"{run}:{i}", "seed", "{}",
                  now) for i, v in zip(ids, points, strict=True) if v],
            )  # fmt: skip
            fed = dict(await boards_fed_by(tenant_id, points_metric, conn))
            await _insert(
                conn, "standings", STANDING_COLUMNS,
                [(tenant_id, b.leaderboard_id, b.period, i, fed.get(b, 0.0) * v, 1, now)
                 for b in boards for i, v in zip(ids, points, strict=True)],
            )  # fmt: skip
        for b in boards:
            scores = (fed.get(b, 0.0) * v for v in points)
            await deps.keeper.project(
                b, [Standing(i, s, 1) for i, s in zip(ids, scores, strict=True)], publish=False
            )
        done += size
        progress(size)
    for b in boards:  # live dashboards re-read the whole ranking once, not a million changes
        with contextlib.suppress(Unavailable):
            await deps.store.announce_reset(b)
    return done


async def _reserve_ids(conn: BaseDBAsyncClient, size: int) -> list[int]:
    if is_sqlite(conn):
        rows = await fetch("SELECT COALESCE(MAX(id), 0) AS top FROM participants", [], conn)
        top = int(rows[0]["top"])
        return list(range(top + 1, top + size + 1))
    rows = await fetch(
        "SELECT nextval(pg_get_serial_sequence('participants', 'id')) AS id"
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
