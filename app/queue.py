"""What services ask of the job queue, without knowing what runs it (arq, in ``app.jobs``).

A service that needs work done later (a leaderboard run) enqueues it by name; the worker
finds the function by that name. Job ids make an enqueue idempotent: a second enqueue of an
id that is queued, running or recently finished does nothing.
"""

from __future__ import annotations

from typing import Protocol

# Names of the jobs services enqueue (app.jobs.functions defines them).
MAKE_RUN = "make_run"


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
