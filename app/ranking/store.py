"""The live ranking projection in Redis: read windows, look up entries, apply writes.

Scores are stored negated for higher-is-better boards, so that ascending order is best
first and ties fall back to ascending member (oldest participant first). Ranks follow
standard competition ranking: equal scores share a rank and the next rank skips (1, 2, 2, 4).

Redis failures surface as :class:`app.errors.Unavailable`; a ranking that is not fully
built surfaces as :class:`RankingNotReady` so the caller can rebuild it.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from redis.asyncio import Redis
from redis.exceptions import RedisError

from app.errors import Unavailable
from app.ranking import scripts
from app.ranking.keys import (
    BoardKeys,
    BoardRef,
    board_keys,
    member,
    participant_id,
    tenant_version_key,
)

T = TypeVar("T")

# The version a removal writes: larger than any version a standing can reach (2**53 keeps
# it exact in Lua's doubles), so a late write of a deleted participant never resurrects it.
TOMBSTONE_VERSION = 2**53


def version_at(moment: datetime) -> int:
    """The version a standing written at ``moment`` gets at least: microseconds since the
    epoch. Versions follow the clock rather than count from 1, so a standing deleted and
    created again (after a re-scoring) still outranks what Redis remembers of the old one.
    They stay below TOMBSTONE_VERSION until the year 2255."""
    return int(moment.timestamp() * 1_000_000)


# Published on a board's changes channel instead of a change: re-read the whole ranking.
RESET = "reset"
# Published as "updated|<member>" when a participant's details (name, ...) changed.
UPDATED = "updated"


class RankingNotReady(Exception):
    """The board's sorted set is missing or partial (Redis was flushed or restarted)."""

    def __init__(self, board: BoardRef) -> None:
        super().__init__(f"ranking {board.key}/{board.period} is not ready")
        self.board = board


@dataclass(frozen=True, slots=True)
class RankedRow:
    participant_id: int
    score: float
    rank: int
    position: int  # 0-based place in the ordering, ties broken by participant id
    stored: str  # the score as Redis holds it; with the member, a keyset cursor


@dataclass(frozen=True, slots=True)
class Window:
    total: int
    start: int
    rows: list[RankedRow]


@dataclass(frozen=True, slots=True)
class Standing:
    """A committed score to project: ``score=None`` removes the participant."""

    participant_id: int
    score: float | None
    version: int


@dataclass(frozen=True, slots=True)
class Cursor:
    stored: str
    participant_id: int


def to_stored(board: BoardRef, score: float) -> float:
    stored = -score if board.higher_is_better else score
    return stored + 0.0  # no negative zero


def from_stored(board: BoardRef, stored: str) -> float:
    value = float(stored)
    return (-value if board.higher_is_better else value) + 0.0


class RankingStore:
    """Reads and writes rankings; one instance per process, shared by all requests."""

    def __init__(self, redis: Redis, prefix: str) -> None:
        self.redis = redis
        self.prefix = prefix
        self._project = redis.register_script(scripts.PROJECT)
        self._window = redis.register_script(scripts.WINDOW)
        self._entries = redis.register_script(scripts.ENTRIES)
        self._bump = redis.register_script(scripts.BUMP_VERSION)
        self._rank_of = redis.register_script(scripts.RANK_OF)

    def keys(self, board: BoardRef) -> BoardKeys:
        return board_keys(self.prefix, board)

    async def window_from(self, board: BoardRef, start: int, limit: int) -> Window:
        """Rows ``start .. start+limit-1`` of the ranking (0-based positions)."""
        return await self._read_window(board, ["start", start, "", limit])

    async def window_after(self, board: BoardRef, cursor: Cursor, limit: int) -> Window:
        """Up to ``limit`` rows that sort after ``cursor``, even if its row has since moved."""
        return await self._read_window(
            board, ["after", cursor.stored, member(cursor.participant_id), limit]
        )

    async def window_around(self, board: BoardRef, pid: int, radius: int) -> Window | None:
        """The participant's row with up to ``radius`` rows either side; None if unranked."""
        return await self._read_window(board, ["around", member(pid), radius, 0])

    async def entries(
        self, board: BoardRef, pids: Sequence[int]
    ) -> dict[int, tuple[float, int] | None]:
        """``(score, rank)`` of each participant, None for those not ranked."""
        keys = self.keys(board)
        reply = await self._call(self._entries, [keys.scores, keys.ready], map(member, pids))
        if reply == [-1]:
            raise RankingNotReady(board)
        result: dict[int, tuple[float, int] | None] = {}
        for i, pid in enumerate(pids):
            stored, rank = reply[2 * i], int(reply[2 * i + 1])
            result[pid] = (from_stored(board, stored), rank) if stored != "" else None
        return result

    async def rank_of(self, board: BoardRef, pid: int, score: float) -> int:
        """The rank ``pid`` has with ``score`` (as of its own change, say)."""
        keys = self.keys(board)
        args = [member(pid), repr(to_stored(board, score))]
        rank = int(await self._call(self._rank_of, [keys.scores, keys.ready], args))
        if rank < 0:
            raise RankingNotReady(board)
        return rank

    async def project(
        self, board: BoardRef, standings: Iterable[Standing], *, publish: bool = True
    ) -> int:
        """Apply committed standings in version order; returns how many were newer.

        With ``publish`` each applied write is announced on the board's ``changes`` channel
        (bulk loads and rebuilds pass False and announce a reset once they are done).
        """
        keys = self.keys(board)
        args: list[Any] = [keys.changes if publish else "", int(time.time() * 1000)]
        for s in standings:
            score = "" if s.score is None else repr(to_stored(board, s.score))
            args += [member(s.participant_id), score, s.version]
        if len(args) == 2:
            return 0

        async def project_and_bump() -> int:
            async with self.redis.pipeline(transaction=False) as pipe:
                await self._project(keys=[keys.scores, keys.versions], args=args, client=pipe)
                await self._bump_in(pipe, board.tenant_id)
                applied, _ = await pipe.execute()
            return int(applied)

        return await self._guard(project_and_bump)

    async def announce_update(self, board: BoardRef, pid: int) -> None:
        """Tell listeners a participant's details (not its score) changed."""
        message = f"{UPDATED}|{member(pid)}"
        await self._guard(lambda: self.redis.publish(self.keys(board).changes, message))

    async def announce_reset(self, board: BoardRef) -> None:
        """Tell listeners the ranking changed wholesale (rebuilt, bulk-loaded): re-read it."""
        await self._guard(lambda: self.redis.publish(self.keys(board).changes, RESET))

    async def remove(self, board: BoardRef, pids: Iterable[int]) -> int:
        """Remove participants for good (a deletion): later writes for them are ignored."""
        return await self.project(board, (Standing(p, None, TOMBSTONE_VERSION) for p in pids))

    async def data_version(self, tenant_id: int) -> str:
        """A token that changes whenever the tenant's data changes (for read caches).

        After Redis loses the key, it restarts from the clock, so a token from before the
        loss is never handed out again.
        """
        key = tenant_version_key(self.prefix, tenant_id)

        async def read() -> str:
            value = await self.redis.get(key)
            if value is None:
                await self.redis.set(key, time.time_ns(), nx=True)
                value = await self.redis.get(key)
            return str(value)

        return await self._guard(read)

    async def touch(self, tenant_id: int) -> None:
        """Record that the tenant's data changed outside a ranking write."""
        await self._guard(lambda: self._bump_in(self.redis, tenant_id))

    async def _bump_in(self, client: Any, tenant_id: int) -> Any:
        key = tenant_version_key(self.prefix, tenant_id)
        return await self._bump(keys=[key], args=[time.time_ns()], client=client)

    async def is_ready(self, board: BoardRef) -> bool:
        return bool(await self._guard(lambda: self.redis.exists(self.keys(board).ready)))

    async def size(self, board: BoardRef) -> int:
        return int(await self._guard(lambda: self.redis.zcard(self.keys(board).scores)))

    async def _read_window(self, board: BoardRef, args: list[Any]) -> Window:
        keys = self.keys(board)
        reply = await self._call(self._window, [keys.scores, keys.ready], args)
        if reply == [-1]:
            raise RankingNotReady(board)
        if reply == [-2]:
            return None  # type: ignore[return-value]  # only "around" can get here
        total, start, first_rank = int(reply[0]), int(reply[1]), int(reply[2])
        rows: list[RankedRow] = []
        previous: str | None = None
        rank = first_rank
        for i in range(3, len(reply), 2):
            position = start + len(rows)
            stored = reply[i + 1]
            if previous is not None and stored != previous:
                rank = position + 1
            previous = stored
            rows.append(
                RankedRow(
                    participant_id(reply[i]), from_stored(board, stored), rank, position, stored
                )
            )
        return Window(total, start, rows)

    async def _call(self, script: Any, keys: list[str], args: Iterable[Any]) -> Any:
        return await self._guard(lambda: script(keys=keys, args=list(args)))

    @staticmethod
    async def _guard(call: Callable[[], Awaitable[T]]) -> T:
        try:
            return await call()
        except RedisError as exc:
            raise Unavailable(
                "Live rankings are temporarily unavailable; no data was lost, retry shortly."
            ) from exc
