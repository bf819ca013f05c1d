"""Group commit: concurrent small writes of one key gathered into one transaction.

``GroupCommit.submit(key, item, commit)`` returns ``item``'s own outcome once a transaction
holding it committed. No timer holds a write back: a submission with nothing in flight for
its key is committed at once, alone; submissions that arrive while ``lanes`` commits of
their key are in flight wait and go together into the next one (at most ``most`` each). So
at low load a write costs one transaction, and under load the transactions grow instead of
queueing behind each other.

``commit`` gets the items of one group and answers one outcome per item, in order: a value,
or the exception that item alone raises. It runs as a task of its own, so a caller that is
cancelled (its client went away) never cancels a transaction other callers wait on; a
cancelled caller whose item was not taken yet is simply dropped. Items with the same
``apart(item)`` never share a group (for example: two changes of one participant, each of
which must be answered with the state after its own change).

Waiting is bounded: past ``waiting`` items of one key, ``submit`` raises
:class:`~app.errors.Unavailable` (nothing was written) rather than queueing without end.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from app.errors import Unavailable

T = TypeVar("T")
R = TypeVar("R")

Commit = Callable[[list[T]], Awaitable[Sequence["R | BaseException"]]]


@dataclass
class _Waiting(Generic[T, R]):
    item: T
    done: asyncio.Future[R]


@dataclass
class _Lane(Generic[T, R]):
    commit: Commit[T, R]
    apart: Callable[[T], Hashable]
    waiting: list[_Waiting[T, R]] = field(default_factory=list)
    in_flight: int = 0


class GroupCommit(Generic[T, R]):
    def __init__(
        self,
        *,
        lanes: int = 2,
        most: int = 500,
        waiting: int = 10_000,
    ) -> None:
        self.lanes, self.most, self.limit = lanes, most, waiting
        self._keys: dict[Hashable, _Lane[T, R]] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self.groups = 0  # commits made (for tests and metrics)
        self.items = 0  # items they held

    async def submit(
        self,
        key: Hashable,
        item: T,
        commit: Commit[T, R],
        apart: Callable[[T], Hashable] = id,
    ) -> R:
        """``item``'s outcome once committed (``commit`` and ``apart`` are the key's: the
        ones of the submission that found no group of its key under way)."""
        lane = self._keys.get(key)
        if lane is None:
            lane = self._keys[key] = _Lane(commit, apart)
        if len(lane.waiting) >= self.limit:
            raise Unavailable("Too many writes are waiting; retry shortly.")
        entry: _Waiting[T, R] = _Waiting(item, asyncio.get_running_loop().create_future())
        lane.waiting.append(entry)
        self._start(key, lane)
        try:
            return await entry.done
        except asyncio.CancelledError:
            if entry in lane.waiting:  # not taken yet: it never reaches the database
                lane.waiting.remove(entry)
            raise

    def _start(self, key: Hashable, lane: _Lane[T, R]) -> None:
        while lane.waiting and lane.in_flight < self.lanes:
            group = self._take(lane)
            lane.in_flight += 1
            task = asyncio.create_task(self._commit(key, lane, group))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    def _take(self, lane: _Lane[T, R]) -> list[_Waiting[T, R]]:
        group: list[_Waiting[T, R]] = []
        held: set[Hashable] = set()
        left: list[_Waiting[T, R]] = []
        for entry in lane.waiting:
            mark = lane.apart(entry.item)
            if len(group) < self.most and mark not in held:
                group.append(entry)
                held.add(mark)
            else:
                left.append(entry)
        lane.waiting[:] = left
        return group

    async def _commit(self, key: Hashable, lane: _Lane[T, R], group: list[_Waiting[T, R]]) -> None:
        outcomes: Sequence[R | BaseException]
        try:
            outcomes = await lane.commit([g.item for g in group])
            if len(outcomes) != len(group):
                raise RuntimeError(f"{len(outcomes)} outcomes for {len(group)} items")
        except asyncio.CancelledError:  # shutting down: the waiters are cancelled with it
            for entry in group:
                entry.done.cancel()
            raise
        except Exception as exc:  # noqa: BLE001 - every waiter learns of it
            outcomes = [exc] * len(group)
        finally:
            lane.in_flight -= 1
            self.groups += 1
            self.items += len(group)
        for entry, outcome in zip(group, outcomes, strict=True):
            if entry.done.done():  # its caller was cancelled after its item was taken
                continue
            if isinstance(outcome, BaseException):
                entry.done.set_exception(outcome)
            else:
                entry.done.set_result(outcome)
        self._start(key, lane)
        if not lane.waiting and not lane.in_flight:
            self._keys.pop(key, None)

    async def close(self) -> None:
        """Wait for the commits in flight (at shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
