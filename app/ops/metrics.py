"""The service's Prometheus metrics (``/metrics``): every one is defined here, named
``ranked_*``, and recorded through the small functions below, so domain code never holds a
metric object and the label sets stay in one place.

Labels are bounded: an operation name comes from the client, so it is kept only when it is
a plain GraphQL name of at most 64 characters and one of the first
``RANKED_METRICS_MAX_OPERATIONS`` such names this process saw ("other" otherwise,
"anonymous" when there is none); every other label is a schema field, an error code, a
job's name or a fixed word.

Several processes (``ranked serve --workers N``, and the job worker of ``--worker``) share
one set of numbers through prometheus_client's multiprocess mode: each process writes its
values to files in ``PROMETHEUS_MULTIPROC_DIR`` and ``/metrics`` sums them up.
prometheus_client decides between memory and those files when it is first imported, so
this module imports it on first use: ``ranked serve`` sets the directory
(:func:`prepare_dir`) before anything records.
"""

from __future__ import annotations

import atexit
import functools
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from app.settings import Settings

if TYPE_CHECKING:
    from prometheus_client import Counter, Gauge, Histogram

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
OPERATION_NAME = re.compile(r"[_A-Za-z][_0-9A-Za-z]{0,63}")
ANONYMOUS, OTHER = "anonymous", "other"
# Latencies of GraphQL operations and jobs, in seconds: from a cached read to a long run.
SECONDS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 120.0, 600.0)


@dataclass(frozen=True, slots=True)
class _Metrics:
    operations: Counter
    operation_seconds: Histogram
    errors: Counter
    websockets: Gauge
    subscriptions: Gauge
    pubsub_received: Counter
    pubsub_published: Counter
    events: Counter
    jobs: Counter
    job_seconds: Histogram
    rebuilds: Counter
    rebuild_seconds: Histogram
    dirty_boards: Gauge
    result_cache: Counter


@functools.cache
def _metrics() -> _Metrics:
    from prometheus_client import Counter, Gauge, Histogram

    return _Metrics(
        operations=Counter(
            "ranked_graphql_operations",
            "GraphQL operations that ended, by operation name, type and outcome (ok or the"
            " first error's extensions.code).",
            ["operation", "type", "outcome"],
        ),
        operation_seconds=Histogram(
            "ranked_graphql_operation_seconds",
            "Time to answer a GraphQL query or mutation (parsing included).",
            ["operation", "type"],
            buckets=SECONDS,
        ),
        errors=Counter(
            "ranked_graphql_errors", "GraphQL errors sent, by extensions.code.", ["code"]
        ),
        websockets=Gauge(
            "ranked_websocket_connections",
            "Websocket connections open.",
            multiprocess_mode="livesum",
        ),
        subscriptions=Gauge(
            "ranked_subscriptions_active",
            "GraphQL subscriptions running, by subscription field.",
            ["field"],
            multiprocess_mode="livesum",
        ),
        pubsub_received=Counter(
            "ranked_pubsub_messages_received",
            "Messages the process's pub/sub listener received.",
        ),
        pubsub_published=Counter(
            "ranked_pubsub_messages_published",
            "Messages published to live subscribers (one per applied change of a ranking,"
            " and announcements).",
        ),
        events=Counter("ranked_score_events_recorded", "Score events recorded (new, not replays)."),
        jobs=Counter("ranked_job_runs", "Job executions, by job and status.", ["job", "status"]),
        job_seconds=Histogram(
            "ranked_job_seconds", "Duration of job executions.", ["job"], buckets=SECONDS
        ),
        rebuilds=Counter(
            "ranked_ranking_rebuilds",
            "Rankings rebuilt in Redis from the database, by kind (aside, in_place) and outcome.",
            ["kind", "outcome"],
        ),
        rebuild_seconds=Histogram(
            "ranked_ranking_rebuild_seconds",
            "Duration of ranking rebuilds.",
            ["kind"],
            buckets=SECONDS,
        ),
        dirty_boards=Gauge(
            "ranked_dirty_boards",
            "Leaderboards marked for repair (Redis missed a committed change), as last seen.",
            multiprocess_mode="livemostrecent",
        ),
        result_cache=Counter(
            "ranked_result_cache_lookups",
            "Lookups of the query result cache, by result (hit, miss).",
            ["result"],
        ),
    )


# -- recording -----------------------------------------------------------------------------


class _OperationNames:
    """The operation names this process reports: the first ``limit`` plain names seen."""

    def __init__(self) -> None:
        self.limit = 200
        self._seen: set[str] = set()

    def label(self, name: str | None) -> str:
        if not name:
            return ANONYMOUS
        if name in self._seen:
            return name
        if OPERATION_NAME.fullmatch(name) is None or len(self._seen) >= self.limit:
            return OTHER
        self._seen.add(name)
        return name

    def forget(self) -> None:
        self._seen.clear()

    def known(self, name: str | None) -> str:
        """The label of ``name`` without adding it to the names reported."""
        if not name:
            return ANONYMOUS
        return name if name in self._seen else OTHER


operation_names = _OperationNames()


def configure(settings: Settings) -> None:
    """Apply the settings of metrics (how many operation names a process reports)."""
    operation_names.limit = settings.metrics_max_operations
    operation_names.forget()


def operation_done(
    name: str | None, kind: str, outcome: str, seconds: float | None, *, admitted: bool = True
) -> None:
    """A GraphQL operation ended (``seconds``: None for a subscription, whose duration is
    how long the client listened, not a latency). Only an operation that was ``admitted``
    (it parsed, validated and its caller was allowed it) may add its name to those this
    process reports: anyone may send a request refused before that, under any name."""
    m = _metrics()
    label = operation_names.label(name) if admitted else operation_names.known(name)
    m.operations.labels(label, kind, outcome).inc()
    if seconds is not None:
        m.operation_seconds.labels(label, kind).observe(seconds)


def errors_sent(codes: list[str]) -> None:
    for code in codes:
        _metrics().errors.labels(code).inc()


def websocket_opened() -> None:
    _metrics().websockets.inc()


def websocket_closed() -> None:
    _metrics().websockets.dec()


def subscription_started(field: str) -> None:
    _metrics().subscriptions.labels(field).inc()


def subscription_ended(field: str) -> None:
    _metrics().subscriptions.labels(field).dec()


def pubsub_received() -> None:
    _metrics().pubsub_received.inc()


def pubsub_published(count: int = 1) -> None:
    if count > 0:
        _metrics().pubsub_published.inc(count)


def events_recorded(count: int) -> None:
    if count > 0:
        _metrics().events.inc(count)


def job_done(job: str, status: str, seconds: float) -> None:
    m = _metrics()
    m.jobs.labels(job, status).inc()
    m.job_seconds.labels(job).observe(seconds)


def rebuild_done(kind: str, outcome: str, seconds: float) -> None:
    m = _metrics()
    m.rebuilds.labels(kind, outcome).inc()
    m.rebuild_seconds.labels(kind).observe(seconds)


def dirty_boards(count: int) -> None:
    _metrics().dirty_boards.set(count)


def result_cache(hit: bool) -> None:
    _metrics().result_cache.labels("hit" if hit else "miss").inc()


# -- exposition and the multiprocess directory ---------------------------------------------


def render() -> bytes:
    """The metrics in Prometheus' text format: of every process sharing the directory in
    multiprocess mode, else of this process (with its process and runtime metrics)."""
    from prometheus_client import REGISTRY, CollectorRegistry, generate_latest, multiprocess, values

    _metrics()  # every metric appears, at zero, before its first use
    if values.ValueClass is not values.MutexValue:  # files: what prometheus_client chose
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry)
    return generate_latest(REGISTRY)


def serve_in_background(host: str, port: int) -> None:
    """Serve this process's metrics (those of every process sharing its directory, in
    multiprocess mode) over HTTP on ``host:port``, from a thread: a job worker started on
    its own has no API to answer ``/metrics``."""
    from prometheus_client import (
        REGISTRY,
        CollectorRegistry,
        multiprocess,
        start_http_server,
        values,
    )

    _metrics()
    registry = REGISTRY
    if values.ValueClass is not values.MutexValue:
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    start_http_server(port, addr=host, registry=registry)


def prepare_dir(settings: Settings) -> Path | None:
    """Before ``ranked serve`` starts any process: an empty directory for the processes'
    metrics (``RANKED_METRICS_DIR``, emptied of a previous server's files; else a new
    temporary one, removed at exit), exported as ``PROMETHEUS_MULTIPROC_DIR`` to every
    process started from here on. None (nothing done) with metrics off."""
    if not settings.metrics:
        return None
    if settings.metrics_dir is None:
        folder = Path(tempfile.mkdtemp(prefix="ranked-metrics-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
    else:
        folder = settings.metrics_dir
        folder.mkdir(parents=True, exist_ok=True)
        for stale in folder.glob("*.db"):
            stale.unlink(missing_ok=True)
    os.environ[MULTIPROC_ENV] = str(folder)
    return folder


def process_started() -> None:
    """In multiprocess mode, drop the live gauges of processes that died without saying so
    (a killed worker, restarted by uvicorn): their connections are gone with them."""
    folder = os.environ.get(MULTIPROC_ENV)
    if not folder:
        return
    from prometheus_client import multiprocess

    for path in Path(folder).glob("gauge_live*_*.db"):
        pid = path.stem.rsplit("_", 1)[-1]
        if pid.isdigit() and not _alive(int(pid)):
            multiprocess.mark_process_dead(int(pid), folder)  # type: ignore[no-untyped-call]


def process_stopping() -> None:
    """In multiprocess mode, this process's live gauges (connections, subscriptions) stop
    counting."""
    folder = os.environ.get(MULTIPROC_ENV)
    if folder:
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(os.getpid(), folder)  # type: ignore[no-untyped-call]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
