"""The results: ratios, the target check, the printed table and the JSON files."""

from __future__ import annotations

import json
import os
import platform
import subprocess
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from bench.archive import ArchiveMeasurement
from bench.config import ROOT, BenchConfig
from bench.driver import Measurement
from bench.live import LiveMeasurement
from bench.rebuild import RebuildMeasurement
from bench.release import ReleaseMeasurement, release_table
from bench.runs import RunMeasurement
from bench.service import ServerLog

RATIOS = (
    ("top100 / trivial", "top100", "trivial"),
    ("top100 / raw ZREVRANGE", "top100", "raw ZREVRANGE"),
    ("adjustPoints / raw ZINCRBY", "adjustPoints", "raw ZINCRBY"),
)
TARGET = ("top100 >= 0.5 x trivial", "top100 / trivial", 0.5)
# "writer": the second server of the live :split scenarios (a column only when one ran).
CPU_GROUPS = ("server", "writer", "postgres", "redis", "loadgen", "other")
WRITER = "writer"
# A load generator this busy may be what limits the rate; the row is flagged.
CLIENT_BOUND_PERCENT = 90.0
# Processes outside the benchmark this busy disturb the numbers; the run says so.
BUSY_MACHINE_PERCENT = 20.0
# All cores this busy: server, stores and load processes competed for CPU.
SATURATED_MACHINE = 0.95


@dataclass(frozen=True, slots=True)
class Seeding:
    participants: int
    migrate_seconds: float
    seed_seconds: float
    seed_cpu_seconds: float  # of the `ranked seed` process; the rest is waiting on I/O

    @property
    def participants_per_second(self) -> float:
        return self.participants / self.seed_seconds


@dataclass(frozen=True, slots=True)
class Run:
    """Everything one benchmark run found."""

    config: BenchConfig
    started: datetime
    seeding: Seeding
    ranking_ready_seconds: float
    measurements: list[Measurement]
    live: list[LiveMeasurement]
    server_log: ServerLog
    writer_log: ServerLog  # the live :split scenarios' second server
    load_before: tuple[float, float, float]  # load averages when the run began
    rebuilds: list[RebuildMeasurement]
    runs: list[RunMeasurement]
    archive: list[ArchiveMeasurement] = field(default_factory=list)
    release: ReleaseMeasurement | None = None


def ratios(measurements: Sequence[Measurement]) -> dict[str, float | None]:
    rate = {m.name: m.ops_per_second for m in measurements}
    result: dict[str, float | None] = {}
    for label, top, bottom in RATIOS:
        have = top in rate and rate.get(bottom)
        result[label] = round(rate[top] / rate[bottom], 4) if have else None
    return result


def _git(*args: str) -> str:
    try:
        done = subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=10, check=True
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return done.stdout.strip()


def to_json(run: Run) -> dict[str, Any]:
    found = ratios(run.measurements)
    target_ratio = found[TARGET[1]]
    config = asdict(run.config)
    del config["postgres_admin_url"]  # may carry a password
    config["window_seconds"] = config.pop("seconds")
    config["warmup_seconds"] = config.pop("warmup")
    return {
        "timestamp": run.started.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "git_commit": _git("rev-parse", "--short", "HEAD") or None,
        "git_dirty": bool(_git("status", "--porcelain")),
        "machine": {
            "cpu_count": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "load_average_before": run.load_before,
            "load_average_after": os.getloadavg(),
        },
        "config": config,
        "seeding": {
            **asdict(run.seeding),
            "participants_per_second": round(run.seeding.participants_per_second, 1),
        },
        "ranking_ready_seconds": round(run.ranking_ready_seconds, 2),
        "scenarios": [{**asdict(m), "client_bound": client_bound(m)} for m in run.measurements],
        "ratios": found,
        "live": [
            {
                **asdict(m),
                "errors": m.errors,
                "client_bound": live_client_bound(m),
                "machine_saturated": machine_saturated(m),
            }
            for m in run.live
        ],
        "rebuilds": [
            {**asdict(m), "errors": m.errors, "seconds_per_100k": round(m.seconds_per_100k, 2)}
            for m in run.rebuilds
        ],
        "runs": [
            {
                **asdict(m),
                "rows_per_second": round(m.rows_per_second, 1),
                "ratio_to_copy": m.ratio_to_copy,
            }
            for m in run.runs
        ],
        "archive": [
            {**asdict(m), "per_second": round(m.per_second, 1), "ratio": m.ratio}
            for m in run.archive
        ],
        "release": None
        if run.release is None
        else {**asdict(run.release), "ratio": run.release.ratio},
        "target": {
            "rule": TARGET[0],
            "ratio": target_ratio,
            "met": target_ratio is not None and target_ratio >= TARGET[2],
        },
        "server_log": {"lines": run.server_log.lines, "tail": list(run.server_log.tail)},
        "writer_log": {"lines": run.writer_log.lines, "tail": list(run.writer_log.tail)},
    }


def write_json(document: dict[str, Any], directory: Path, started: datetime) -> Path:
    """Write ``<UTC timestamp>.json`` and ``latest.json``; returns the former's path."""
    directory.mkdir(parents=True, exist_ok=True)
    text = json.dumps(document, indent=2) + "\n"
    path = directory / f"{started.strftime('%Y%m%dT%H%M%SZ')}.json"
    path.write_text(text)
    (directory / "latest.json").write_text(text)
    return path


def _number(value: float | None, digits: int) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def format_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """Plain-text columns: the first left-aligned, the rest right-aligned."""
    widths = [max(len(r[i]) for r in [headers, *rows]) for i in range(len(headers))]

    def line(cells: Sequence[str]) -> str:
        first = cells[0].ljust(widths[0])
        rest = (c.rjust(w) for c, w in zip(cells[1:], widths[1:], strict=True))
        return "  ".join([first, *rest]).rstrip()

    return [line(headers), line(["-" * w for w in widths]), *(line(r) for r in rows)]


def client_bound(m: Measurement) -> bool:
    return m.cpu_percent.get("loadgen", 0.0) >= CLIENT_BOUND_PERCENT


def busy_machine(m: Measurement | LiveMeasurement) -> bool:
    return m.cpu_percent.get("other", 0.0) >= BUSY_MACHINE_PERCENT


def _cpu_groups(run: Run) -> tuple[str, ...]:
    """The CPU columns: the writer's only when a :split scenario ran."""
    if any(m.split for m in run.live):
        return CPU_GROUPS
    return tuple(g for g in CPU_GROUPS if g != WRITER)


def _scenario_rows(measurements: Sequence[Measurement], groups: Sequence[str]) -> list[list[str]]:
    return [
        [
            m.name + (" *" if client_bound(m) else ""),
            _number(m.ops_per_second, 1),
            _number(m.p50_ms, 2),
            _number(m.p99_ms, 2),
            f"{m.errors:,}",
            *(_number(m.cpu_percent.get(g), 0) for g in groups),
        ]
        for m in measurements
    ]


def live_client_bound(m: LiveMeasurement) -> bool:
    """A subscriber or driver process used a whole core: it may be what limits the rates."""
    return m.busiest_loadgen_percent >= CLIENT_BOUND_PERCENT


def machine_saturated(m: LiveMeasurement) -> bool:
    """The machine's cores were all busy while driving (server, writer, stores, load)."""
    busy = sum(m.cpu_percent.get(g, 0.0) for g in CPU_GROUPS)
    return busy >= SATURATED_MACHINE * 100 * (os.cpu_count() or 1)


def _live_rows(live: Sequence[LiveMeasurement], groups: Sequence[str]) -> list[list[str]]:
    return [
        [
            f"live {m.name}" + (" *" if live_client_bound(m) else "")
            + (" !" if machine_saturated(m) else ""),
            _number(m.messages_per_second, 1),
            _number(m.latency_p50_ms, 2),
            _number(m.latency_p99_ms, 2),
            f"{m.errors:,}",
            *(_number(m.cpu_percent.get(g), 0) for g in groups),
        ]
        for m in live
    ]  # fmt: skip


def _count(value: int | None) -> str:
    return "-" if value is None else f"{value:,}"


def _per_subscriber(m: LiveMeasurement) -> float:
    """Messages per subscriber per second: leaderboardTop's pushes within the driving
    window; rankChanged's messages over driving and drain."""
    if m.pushes_per_subscriber_per_second is not None:
        return m.pushes_per_subscriber_per_second
    return m.messages / m.subscribers / (m.driving_seconds + m.drain_seconds)


def _push_cost_us(m: LiveMeasurement, http: Sequence[Measurement]) -> float | None:
    """Server CPU per message without the mutations' own: their cost per change is taken
    from the adjustPoints scenario of the same run (an estimate: that ran closed-loop). In
    a :split scenario the subscribers' server made no changes: all of its CPU counts."""
    if m.split:
        return m.server_cpu_us_per_message
    adjust = next((h for h in http if h.name == "adjustPoints" and h.ops_per_second), None)
    if adjust is None or not m.messages or "server" not in adjust.cpu_percent:
        return None
    per_change = adjust.cpu_percent["server"] / 100 / adjust.ops_per_second
    return max(0.0, m.server_cpu_seconds - m.changes * per_change) / m.messages * 1e6


def _live_tables(run: Run) -> list[str]:
    deliveries = [
        [
            m.name, _number(m.achieved_rate, 1), _number(m.target_rate, 0),
            _number(m.mutation_p99_ms, 1), f"{m.messages:,}", _number(_per_subscriber(m), 2),
            _count(m.expected), _count(m.delivered), _count(m.coalesced), _count(m.lost),
            _count(m.stale), f"{m.failed:,}",
            f"{m.drain_seconds:.1f}" + ("" if m.drained else " (gave up)"),
        ]
        for m in run.live
    ]  # fmt: skip
    split = any(m.split for m in run.live)
    writer_headers = ["writer cpu s", "writer%"] if split else []
    costs = [
        [
            m.name, _number(m.latency_p50_ms, 1), _number(m.latency_p99_ms, 1),
            _number(m.from_request_p99_ms, 1), _number(m.server_cpu_seconds, 1),
            _number(m.server_cpu_us_per_message, 0),
            _number(_push_cost_us(m, run.measurements), 0),
            _number(m.cpu_percent.get("server"), 0),
            *([_number(m.writer_cpu_seconds, 1), _number(m.cpu_percent.get(WRITER), 0)]
              if split else []),
            *(_number(m.cpu_percent.get(g), 0) for g in ("subscribers", "driver")),
            _number(m.busiest_loadgen_percent, 0),
        ]
        for m in run.live
    ]  # fmt: skip
    return [
        *format_table(
            ["scenario", "changes/s", "target", "mutation p99 ms", "messages", "msg/sub/s",
             "expected", "delivered", "coalesced", "lost", "stale", "failed", "drain s"],
            deliveries,
        ),
        "",
        *format_table(
            ["scenario", "p50 ms", "p99 ms", "p99 from request", "server cpu s", "us/msg",
             "us/msg w/o mutations", "server%", *writer_headers, "subscribers%", "driver%",
             "busiest process%"],
            costs,
        ),
    ]  # fmt: skip


def _live(run: Run) -> list[str]:
    cfg = run.config.live
    m = run.live[0]
    lines = [
        f"live subscriptions: {cfg.subscribers:,} websocket subscribers (graphql-transport-ws)"
        f" in {m.processes} processes, {cfg.seconds:g} s of adjustPoints changes each",
        "",
        *_live_tables(run),
        "(changes/s: committed by the driver (target: wanted); expected/delivered/coalesced/lost:",
        " changes due to / reaching subscribers, a message with merged = k delivering k, all of",
        " them coalesced; msg/sub/s: leaderboardTop pushes in the driving window, rankChanged",
        " messages over driving and drain; latencies: mutation response -> receipt, in ms;",
        " server cpu s: over driving and drain; us/msg: that / messages; w/o mutations: less",
        " the changes' cost per adjustPoints above (an estimate); busiest process: the busiest",
        " subscriber or driver process; cpu % of one core while driving)",
    ]
    if any(m.split for m in run.live):
        lines += [
            "(:split rows: the changes went to a second server, the writer, and reached the",
            " subscribers' server (server cpu s, us/msg, server%) through Redis pub/sub only;",
            " writer cpu s: the second server's over driving and drain)",
        ]
    for m in run.live:
        if m.writer_cpu_seconds is not None and m.changes:
            per_change = m.writer_cpu_seconds / m.changes * 1e6
            lines.append(f"{m.name}: the writer used {per_change:,.0f} us of CPU per change")
        if m.unmatched:
            lines.append(
                f"{m.name}: {m.unmatched:,} more messages of changes whose adjustPoints failed"
                " (timed out) but were committed all the same, or of late markers"
            )
        if m.pushes_per_subscriber_range is not None:
            low, high = m.pushes_per_subscriber_range
            lines.append(f"{m.name}: pushes per subscriber per second from {low:g} to {high:g}")
    return lines


def _error_lines(measurements: Sequence[Measurement]) -> list[str]:
    lines = []
    for m in measurements:
        for kind, count in m.error_kinds.items():
            lines.append(f"  {m.name}: {count:,} x {kind}")
        if m.errors_outside_window:
            lines.append(f"  {m.name}: {m.errors_outside_window:,} more errors in warm-up or tail")
    return lines


def _live_error_lines(live: Sequence[LiveMeasurement]) -> list[str]:
    lines = []
    for m in live:
        if m.lost:
            lines.append(f"  live {m.name}: {m.lost:,} changes never reached their subscribers")
        if m.stale:
            lines.append(f"  live {m.name}: {m.stale:,} subscribers did not get the final top")
        for kind, count in m.failures.items():
            lines.append(f"  live {m.name}: {count:,} subscriptions ended: {kind}")
        for kind, count in m.driver_errors.items():
            lines.append(f"  live {m.name}: {count:,} x adjustPoints {kind}")
    return lines


def _header(document: dict[str, Any], run: Run) -> list[str]:
    cfg, machine = run.config, document["machine"]
    commit = document["git_commit"] or "unknown commit"
    dirty = " (uncommitted changes)" if document["git_dirty"] else ""
    return [
        f"Ranked benchmark: {cfg.participants:,} participants, {cfg.concurrency} connections,"
        f" {cfg.seconds:g} s window after {cfg.warmup:g} s warm-up",
        f"commit {commit}{dirty}, {machine['cpu_count']} CPUs, Python {machine['python']},"
        f" load average {run.load_before[0]:.2f} before the run",
    ]


def _scenarios(run: Run) -> list[str]:
    groups = _cpu_groups(run)
    headers = ["scenario", "ops/s", "p50 ms", "p99 ms", "errors", *(f"{g}%" for g in groups)]
    rows = _scenario_rows(run.measurements, groups) + _live_rows(run.live, groups)
    lines = format_table(headers, rows)
    lines.append("(cpu: % of one core during the window; ops/s and latencies count successes only)")
    lines.append(
        f"(recordScores: one op is one call of {run.config.ingest_batch:,} events into a board of"
        " three weighted metrics; events/s = ops/s x that)"
    )
    if run.live:
        lines.append(
            "(live rows: ops/s = messages received by all subscribers together per second,"
            " p50/p99 = from the change's HTTP response to receipt (negative: the message came"
            " first); loadgen% = every load process)"
        )
    if WRITER in groups:
        lines.append("(writer%: the second server of the :split rows, which took their changes)")
    if any(client_bound(m) for m in run.measurements) or any(map(live_client_bound, run.live)):
        lines.append(
            f"* the load generator (in live rows: one of its processes) used"
            f" >= {CLIENT_BOUND_PERCENT:.0f}% of a core: the client may be what limits this rate"
        )
    if any(machine_saturated(m) for m in run.live):
        lines.append(
            f"! all cores were >= {SATURATED_MACHINE:.0%} busy: server, stores and load processes"
            " competed for CPU"
        )
    everything: list[Measurement | LiveMeasurement] = [*run.measurements, *run.live]
    disturbed = [m.name for m in everything if busy_machine(m)]
    if disturbed:
        lines += [
            f"warning: processes outside the benchmark (other%) used >= {BUSY_MACHINE_PERCENT:.0f}%"
            " of a core during:",
            f"  {', '.join(disturbed)}; rerun on a quiet machine before comparing runs",
        ]
    return lines


def _summary(document: dict[str, Any], run: Run) -> list[str]:
    seeding = run.seeding
    ratio_rows = [[k, _number(v, 3)] for k, v in document["ratios"].items()]
    return [
        f"seeding: {seeding.participants:,} participants in {seeding.seed_seconds:.1f} s"
        f" = {seeding.participants_per_second:,.0f} participants/s",
        f"  (the seed process computed for {seeding.seed_cpu_seconds:.1f} s of that;"
        f" migrate took {seeding.migrate_seconds:.1f} s)",
        f"ranking ready {run.ranking_ready_seconds:.1f} s after the server answered /health",
        "",
        *format_table(["ratio", "value"], ratio_rows),
        "",
        f"target: {TARGET[0]}: {'yes' if document['target']['met'] else 'no'}",
    ]


def _rebuilds(rebuilds: Sequence[RebuildMeasurement]) -> list[str]:
    headers = ["API processes", "rebuild s", "s per 100k", "reads/s", "reads p50/p99 ms",
               "writes/s", "writes p50/p99 ms", "errors"]  # fmt: skip
    rows = [
        [
            str(m.processes),
            f"{m.seconds:.1f}",
            f"{m.seconds_per_100k:.2f}",
            f"{m.reads.per_second:,.0f}",
            f"{m.reads.p50_ms:.0f} / {m.reads.p99_ms:.0f}",
            f"{m.writes.per_second:,.0f}",
            f"{m.writes.p50_ms:.0f} / {m.writes.p99_ms:.0f}",
            str(m.errors),
        ]
        for m in rebuilds
    ]
    readers, writers = rebuilds[0].reads.connections, rebuilds[0].writes.connections
    return [
        f"Rebuild after Redis lost the {rebuilds[0].members:,}-member ranking (wrk: {readers}"
        f" connections reading the top 100, {writers} writing adjustPoints, until ready again)",
        *format_table(headers, rows),
    ]


def _runs(runs: Sequence[RunMeasurement]) -> list[str]:
    headers = ["run", "participants", "rows", "run s", "request -> COMPLETE s", "rows/s",
               "raw COPY rows/s", "x raw COPY"]  # fmt: skip
    rows = [
        [
            m.name,
            f"{m.participants:,}",
            f"{m.rows:,}",
            f"{m.run_seconds:.2f}",
            f"{m.request_seconds:.2f}",
            f"{m.rows_per_second:,.0f}",
            _number(m.raw_copy_rows_per_second, 0),
            _number(m.ratio_to_copy, 3),
        ]
        for m in runs
    ]
    top = next((m for m in runs if m.name.endswith("top 1,000")), None)
    met = top is not None and top.run_seconds < 5
    return [
        "Leaderboard runs (ranked worker; raw COPY: the same rows into run_entries, same run)",
        *format_table(headers, rows),
        f"target: a run of the top 1,000 under 5 s: {'yes' if met else 'no'}",
    ]


def archive_table(measured: Sequence[ArchiveMeasurement]) -> list[str]:
    headers = ["school (seed 002)", "rows or requests", "s", "per s", "limit per s",
               "x limit", "p50 ms", "p99 ms", "errors"]  # fmt: skip
    rows = [
        [
            m.name,
            f"{m.rows:,}",
            f"{m.seconds:.2f}",
            f"{m.per_second:,.0f}",
            f"{m.limit_per_second:,.0f}",
            "-" if m.ratio is None else f"{m.ratio:.3f}",
            "-" if m.p50_ms is None else f"{m.p50_ms:.1f}",
            "-" if m.p99_ms is None else f"{m.p99_ms:.1f}",
            str(m.errors),
        ]
        for m in measured
    ]
    return [
        "Schools: archiving, history, class boards (limits: the same move as raw SQL; pgbench"
        " on the statement the server runs; same run)",
        *format_table(headers, rows),
    ]


def render(document: dict[str, Any], run: Run) -> str:
    """The human-readable report of a run."""
    lines = [*_header(document, run), "", *_scenarios(run), "", *_summary(document, run)]
    if run.live:
        lines += ["", *_live(run)]
    if run.rebuilds:
        lines += ["", *_rebuilds(run.rebuilds)]
    if run.runs:
        lines += ["", *_runs(run.runs)]
    if run.archive:
        lines += ["", *archive_table(run.archive)]
    if run.release is not None:
        lines += ["", *release_table(run.release)]
    errors = _error_lines(run.measurements) + _live_error_lines(run.live)
    if errors:
        lines += ["", "errors:", *errors]
    for name, log in (("server", run.server_log), ("second server", run.writer_log)):
        if log.lines:
            lines += ["", f"{name} log ({log.lines} lines; last ones):"]
            lines += [f"  {line}" for line in log.tail]
    return "\n".join(lines)
