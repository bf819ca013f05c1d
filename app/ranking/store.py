"""The live ranking projection in Redis: read windows, look up entries, apply writes.

Scores are stored negated for higher-is-better boards, so that ascending order is best
first; equal scores fall back to ascending member: the tie key (the board's tie-break), then
the oldest participant first. Ranks follow standard competition ranking: equal scores with
equal tie keys share a rank and the next rank skips (1, 2, 2, 4).

Redis failures surface as :class:`app.errors.Unavailable`; a ranking that is not fully
built surfaces as :class:`RankingNotReady` so the caller can rebuild it.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from redis.asyncio import Redis
from redis.exceptions import RedisError

from app.errors import Unavailable
from app.ops import metrics
from app.ranking import build_scripts, scripts
from app.ranking.keys import (
    BoardKeys,
    BoardRef,
    board_keys,
    events_channel,
    member,
    participant_id,
    tenant_version_key,
    tie_of,
    versions_channel,
)
from app.ranking.versions import KnownVersions

T = TypeVar("T")

TOMBSTONE_VERSION = scripts.TOMBSTONE_VERSION


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
# Published by PROJECT as "gap|<member>" for a write applied while the ranking is not ready:
# its ranks are unknown, so no change message could be sent.
GAP = "gap"


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
    tie: str = ""  # the tie key: rows with equal score and tie key are tied
    dense: int | None = None  # the dense rank, where the ranking keeps levels


@dataclass(frozen=True, slots=True)
class Window:
    total: int | None  # None: not counted (a window read from the database; see ``size``)
    start: int
    rows: list[RankedRow]
    has_more: bool = False  # rows follow after this window


@dataclass(frozen=True, slots=True)
class Standing:
    """A committed score to project: ``score=None`` removes the participant."""

    participant_id: int
    score: float | None
    version: int
    tie: str = ""  # orders equal scores (see ``app.leaderboards.ties``)


@dataclass(frozen=True, slots=True)
class Cursor:
    stored: str
    participant_id: int
    tie: str = ""

    @property
    def member(self) -> str:
        return member(self.participant_id, self.tie)


@dataclass(frozen=True, slots=True)
class Entry:
    """A participant's place: score, competition rank, tie key, 0-based position in the
    ordering, and dense rank (None where the ranking keeps no levels)."""

    score: float
    rank: int
    tie: str = ""
    position: int | None = None
    dense: int | None = None


def to_stored(board: BoardRef, score: float) -> float:
    stored = -score if board.higher_is_better else score
    return stored + 0.0  # no negative zero


def stored_text(board: BoardRef, score: float) -> str:
    """The stored score spelt as Redis spells it in replies (``%.17g``), so a cursor made
    from a database row is the one Redis would have made for the same entry."""
    return f"{to_stored(board, score):.17g}"


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
        self._fill_levels = redis.register_script(scripts.FILL_LEVELS)
        self._finish_fill = redis.register_script(build_scripts.FINISH_FILL)
        self._stage = redis.register_script(scripts.STAGE)
        self._scripts: dict[str, Any] = {}
        self.versions = KnownVersions()  # fed by the hub: see app.ranking.versions
        self.versions_channel = versions_channel(prefix)

    def keys(self, board: BoardRef) -> BoardKeys:
        return board_keys(self.prefix, board)

    async def window_from(self, board: BoardRef, start: int, limit: int) -> Window:
        """Rows ``start .. start+limit-1`` of the ranking (0-based positions)."""
        return await self._read_window(board, ["start", start, "", limit])

    async def window_after(self, board: BoardRef, cursor: Cursor, limit: int) -> Window:
        """Up to ``limit`` rows that sort after ``cursor``, even if its row has since moved."""
        return await self._read_window(board, ["after", cursor.stored, cursor.member, limit])

    async def window_around(self, board: BoardRef, pid: int, radius: int) -> Window | None:
        """The participant's row with up to ``radius`` rows either side; None if unranked."""
        return await self._read_window(board, ["around", member(pid), radius, 0])

    async def entries(self, board: BoardRef, pids: Sequence[int]) -> dict[int, Entry | None]:
        """Each participant's entry, None for those not ranked."""
        keys = self.keys(board)
        reply = await self._call(self._entries, self._read_keys(keys), map(member, pids))
        if reply == [-1]:
            raise RankingNotReady(board)
        result: dict[int, Entry | None] = {}
        for i, pid in enumerate(pids):
            stored, rank, tie, position, dense = reply[5 * i : 5 * i + 5]
            result[pid] = (
                Entry(from_stored(board, stored), int(rank), tie, int(position), int(dense) or None)
                if stored != ""
                else None
            )
        return result

    async def rank_of(self, board: BoardRef, pid: int, score: float, tie: str = "") -> Entry:
        """The entry ``pid`` has with ``score`` and ``tie`` (as of its own change, say):
        its rank and position among the others as they are now."""
        args = [member(pid), repr(to_stored(board, score)), tie]
        reply = await self._call(self._rank_of, self._rank_keys(board), args)
        if reply == [-1]:
            raise RankingNotReady(board)
        return Entry(score, int(reply[0]), tie, int(reply[1]))

    async def ranks_of(
        self, board: BoardRef, wanted: Sequence[tuple[int, float, str]]
    ) -> list[Entry]:
        """:meth:`rank_of` of several ``(pid, score, tie)`` at once, in one round trip."""
        keys = [*self._rank_keys(board)]
        async with self.redis.pipeline(transaction=False) as pipe:
            for pid, score, tie in wanted:
                args = [member(pid), repr(to_stored(board, score)), tie]
                await self._rank_of(keys=keys, args=args, client=pipe)
            replies = await guard(pipe.execute)
        if any(r == [-1] for r in replies):
            raise RankingNotReady(board)
        return [
            Entry(score, int(r[0]), tie, int(r[1]))
            for (_, score, tie), r in zip(wanted, replies, strict=True)
        ]

    def _rank_keys(self, board: BoardRef) -> list[str]:
        keys = self.keys(board)
        return [keys.scores, keys.ready, keys.ties]

    async def project(
        self, board: BoardRef, standings: Iterable[Standing], *, publish: bool = True
    ) -> int:
        """Apply committed standings in version order; returns how many were newer.

        With ``publish`` each applied write is announced on the board's ``changes`` channel
        (bulk loads and rebuilds pass False and announce a reset once they are done). While
        a build runs aside, the writes go to its staged ranking too (see ``rebuild``).
        """
        keys = self.keys(board)
        channel = keys.changes if publish else ""
        args: list[Any] = [channel, int(time.time() * 1000), "1" if board.dense else "0"]
        args += _quads(board, standings)
        if len(args) == 3:
            return 0
        project_keys = [
            keys.scores, keys.versions, keys.ties, keys.levels, keys.levels_ready, keys.ready,
            keys.building, keys.gone, *keys.staged.all(),
        ]  # fmt: skip

        async def project_and_bump() -> int:
            epoch = self.versions.since()
            async with self.redis.pipeline(transaction=False) as pipe:
                await self._project(keys=project_keys, args=args, client=pipe)
                await self._bump_in(pipe, board.tenant_id)
                applied, bumped = await pipe.execute()
            self.versions.learn(board.tenant_id, bumped, epoch)  # this process reads its writes
            return int(applied)

        applied = await guard(project_and_bump)
        if publish:
            metrics.pubsub_published(applied)  # (the script announces each applied write)
        return applied

    async def stage(
        self, board: BoardRef, standings: Iterable[Standing], *, dense: bool, token: str
    ) -> int:
        """Load standings read from the database into the ranking being built aside by the
        build holding ``token`` (a standing with no score: scored but not ranked, its version
        kept); -1, writing nothing, when that build lost its lock."""
        keys = self.keys(board)
        quads = _quads(board, standings)
        if not quads:
            return 0
        packed = "|".join(map(str, quads)) + "|"  # one argument: see scripts.STAGE
        staged = [*keys.staged.all(), keys.gone, keys.building]
        building = f"{token}|{'1' if dense else '0'}"
        args = ["1" if dense else "0", packed, building]
        return int(await self._call(self._stage, staged, args))

    async def announce_update(self, board: BoardRef, pid: int) -> None:
        """Tell listeners a participant's details (not its score) changed."""
        message = f"{UPDATED}|{member(pid)}"
        await guard(lambda: self.redis.publish(self.keys(board).changes, message))
        metrics.pubsub_published()

    def events_channel(self, tenant_id: int, board_key: str) -> str:
        return events_channel(self.prefix, tenant_id, board_key)

    async def publish_event(self, tenant_id: int, board_key: str, event: dict[str, Any]) -> None:
        """Announce an event of a board (a winner, a run) to its live subscribers."""
        channel, text = self.events_channel(tenant_id, board_key), json.dumps(event)
        await guard(lambda: self.redis.publish(channel, text))
        metrics.pubsub_published()

    async def announce_reset(self, board: BoardRef) -> None:
        """Tell listeners the ranking changed wholesale (rebuilt, bulk-loaded): re-read it."""
        await guard(lambda: self.redis.publish(self.keys(board).changes, RESET))
        metrics.pubsub_published()

    async def remove(self, board: BoardRef, pids: Iterable[int]) -> int:
        """Remove participants for good (a deletion): later writes for them are ignored."""
        return await self.project(board, (Standing(p, None, TOMBSTONE_VERSION) for p in pids))

    async def data_version(self, tenant_id: int, at_least: int = 0) -> str:
        """A token that changes whenever the tenant's data changes (for read caches).

        After Redis loses the key, it restarts from the clock, so a token from before the
        loss is never handed out again. Answered without a round trip when this process
        knows the current one (``app.ranking.versions``) and it is ``at_least`` that new (a
        version a client was given with its write: this process may not have heard of it).
        """
        known = self.versions.get(tenant_id)
        if known is not None and int(known) >= at_least:
            return known
        key = tenant_version_key(self.prefix, tenant_id)
        epoch = self.versions.since()

        async def read() -> str:
            value = await self.redis.get(key)
            if value is None:
                await self.redis.set(key, time.time_ns(), nx=True)
                value = await self.redis.get(key)
            return str(value)

        version = await guard(read)
        self.versions.learn(tenant_id, version, epoch)
        return version

    async def touch(self, tenant_id: int) -> None:
        """Record that the tenant's data changed outside a ranking write."""
        epoch = self.versions.since()
        bumped = await guard(lambda: self._bump_in(self.redis, tenant_id))
        self.versions.learn(tenant_id, bumped, epoch)

    async def _bump_in(self, client: Any, tenant_id: int) -> Any:
        key = tenant_version_key(self.prefix, tenant_id)
        args: list[str | int] = [time.time_ns(), self.versions_channel, tenant_id]
        return await self._bump(keys=[key], args=args, client=client)

    async def ensure_levels(self, board: BoardRef, batch: int) -> bool:
        """Complete the levels of a DENSE board that lacks them (it became DENSE, or they
        were lost), while it keeps serving; drop those of a board that is not DENSE (left by
        a writer that still thought it was). Returns whether it had to do either.

        Processes may disagree for a moment about a board's rank mode (definitions are
        cached): a drop while another process fills removes the fill's token, and that fill
        then marks nothing complete; the next check fills again."""
        keys = self.keys(board)
        if not board.dense:
            doomed = (keys.levels, keys.levels_ready, keys.levels_fill)
            return bool(await guard(lambda: self.redis.delete(*doomed)))
        if await guard(lambda: self.redis.exists(keys.levels_ready)):
            return False
        started, token = int(time.time() * 1000), uuid.uuid4().hex
        await guard(lambda: self.redis.set(keys.levels_fill, token))
        after: list[Any] = []
        while True:
            args = [batch, *after]
            last = await self._call(self._fill_levels, [keys.scores, keys.levels], args)
            if not last:
                break
            after = list(last)
        await self._call(self._finish_fill, [keys.levels_fill, keys.levels_ready], [token, started])
        return True

    async def ready_since(self, board: BoardRef) -> int | None:
        """When the build the ranking holds began (epoch ms); None while it is not ready. A
        ranking marked ready by an older version of the service counts as built at 0."""
        value = await guard(lambda: self.redis.get(self.keys(board).ready))
        if value is None:
            return None
        try:
            return int(value)
        except ValueError:
            return 0

    async def release(self, board: BoardRef) -> int:
        """Delete the ranking from Redis (its period is over and snapshotted: the database
        answers for it); returns how many keys there were. A no-op when already gone."""
        k = self.keys(board)
        keys = [k.scores, k.versions, k.ties, k.levels, k.levels_ready, k.levels_fill, k.ready,
                k.gone]  # fmt: skip
        return int(await guard(lambda: self.redis.unlink(*keys)))

    async def is_ready(self, board: BoardRef) -> bool:
        return bool(await guard(lambda: self.redis.exists(self.keys(board).ready)))

    async def size(self, board: BoardRef) -> int:
        return int(await guard(lambda: self.redis.zcard(self.keys(board).scores)))

    async def _read_window(self, board: BoardRef, args: list[Any]) -> Window:
        keys = self.keys(board)
        reply = await self._call(self._window, self._read_keys(keys), args)
        if reply == [-1]:
            raise RankingNotReady(board)
        if reply == [-2]:
            return None  # type: ignore[return-value]  # only "around" can get here
        total, start, rank, dense = (int(v) for v in reply[:4])
        pairs = [(reply[i], reply[i + 1]) for i in range(4, len(reply), 2)]
        return window_of(board, total, start, rank, dense, pairs)

    @staticmethod
    def _read_keys(keys: BoardKeys) -> list[str]:
        return [keys.scores, keys.ready, keys.ties, keys.levels, keys.levels_ready]

    async def run(self, source: str, keys: list[str], args: Iterable[Any]) -> Any:
        """Run a Lua script (registered once per store) over keys of one ranking."""
        script = self._scripts.get(source)
        if script is None:
            script = self._scripts[source] = self.redis.register_script(source)
        return await self._call(script, keys, args)

    async def _call(self, script: Any, keys: list[str], args: Iterable[Any]) -> Any:
        return await guard(lambda: script(keys=keys, args=list(args)))


async def guard(call: Callable[[], Awaitable[T]]) -> T:
    """Run a Redis call; a Redis failure becomes :class:`Unavailable`."""
    try:
        return await call()
    except RedisError as exc:
        raise Unavailable(
            "Live rankings are temporarily unavailable; no data was lost, retry shortly."
        ) from exc


def window_of(
    board: BoardRef,
    total: int | None,
    start: int,
    rank: int,
    dense: int,
    pairs: list[tuple[str, str]],
    has_more: bool | None = None,
) -> Window:
    """A window from consecutive (member, stored score) pairs starting at 0-based position
    ``start``, the first ranked ``rank`` (and ``dense``, 0: unknown): the other ranks follow
    from the scores and tie keys. ``has_more`` defaults to what ``total`` says."""
    rows: list[RankedRow] = []
    previous: tuple[str, str] | None = None
    for name, stored in pairs:
        position = start + len(rows)
        place = (stored, tie_of(name))
        if previous is not None and place != previous:
            rank = position + 1
            dense += 1 if dense else 0
        previous = place
        rows.append(
            RankedRow(
                participant_id(name),
                from_stored(board, stored),
                rank,
                position,
                stored,
                place[1],
                dense or None,
            )
        )
    if has_more is None:
        has_more = total is not None and start + len(rows) < total
    return Window(total, start, rows, has_more)


def _quads(board: BoardRef, standings: Iterable[Standing]) -> list[Any]:
    """PROJECT's and STAGE's arguments of standings: (member id, stored score or "",
    version, tie key)."""
    args: list[Any] = []
    for s in standings:
        score = "" if s.score is None else repr(to_stored(board, s.score))
        args += [member(s.participant_id), score, s.version, s.tie if score else ""]
    return args
