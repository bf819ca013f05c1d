"""What services ask of the job queue, without knowing what runs it (arq, in ``app.jobs``).

A service that needs work done later (a leaderboard run) enqueues it by name; the worker
finds the function by that name. Job ids make an enqueue idempotent: a second enqueue of an
id that is queued, running or recently finished does nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class WorkerHealth:
    """What the job queue says of its workers (``ranked status``): whether one recorded its
    health within its interval, and its counters then; and the jobs waiting. Several
    workers of one queue record in turn, so this is the latest one's word."""

    queue: str
    alive: bool
    seen_seconds_ago: float | None  # when the latest record was written (None: none)
    counters: dict[str, int]  # the worker's own: complete, failed, retried, ongoing
    queued: int  # every job in the queue, deferred ones (the next cron ticks) too
    due: int  # those whose time has come: more than a few means no worker takes them


# Names of the jobs services enqueue (app.jobs.functions defines them).
MAKE_RUN = "make_run"
ARCHIVE_RUNS = "archive_runs"  # a continuation of the daily archive job


class JobQueue(Protocol):
    async def enqueue(self, function: str, *args: object, job_id: str) -> bool:
        """Queue ``function(*args)`` once under ``job_id``; False when that id is already
        queued or done (nothing was added). Raises :class:`app.errors.Unavailable` when the
        queue cannot be reached."""
        ...


class NoQueue:
    """For processes that enqueue nothing (command-line tools): enqueueing is a bug there."""

    async def enqueue(self, function: str, *args: object, job_id: str) -> bool:
        raise RuntimeError(f"this process has no job queue (asked to enqueue {function})")
