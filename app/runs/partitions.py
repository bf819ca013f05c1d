"""Partitions of the snapshot tables on PostgreSQL (issue 13): ``run_entries``,
``run_group_entries`` and their archives, partitioned by RANGE on ``run_id``.

Why the run, not seed 002's tenant and month: every read of a snapshot names its run (a
page of a run, a participant's rank in the runs of a history), so a range of run ids prunes
to one partition with no extra column or predicate; run ids are issued in time order, so a
range is a stretch of time; and the run is what the archive moves, so a live range empties
as its runs are archived. Tenants are many and very uneven (a class of 30 beside a school
of 500,000): a partition per tenant and month would be thousands of mostly tiny tables
whose planning cost every query pays, while tenant isolation is kept by ``tenant_id`` in
every query and index, not by tables.

Ranges are ``RANKED_PARTITION_RUNS`` run ids wide (``<table>_p<first id>``; the migration's
``<table>_p0`` holds every id before the first), and a DEFAULT partition takes any run id no
range holds yet, so a write never fails for want of one. The worker keeps at least one whole
range ahead of the runs' sequence (hourly; the migration leaves 10,000 run ids of room);
rows that reached DEFAULT
first are moved into their range as it is created, in that transaction. Ranges are dropped
only through the archive path (:func:`drop_emptied`): a live range whose every run id was
issued, with no run left in it and not one row. The archives' ranges stay: the archive is
kept. SQLite keeps plain tables: nothing here runs there.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from app.db import execute, fetch, is_sqlite

log = logging.getLogger(__name__)

LIVE = ("run_entries", "run_group_entries")
ARCHIVE = ("archived_run_entries", "archived_run_group_entries")
TABLES = LIVE + ARCHIVE
RUN_IDS = "leaderboard_runs_id_seq"  # live and archived runs share these ids
LOCK = 0x13_0002  # pg_advisory_xact_lock: one maintainer of partitions at a time
_BOUND = re.compile(r"FROM \((MINVALUE|'(-?\d+)')\) TO \((MAXVALUE|'(-?\d+)')\)")


@dataclass(frozen=True, slots=True)
class Range:
    table: str
    name: str
    low: int | None  # None: from the lowest value
    high: int | None  # None: the DEFAULT partition (or to the highest value)
    default: bool = False


@dataclass(frozen=True, slots=True)
class Maintained:
    created: tuple[str, ...] = ()
    dropped: tuple[str, ...] = ()
    drained: int = 0  # rows moved out of a DEFAULT partition into their new range


async def ranges(table: str, conn: BaseDBAsyncClient | None = None) -> list[Range]:
    """The partitions of ``table``, lowest range first, DEFAULT last."""
    rows = await fetch(
        "SELECT c.relname AS name, pg_get_expr(c.relpartbound, c.oid) AS bound"
        " FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
        " WHERE i.inhparent = $1::regclass",
        [table],
        conn,
    )
    found = []
    for row in rows:
        bound = _BOUND.search(row["bound"])
        if bound is None:  # "DEFAULT"
            found.append(Range(table, row["name"], None, None, default=True))
            continue
        low, high = (None if v is None else int(v) for v in (bound[2], bound[4]))
        found.append(Range(table, row["name"], low, high))
    return sorted(found, key=lambda r: (r.default, r.low is not None, r.low or 0))


async def _last_run_id(conn: BaseDBAsyncClient) -> int:
    return int((await fetch(f"SELECT last_value FROM {RUN_IDS}", (), conn))[0]["last_value"])


async def prepare_ahead(width: int) -> Maintained:
    """Create the ranges that keep every table at least ``width`` run ids ahead of the last
    one issued, all four tables alike; rows that reached a DEFAULT partition meanwhile move
    into their range in the same transaction. Safe to run anywhere, any number at once."""
    async with in_transaction() as conn:
        if is_sqlite(conn):
            return Maintained()
        await fetch("SELECT pg_advisory_xact_lock($1)", [LOCK], conn)
        target = await _last_run_id(conn) + width
        top = max([r.high or 0 for t in TABLES for r in await ranges(t, conn) if not r.default])
        created: list[str] = []
        drained = 0
        while top < target:
            for table in TABLES:
                name, moved = await _create(conn, table, top, top + width)
                created.append(name)
                drained += moved
            top += width
    if drained:
        log.warning("%s snapshot row(s) had reached a DEFAULT partition: moved", drained)
    return Maintained(created=tuple(created), drained=drained)


async def _create(conn: BaseDBAsyncClient, table: str, low: int, high: int) -> tuple[str, int]:
    """The range [low, high) of ``table``: a table of its columns that takes the rows
    DEFAULT holds in that range, then attached (which builds its keys and indexes)."""
    name = f"{table}_p{low}"
    # No row may reach DEFAULT between the move and the attach (which would then fail).
    await execute(f'LOCK TABLE "{table}_default" IN SHARE ROW EXCLUSIVE MODE', (), conn)
    await execute(f'CREATE TABLE "{name}" (LIKE "{table}" INCLUDING DEFAULTS)', (), conn)
    moved = await fetch(
        f'WITH moved AS (DELETE FROM "{table}_default" WHERE run_id >= $1 AND run_id < $2'
        f' RETURNING *), kept AS (INSERT INTO "{name}" SELECT * FROM moved RETURNING 1)'
        " SELECT count(*) AS n FROM kept",
        [low, high],
        conn,
    )
    await execute(
        f'ALTER TABLE "{table}" ATTACH PARTITION "{name}" FOR VALUES FROM ({low}) TO ({high})',
        (),
        conn,
    )
    return name, int(moved[0]["n"])


async def drop_emptied() -> Maintained:
    """Drop the live ranges the archive emptied: every run id in them issued, no run left
    with one, and not one row. The archive path calls this after it moved runs."""
    async with in_transaction() as conn:
        if is_sqlite(conn):
            return Maintained()
        await fetch("SELECT pg_advisory_xact_lock($1)", [LOCK], conn)
        # DROP locks the parent: give up rather than queue every reader behind a long one.
        await execute("SET LOCAL lock_timeout = '5s'", (), conn)
        last = await _last_run_id(conn)
        dropped = []
        for table in LIVE:
            for part in await ranges(table, conn):
                if part.default or part.high is None or part.high > last:
                    continue  # DEFAULT, or run ids still to come
                if await _holds_runs(conn, part) or await _holds_rows(conn, part.name):
                    continue
                await execute(f'DROP TABLE "{part.name}"', (), conn)
                dropped.append(part.name)
    if dropped:
        log.info("dropped emptied snapshot partition(s): %s", ", ".join(dropped))
    return Maintained(dropped=tuple(dropped))


async def _holds_runs(conn: BaseDBAsyncClient, part: Range) -> bool:
    low = -(2**63) if part.low is None else part.low
    found = await fetch(
        "SELECT 1 FROM leaderboard_runs WHERE id >= $1 AND id < $2 LIMIT 1",
        [low, part.high],
        conn,
    )
    return bool(found)


async def _holds_rows(conn: BaseDBAsyncClient, name: str) -> bool:
    return bool(await fetch(f'SELECT 1 FROM "{name}" LIMIT 1', (), conn))


async def describe() -> list[str]:
    """One line per partition: its range and its rows (an estimate past 10,000)."""
    if is_sqlite():
        return ["SQLite: plain tables, no partitions"]
    lines = []
    for table in TABLES:
        for part in await ranges(table):
            rows = await _rows(part.name)
            span = "DEFAULT" if part.default else f"[{part.low or '-inf'}, {part.high})"
            lines.append(f"{part.name}: run ids {span}, {rows} row(s)")
    return lines


async def _rows(name: str) -> str:
    estimate = await fetch("SELECT reltuples::bigint AS n FROM pg_class WHERE relname = $1", [name])
    if estimate and int(estimate[0]["n"]) > 10_000:
        return f"~{int(estimate[0]['n'])}"
    return str((await fetch(f'SELECT count(*) AS n FROM "{name}"'))[0]["n"])
