"""The benchmark's knobs, read once from ``BENCH_*`` environment variables."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = ROOT / "bench" / "results"
DATABASE_NAME = "ranked_bench"
# The benchmark's API key: RANKED_ADMIN_TOKEN of the servers it starts (an admin key of
# the default tenant), sent by every client. Loopback only, on a database of its own.
BENCH_KEY = "rks_benchmark-key-on-loopback-only-0000000000000"
AUTHORIZATION = {"authorization": f"Bearer {BENCH_KEY}"}
# The live-subscription scenarios (bench/live.py): every change to anyone, changes to the
# subscriber's own participant only ("my rank"), and the top 10; ":split": the same with the
# changes made on a second server, so they reach the subscribers' server through Redis.
LIVE_SCENARIOS = (
    "rankChanged",
    "rankChanged:own",
    "leaderboardTop",
    "rankChanged:split",
    "leaderboardTop:split",
)


@dataclass(frozen=True, slots=True)
class BenchConfig:
    """Where the services are and how hard and long to push them."""

    postgres_admin_url: str
    redis_url: str
    redis_prefix: str
    participants: int
    seconds: float
    warmup: float
    concurrency: int
    max_samples: int
    live: LiveConfig
    ingest_batch: int = 1_000  # events per recordScores call
    ingest_concurrency: int = 4  # recordScores calls in flight
    rebuild_processes: tuple[int, ...] = (1, 2)  # API processes of the rebuild scenarios
    run_participants: int = 100_000  # the board of the run that keeps every entry

    @property
    def database_url(self) -> str:
        """The admin URL pointed at the benchmark's own database."""
        parts = urlsplit(self.postgres_admin_url)
        return urlunsplit(parts._replace(path=f"/{DATABASE_NAME}"))


@dataclass(frozen=True, slots=True)
class LiveConfig:
    """The live-subscription scenarios (``bench.live``)."""

    scenarios: tuple[str, ...]
    subscribers: int  # websocket connections, one subscription each
    processes: int  # subscriber processes sharing them
    seconds: float  # how long the driver changes scores
    change_rate: float  # changes/s while rankChanged subscribers listen
    top_rate: float  # changes/s (a target) while leaderboardTop subscribers listen
    driver_concurrency: int  # adjustPoints calls in flight at most


def _number(name: str, default: float) -> float:
    raw = os.environ.get(name, "")
    value = float(raw) if raw.strip() else default
    if value <= 0:
        raise SystemExit(f"{name} must be positive, not {raw!r}")
    return value


def load_config() -> BenchConfig:
    """The configuration from the environment; every variable has a default."""
    prefix = os.environ.get("BENCH_REDIS_PREFIX", "rankedbench")
    if not prefix or prefix == "ranked":
        raise SystemExit("BENCH_REDIS_PREFIX must name a dedicated prefix (not 'ranked')")
    return BenchConfig(
        postgres_admin_url=os.environ.get(
            "BENCH_POSTGRES_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres"
        ),
        redis_url=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0"),
        redis_prefix=prefix,
        participants=int(_number("BENCH_PARTICIPANTS", 1_000_000)),
        seconds=_number("BENCH_SECONDS", 10.0),
        warmup=_number("BENCH_WARMUP", 2.0),
        concurrency=int(_number("BENCH_CONCURRENCY", 50)),
        max_samples=int(_number("BENCH_MAX_SAMPLES", 1_000_000)),
        ingest_batch=int(_number("BENCH_INGEST_BATCH", 1_000)),
        ingest_concurrency=int(_number("BENCH_INGEST_CONCURRENCY", 4)),
        live=_live_config(),
        rebuild_processes=_counts("BENCH_REBUILD_PROCESSES", "1,2"),
        run_participants=int(_number("BENCH_RUN_PARTICIPANTS", 100_000)),
    )


def _counts(name: str, default: str) -> tuple[int, ...]:
    """A comma-separated list of positive integers (empty: none)."""
    raw = os.environ.get(name, default)
    try:
        counts = tuple(int(v) for v in raw.split(",") if v.strip())
    except ValueError:
        raise SystemExit(f"{name} must list positive integers, not {raw!r}") from None
    if any(c < 1 for c in counts):
        raise SystemExit(f"{name} must list positive integers, not {raw!r}")
    return counts


def _live_config() -> LiveConfig:
    raw = os.environ.get("BENCH_LIVE_SCENARIOS", ",".join(LIVE_SCENARIOS))
    scenarios = tuple(name.strip() for name in raw.split(",") if name.strip())
    unknown = [name for name in scenarios if name not in LIVE_SCENARIOS]
    if unknown:
        known = ", ".join(LIVE_SCENARIOS)
        raise SystemExit(f"BENCH_LIVE_SCENARIOS: unknown {', '.join(unknown)}; known: {known}")
    return LiveConfig(
        scenarios=scenarios,
        subscribers=int(_number("BENCH_LIVE_SUBSCRIBERS", 1_000)),
        processes=int(_number("BENCH_LIVE_PROCESSES", 2)),
        seconds=_number("BENCH_LIVE_SECONDS", 10.0),
        change_rate=_number("BENCH_LIVE_CHANGE_RATE", 100.0),
        top_rate=_number("BENCH_LIVE_TOP_RATE", 1_000.0),
        driver_concurrency=int(_number("BENCH_LIVE_DRIVER_CONCURRENCY", 10)),
    )
