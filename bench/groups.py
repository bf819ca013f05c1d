"""Boards scoped by class over a seeded school (seed 002), on a database of its own.

1. ``ranked_bench_groups``: migrate, seed 1,000 participants with ``ranked seed``, then grow
   the school set-wise in SQL to ``BENCH_GROUP_STUDENTS`` (500,000) with 1,000 classes, 20
   subjects and 3 campuses (each student in one class, two subjects, one campus: 2,000,000
   memberships) and a board ``by-class`` (the points board's definition, ``scope: CLASS``)
   with a standing for every student.
2. With ``ranked serve`` (the result cache off, so every request runs its queries), wrk,
   10 connections, 5 s each:
   - ``groupTop``: the top 100 of class ``c0500`` (500 students) with ids and names;
   - ``groupStandings``: the 1,000 classes ranked by the sum of their students' scores
     (the first 20), which reads every standing of the board.
   The limit of each: ``pgbench`` on the statement the server runs for it, same
   connections and time.
"""

from __future__ import annotations

import asyncio
import os
import time
from datetime import UTC, datetime

import asyncpg

from app.connections import redis_client
from app.participants.views import VIEW_FIELDS
from app.ranking.keys import BoardRef
from app.ranking.store import RankingStore
from bench.archive import (
    CONNECTIONS,
    SECONDS,
    ArchiveMeasurement,
    _copy_board,
    _pgbench,
    run_alone,
)
from bench.config import BenchConfig
from bench.console import say
from bench.service import ServerLog, run_ranked, service_env, serving
from bench.stores import BenchError, recreate_database
from bench.wrk import wrk

DATABASE = "ranked_bench_groups"
CLASSES, SUBJECTS, CAMPUSES = 1000, 20, 3
GROUP = "c0500"


def _students() -> int:
    return int(os.environ.get("BENCH_GROUP_STUDENTS", "500000"))


async def measure_groups(config: BenchConfig, log: ServerLog) -> list[ArchiveMeasurement]:
    students = _students()
    url = config.database_url.rsplit("/", 1)[0] + "/" + DATABASE
    await recreate_database(config.postgres_admin_url, DATABASE)
    env = {**service_env(config), "DATABASE_URL": url, "RANKED_RESULT_CACHE_SIZE": "0"}
    await run_ranked(["migrate"], env)
    await run_ranked(["seed", "--participants", "1000", "--seed", "3"], env)
    say(f"groups: {students:,} students in {CLASSES:,} classes, {SUBJECTS} subjects")
    conn = await asyncpg.connect(url)
    try:
        board, group = await _school(conn, students)
        statements = {
            "groupTop": await _top_sql(conn, board, group),
            "groupStandings": _standings_sql(board),
        }
    finally:
        await conn.close()
    result = []
    async with serving(env, log) as server:
        await _settled(config, board)
        for scenario, statement in statements.items():
            limit = await _pgbench(url, statement)
            async with wrk(
                server.base_url,
                scenario,
                participants=0,
                connections=CONNECTIONS,
                seconds=SECONDS,
                env={"BENCH_GROUP": GROUP},
            ) as run:
                found = await run.result()
            name = {
                "groupTop": f"top 100 of one class ({students // CLASSES} of {CLASSES:,} classes)",
                "groupStandings": f"groupStandings of {CLASSES:,} classes (first 20)",
            }[scenario]
            result.append(
                ArchiveMeasurement(
                    name,
                    found.requests,
                    found.seconds,
                    limit,
                    found.p50_ms,
                    found.p99_ms,
                    found.errors + found.socket_errors,
                )
            )
            say(f"{scenario}: {found.per_second:,.0f} req/s; pgbench {limit:,.0f} tps")
    return result


async def _settled(config: BenchConfig, board: int) -> None:
    """Wait until the server's keeper has built the whole board's ranking in Redis (it does
    on start): measured while it builds, the reads would share the CPU with the build."""
    redis = redis_client(config.redis_url)
    try:
        store = RankingStore(redis, config.redis_prefix)
        ref = BoardRef(1, board, "by-class", "all")
        deadline = time.monotonic() + 300
        while not await store.is_ready(ref):
            if time.monotonic() > deadline:
                raise BenchError("the by-class ranking was not built in 300 s")
            await asyncio.sleep(0.5)
    finally:
        await redis.aclose()


async def _school(conn: asyncpg.Connection, students: int) -> tuple[int, int]:
    """The students, groups, memberships and the scoped board; returns (board, c0500's id)."""
    now = datetime.now(UTC)
    await conn.execute(
        "INSERT INTO participants (tenant_id, name, address, participant_type, avatar_url,"
        " opted_out, metadata, created_at, updated_at)"
        " SELECT 1, 'Student ' || n, '', 'individual', '', false, '{}', $2, $2"
        " FROM generate_series((SELECT count(*) FROM participants) + 1, $1) n",
        students,
        now,
    )
    groups = [(f"c{i:04d}", "CLASS") for i in range(CLASSES)]
    groups += [(f"s{i:02d}", "SUBJECT") for i in range(SUBJECTS)]
    groups += [(f"campus{i}", "CAMPUS") for i in range(CAMPUSES)]
    await conn.executemany(
        "INSERT INTO groups (tenant_id, key, kind, name, created_at, updated_at)"
        " VALUES (1, $1, $2, $1, $3, $3)",
        [(key, kind, now) for key, kind in groups],
    )
    # Student n (by rank of id, from 0): class n % 1000, subjects n % 20 and (n + 7) % 20,
    # campus n % 3.
    for key in [
        "'c' || lpad((n % 1000)::text, 4, '0')",
        "'s' || lpad((n % 20)::text, 2, '0')",
        "'s' || lpad(((n + 7) % 20)::text, 2, '0')",
        "'campus' || (n % 3)",
    ]:
        await conn.execute(
            "INSERT INTO group_members (tenant_id, group_id, participant_id, created_at)"
            " SELECT 1, g.id, p.id, $1 FROM (SELECT id, row_number() OVER (ORDER BY id) - 1"
            f" AS n FROM participants) p JOIN groups g ON g.tenant_id = 1 AND g.key = {key}",
            now,
        )
    board = await _copy_board(conn, key="by-class", name="By class", window="ALL_TIME")
    await conn.execute("UPDATE leaderboards SET scope = 'CLASS' WHERE id = $1", board)
    await conn.execute(
        "INSERT INTO standings (tenant_id, leaderboard_id, participant_id, period, score,"
        " tie_key, version, updated_at)"
        " SELECT 1, $1, id, 'all', (id * 7919) % 10007, '', 1, $2 FROM participants",
        board,
        now,
    )
    await conn.execute("ANALYZE")
    group: int = await conn.fetchval("SELECT id FROM groups WHERE key = $1", GROUP)
    return board, group


async def _top_sql(conn: asyncpg.Connection, board: int, group: int) -> str:
    """What the server runs for a class's top 100: the page (101 rows: one more says more
    follow), then the page's participants by id."""
    page = (
        "SELECT participant_id, score, tie_key FROM standings WHERE leaderboard_id ="
        f" {board} AND period = 'all' AND participant_id IN (SELECT gm.participant_id FROM"
        f" group_members gm WHERE gm.group_id = {group}) ORDER BY score DESC, tie_key ASC,"
        " participant_id ASC LIMIT 101"
    )
    ids = [str(r["participant_id"]) for r in await conn.fetch(page)][:100]
    return (
        f"{page};\nSELECT {', '.join(VIEW_FIELDS)} FROM participants"
        f" WHERE tenant_id = 1 AND id IN ({', '.join(ids)});\n"
    )


def _standings_sql(board: int) -> str:
    return (
        'SELECT g.id, g."key", t.score, RANK() OVER (ORDER BY t.score DESC) AS place FROM ('
        " SELECT m.group_id, SUM(standings.score) AS score, COUNT(*) AS members FROM"
        " group_members m JOIN groups gk ON gk.id = m.group_id AND gk.tenant_id = 1 AND"
        " gk.kind = 'CLASS' JOIN standings ON standings.participant_id = m.participant_id AND"
        f" standings.leaderboard_id = {board} AND standings.period = 'all'"
        " WHERE m.tenant_id = 1 GROUP BY m.group_id) t JOIN groups g ON g.id = t.group_id"
        ' ORDER BY place, g."key" LIMIT 21;\n'
    )


def main() -> None:
    """``python -m bench.groups``: this part of ``make bench`` alone."""
    run_alone(measure_groups, "groups")


if __name__ == "__main__":
    main()
