"""CPU time of the processes under test, read from ``/proc`` (Linux; elsewhere: nothing).

A :class:`CpuWatch` names groups of processes: fixed pids (the API server, redis-server) and
the PostgreSQL backends serving one database, found by their process title
(``postgres: ... <user> <database> <client> ...``). Backends are found when the window
opens and again at every later sample: one that appeared in between (a connection pool
growing under load, e.g. the live scenarios' second server's) counts from its start.
Percentages are of one core: 200% is both cores of this box.

``other`` is the whole machine's busy time (``/proc/stat``) less the watched groups: the
processes that have nothing to do with the benchmark (a test run, a build), plus
PostgreSQL's own background processes (WAL writer, checkpointer). When it is high, the
numbers of that scenario were measured on a busy machine.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path

PROC = Path("/proc")
LOADGEN = "loadgen"
OTHER = "other"


@dataclass(frozen=True, slots=True)
class CpuWatch:
    pids: dict[str, tuple[int, ...]] = field(default_factory=dict)
    postgres_database: str | None = None


@dataclass(frozen=True, slots=True)
class CpuSample:
    """CPU seconds of every watched pid (None: gone) per group, at one moment."""

    at: float
    seconds: dict[str, dict[int, float | None]]
    machine: float | None  # busy CPU seconds of all cores together


def _ticks() -> float:
    return float(os.sysconf("SC_CLK_TCK")) if hasattr(os, "sysconf") else 100.0


def process_cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds of ``pid``; None if it is gone or unreadable."""
    try:
        stat = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _ticks()  # utime, stime


def machine_busy_seconds() -> float | None:
    """CPU seconds all cores spent on anything but idling and waiting for I/O, since boot."""
    try:
        first = (PROC / "stat").read_text().split("\n", 1)[0].split()
    except OSError:
        return None
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(v) for v in first[1:9])
    return (user + nice + system + irq + softirq + steal) / _ticks()


def postgres_backends(database: str) -> tuple[int, ...]:
    """Pids of the PostgreSQL backends connected to ``database``."""
    found = []
    for entry in PROC.glob("[0-9]*"):
        try:
            title = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if title.startswith("postgres: ") and f" {database} " in title:
            found.append(int(entry.name))
    return tuple(found)


def sample(watch: CpuWatch, earlier: CpuSample | None = None) -> CpuSample:
    """Read every group's CPU time now; with ``earlier``, of the same pids as then, and of
    PostgreSQL backends that appeared since."""
    if earlier is not None:
        groups = {name: tuple(times) for name, times in earlier.seconds.items()}
        if watch.postgres_database:
            known = set(groups.get("postgres", ()))
            new = [p for p in postgres_backends(watch.postgres_database) if p not in known]
            groups["postgres"] = (*groups.get("postgres", ()), *new)
    else:
        groups = {name: pids for name, pids in watch.pids.items()}
        if watch.postgres_database:
            groups["postgres"] = postgres_backends(watch.postgres_database)
        groups[LOADGEN] = (os.getpid(),)
    seconds = {name: {p: process_cpu_seconds(p) for p in pids} for name, pids in groups.items()}
    return CpuSample(time.perf_counter(), seconds, machine_busy_seconds())


def percent_between(before: CpuSample, after: CpuSample) -> dict[str, float]:
    """Per group: CPU time used between the samples, as a percentage of one core.

    A process that ended in between is left out of its group's sum; one that ``before``
    does not list (a PostgreSQL backend that appeared since) counts from its start.
    """
    wall = after.at - before.at
    if wall <= 0 or not PROC.is_dir():
        return {}
    used: dict[str, float] = {}
    for name, times in after.seconds.items():
        used[name] = 0.0
        for pid, end in times.items():
            start = before.seconds[name].get(pid, 0.0)  # not listed then: started since
            if start is not None and end is not None:
                used[name] += end - start
    if before.machine is not None and after.machine is not None:
        used[OTHER] = max(0.0, after.machine - before.machine - sum(used.values()))
    return {name: round(100.0 * seconds / wall, 1) for name, seconds in used.items()}


def process_percents(before: CpuSample, after: CpuSample, group: str) -> dict[int, float]:
    """Per process of ``group``: CPU time used between the samples, as % of one core. A
    process at ~100% is saturated, whatever the group's sum says."""
    wall = after.at - before.at
    if wall <= 0 or not PROC.is_dir():
        return {}
    used = {}
    for pid, end in after.seconds.get(group, {}).items():
        start = before.seconds[group].get(pid)
        if start is not None and end is not None:
            used[pid] = round(100.0 * (end - start) / wall, 1)
    return used
