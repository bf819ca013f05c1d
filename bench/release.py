"""Redis memory before and after past periods' rankings are released (seed 002).

1. ``ranked_bench_release``: migrate, seed ``BENCH_RELEASE_PARTICIPANTS`` (20,000) and a
   DAILY board ``daily`` (the points board's definition) with a standing for everyone in
   each of the ``BENCH_RELEASE_DAYS`` (30) days before today and today, and a COMPLETE
   scheduled run of each past day (its run row: the release looks at its status).
2. Every one of those rankings is built in Redis (``rebuild_board``, as the keeper does for
   a current one): what a process that kept every period would hold.
3. ``ranked release`` (what the worker does hourly). Measured: the ``MEMORY USAGE`` of the
   board's keys before and after, and how many rankings remain. The bound it is compared
   with: one period's share (before / periods), what only the current period costs.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta

import asyncpg
from redis.asyncio import Redis

from app.connections import redis_client
from app.ranking.keys import BoardRef
from app.ranking.rebuild import rebuild_board
from app.ranking.store import RankingStore
from bench.archive import _copy_board
from bench.config import RESULTS_DIR, ROOT, BenchConfig, load_config
from bench.console import say
from bench.service import run_ranked, service_env
from bench.stores import BenchError, recreate_database

DATABASE = "ranked_bench_release"


@dataclass(frozen=True, slots=True)
class ReleaseMeasurement:
    periods: int  # rankings in Redis before
    members: int  # members of each
    before_bytes: int
    after_bytes: int
    remaining: int  # rankings in Redis after

    @property
    def ratio(self) -> float:
        """After, against one period's share of before (1.0: only the current one left)."""
        share = self.before_bytes / self.periods if self.periods else 0
        return round(self.after_bytes / share, 3) if share else 0.0


def _sizes() -> tuple[int, int]:
    return (
        int(os.environ.get("BENCH_RELEASE_PARTICIPANTS", "20000")),
        int(os.environ.get("BENCH_RELEASE_DAYS", "30")),
    )


async def measure_release(config: BenchConfig) -> ReleaseMeasurement:
    participants, days = _sizes()
    url = config.database_url.rsplit("/", 1)[0] + "/" + DATABASE
    await recreate_database(config.postgres_admin_url, DATABASE)
    env = {**service_env(config), "DATABASE_URL": url}
    await run_ranked(["migrate"], env)
    await run_ranked(["seed", "--participants", "1000", "--seed", "3"], env)
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    conn = await asyncpg.connect(url)
    try:
        board = await _school_days(conn, today, days, participants)
    finally:
        await conn.close()
    periods = [(today - timedelta(days=d)).strftime("%Y-%m-%d") for d in range(days, -1, -1)]
    refs = [BoardRef(1, board, "daily", p) for p in periods]
    redis = redis_client(config.redis_url)
    try:
        store = RankingStore(redis, config.redis_prefix)
        say(f"release: building {len(refs)} daily rankings of {participants:,} in Redis")
        await _build(url, store, refs)
        before = await _usage(redis, store, refs)
        done = await run_ranked(["release"], env, capture=True)
        if re.search(r"released \d+ ranking", done.stdout) is None:
            raise BenchError(f"ranked release said {done.stdout!r}")
        after = await _usage(redis, store, refs)
        remaining = sum([await store.is_ready(b) for b in refs])
    finally:
        await redis.aclose()
    found = ReleaseMeasurement(len(refs), participants, before, after, remaining)
    say(f"release: {before / 1e6:,.1f} MB before, {after / 1e6:,.1f} MB after ({remaining} left)")
    return found


async def _school_days(
    conn: asyncpg.Connection, today: datetime, days: int, participants: int
) -> int:
    """Participants, the DAILY board, a standing of each in each day, a COMPLETE run of
    each past day; returns the board's id."""
    now = datetime.now(UTC)
    await conn.execute(
        "INSERT INTO participants (tenant_id, name, address, participant_type, avatar_url,"
        " opted_out, metadata, created_at, updated_at)"
        " SELECT 1, 'P' || n, '', 'individual', '', false, '{}', $2, $2"
        " FROM generate_series((SELECT count(*) FROM participants) + 1, $1) n",
        participants,
        now,
    )
    board = await _copy_board(conn)
    await conn.execute(
        "INSERT INTO standings (tenant_id, leaderboard_id, participant_id, period, score,"
        " tie_key, version, updated_at)"
        " SELECT 1, $1, p.id, to_char($2::timestamptz - make_interval(days => d), 'YYYY-MM-DD'),"
        " (p.id * 7919 + d) % 10007, '', 1, $3 FROM participants p, generate_series(0, $4) d",
        board,
        today,
        now,
        days,
    )
    await conn.execute(
        "INSERT INTO leaderboard_runs (tenant_id, leaderboard_id, period, period_start,"
        " period_end, status, trigger, schedule_key, max_entries, row_count, error, attempts,"
        " created_at, started_at, finished_at)"
        " SELECT 1, $1, to_char(s, 'YYYY-MM-DD'), s, s + interval '1 day', 'COMPLETE',"
        " 'SCHEDULE', to_char(s, 'YYYY-MM-DD'), NULL, 0, '', 1, s + interval '1 day 2 min',"
        " s + interval '1 day 2 min', s + interval '1 day 2 min 1 s'"
        " FROM generate_series($2::timestamptz - make_interval(days => $3), $2 - interval"
        " '1 day', interval '1 day') s",
        board,
        today,
        days,
    )
    await conn.execute("ANALYZE")
    return board


async def _build(url: str, store: RankingStore, refs: list[BoardRef]) -> None:
    """Each ranking built in Redis from the database, as the keeper builds a current one."""
    from tortoise import Tortoise

    from app.db import tortoise_config

    await Tortoise.init(config=tortoise_config(url))
    try:
        for board in refs:
            await rebuild_board(store, board, batch=5000, fresh=True, lock_seconds=60)
    finally:
        await Tortoise.close_connections()


async def _usage(redis: Redis, store: RankingStore, refs: list[BoardRef]) -> int:
    """Bytes the rankings' keys take in Redis (``MEMORY USAGE``, every element sampled)."""
    total = 0
    for board in refs:
        k = store.keys(board)
        for key in (k.scores, k.versions, k.ties, k.levels, k.ready, k.gone):
            total += int(await redis.memory_usage(key, samples=0) or 0)
    return total


def release_table(m: ReleaseMeasurement) -> list[str]:
    return [
        "Redis memory of past periods (limit: one period's share of before, same run)",
        f"  {m.periods} daily rankings of {m.members:,}: {m.before_bytes / 1e6:,.1f} MB before"
        f" `ranked release`, {m.after_bytes / 1e6:,.1f} MB after ({m.remaining} left);"
        f" after / one period's share: {m.ratio:.3f}x",
    ]


def main() -> None:
    """``python -m bench.release``: this part of ``make bench`` alone."""
    config = load_config()
    try:
        measured = asyncio.run(measure_release(config))
    except BenchError as exc:
        raise SystemExit(f"bench: {exc}") from None
    print("\n".join(release_table(measured)))
    path = RESULTS_DIR / "release-latest.json"
    path.write_text(json.dumps({**asdict(measured), "ratio": measured.ratio}, indent=2))
    print(f"results: {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
