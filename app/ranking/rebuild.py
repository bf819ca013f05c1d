"""Rebuilding rankings in Redis from the standings in the database, with any number of
processes asking at once.

A ranking is rebuilt in one of two ways, under one lock per ranking:

- **Aside**, when the ranking is missing (Redis was flushed or restarted: ``ready`` is gone)
  or when asked for a ``fresh`` one: the standings are loaded into staged keys beside the
  live ones while ``PROJECT`` applies every write that lands meanwhile to both, then one
  script swaps the staged keys in, atomically, with the time the build began as ``ready``.
  Readers never see a half-built ranking: until the swap, a missing ranking is read from
  the database (``app.leaderboards.fallback``) and an existing one keeps serving.
- **In place**, when a ready ranking missed changes (its board is marked dirty) or was
  re-scored: every standing is merged in again by version while the ranking keeps serving,
  then members the database no longer ranks are pruned.

Whoever takes the lock checks first whether the work is still needed: ``ready`` says when
the build the ranking holds began, and a build that began after the moment asked for covers
the request (another process did the work). Everyone else waits for the lock to go, then
checks again: N processes asking for one rebuild cause one. The holder extends the lock while
it works; a holder that stalls or is killed loses it within ``lock_seconds`` (its staged
keys expire with it), and the next process that asks takes over from the start.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import os
import socket
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from app.db import fetch
from app.errors import Unavailable
from app.ops import metrics
from app.ranking import build_scripts
from app.ranking.keys import BoardRef, participant_id
from app.ranking.store import RankingStore, Standing, guard, version_at

log = logging.getLogger(__name__)

LOCK_SECONDS = 10.0  # default: a holder that stops extending its lock loses it this long after
WAIT_POLL_SECONDS = 0.2  # how often a process waiting for another's rebuild looks again
STAGE_CHUNK = 2_000  # standings per Redis call: each call blocks Redis only briefly


class LockLost(Unavailable):
    """The rebuild lock expired under its holder (it stalled); its work was discarded."""


def owner_token() -> str:
    """A lock token that says who holds it (host and pid, for operators and tests)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex}"


def holder_pid(token: str | None) -> int | None:
    """The pid in a lock token, if any."""
    parts = (token or "").split(":")
    return int(parts[1]) if len(parts) == 3 and parts[1].isdigit() else None


@dataclass
class BuildLock:
    """A held rebuild lock (see :func:`begin`)."""

    store: RankingStore
    board: BoardRef
    token: str
    aside: bool
    seconds: float  # the lock's lifetime, renewed by ``extend``
    finishing: bool = False  # the final script is on its way: the lock goes with it

    def _keys(self) -> list[str]:
        keys = self.store.keys(self.board)
        return [keys.rebuild_lock, keys.building, *keys.staged.all()]

    async def extend(self) -> bool:
        ttl = int(self.seconds * 1000)
        return bool(await _run(self.store, build_scripts.EXTEND, self._keys(), [self.token, ttl]))

    async def release(self) -> None:
        self.finishing = True
        with contextlib.suppress(Unavailable):  # it expires by itself
            await _run(self.store, build_scripts.RELEASE, self._keys(), [self.token])


async def rebuild_board(
    store: RankingStore,
    board: BoardRef,
    *,
    batch: int,
    needed_since: datetime | None = None,
    fresh: bool = False,
    lock_seconds: float = LOCK_SECONDS,
) -> int:
    """Make ``board``'s ranking complete as of ``needed_since`` (None: make sure it exists;
    ``fresh``: build it anew aside, as of now), unless a build that began later already did;
    returns how many participants it ranks. ``RankingStore.ready_since`` says, afterwards,
    as of when the ranking is complete."""
    if fresh:
        needed_since = datetime.now(UTC) - timedelta(milliseconds=1)  # a build begun now
    needed = None if needed_since is None else _ms(needed_since)
    while True:
        ready = await store.ready_since(board)
        if _covers(ready, needed):
            count = await store.size(board)
            break
        lock = await begin(store, board, aside=fresh or ready is None, seconds=lock_seconds)
        if lock is None:
            await _wait_for_holder(store, board, needed)
            continue
        done = await _as_holder(lock, needed, batch)
        if done is not None:
            count = done
            break
    if fresh:  # asked for because the ranking may be wrong: results cached from it go too
        with contextlib.suppress(Unavailable):
            await store.touch(board.tenant_id)
    return count


def _covers(ready: int | None, needed: int | None) -> bool:
    """Whether a ranking built as of ``ready`` (epoch ms) serves a request for ``needed``."""
    return ready is not None and (needed is None or ready > needed)


async def begin(
    store: RankingStore, board: BoardRef, *, aside: bool, seconds: float = LOCK_SECONDS
) -> BuildLock | None:
    """Take the board's rebuild lock (and, ``aside``, start an empty staged ranking);
    None when another process holds it."""
    keys = store.keys(board)
    token = owner_token()
    args = [token, int(seconds * 1000), "aside" if aside else "in-place",
            "1" if board.dense else "0"]  # fmt: skip
    lock_keys = [keys.rebuild_lock, keys.building, *keys.staged.all()]
    if not await _run(store, build_scripts.BEGIN, lock_keys, args):
        return None
    return BuildLock(store, board, token, aside, seconds)


async def _wait_for_holder(store: RankingStore, board: BoardRef, needed: int | None) -> None:
    """Wait while another process holds the lock (it extends it while it works), or until
    the ranking is as recent as needed."""
    keys = store.keys(board)
    while await guard(lambda: store.redis.exists(keys.rebuild_lock)):
        if _covers(await store.ready_since(board), needed):
            return
        await asyncio.sleep(WAIT_POLL_SECONDS)  # another process: no event reaches us


async def _as_holder(lock: BuildLock, needed: int | None, batch: int) -> int | None:
    """Do the work the lock was taken for, if it is still needed; None: the ranking changed
    state meanwhile (ready or not) and the caller should look again."""
    store, board = lock.store, lock.board
    try:
        async with _holding(lock):
            ready = await store.ready_since(board)
            if _covers(ready, needed):  # another process did it before we got the lock
                await lock.release()
                return await store.size(board)
            if not lock.aside and ready is None:  # flushed meanwhile: it needs a build aside
                await lock.release()
                return None
            started, timer = int(time.time() * 1000), time.perf_counter()
            kind = "aside" if lock.aside else "in_place"
            try:
                if lock.aside:
                    count = await _build_aside(lock, batch)
                else:
                    count = await _merge_from_database(store, board, batch)
                    await prune_missing(store, board, batch)
                await _finish(lock, started)
            except Exception:
                metrics.rebuild_done(kind, "failed", time.perf_counter() - timer)
                raise
            metrics.rebuild_done(kind, "ok", time.perf_counter() - timer)
    except BaseException:
        await lock.release()
        raise
    await store.ensure_levels(board, batch)  # in place: PROJECT kept only what it wrote
    with contextlib.suppress(Unavailable):  # the ranking is whole; dashboards re-read it
        await store.announce_reset(board)
    log.info(
        "rebuilt %s/%s/%s (%s): %d participants",
        board.tenant_id, board.key, board.period, "aside" if lock.aside else "in place", count,
    )  # fmt: skip
    return count


@contextlib.asynccontextmanager
async def _holding(lock: BuildLock) -> AsyncIterator[None]:
    """Extend the lock every third of its lifetime while the block runs; if it was lost
    (the holder stalled past it), cancel the block and raise :class:`LockLost`."""
    work = asyncio.current_task()
    assert work is not None
    lost = False

    async def keep() -> None:
        nonlocal lost
        while True:
            await asyncio.sleep(lock.seconds / 3)
            try:
                held = await lock.extend()
            except Unavailable:
                continue  # Redis is away: if it stays away the lock expires; the swap tells
            if not held and not lock.finishing:
                lost = True
                work.cancel()
                return

    extender = asyncio.create_task(keep(), name=f"rebuild-lock-{lock.board.key}")
    try:
        yield
    except asyncio.CancelledError:
        if lost and work.uncancel() == 0:
            raise LockLost(
                f"Lost the rebuild lock of {lock.board.key}/{lock.board.period}; retrying."
            ) from None
        raise
    finally:
        extender.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await extender


async def _finish(lock: BuildLock, started: int) -> None:
    store, keys = lock.store, lock.store.keys(lock.board)
    lock.finishing = True
    if lock.aside:
        script, script_keys = build_scripts.SWAP, [
            keys.rebuild_lock, keys.building, *keys.staged.all(), *keys.live.all(),
            keys.levels_ready, keys.ready, keys.levels_fill,
        ]  # fmt: skip
        args = [lock.token, started, "1" if lock.board.dense else "0"]
    else:
        script, script_keys = build_scripts.FINISH_IN_PLACE, [keys.rebuild_lock, keys.ready]
        args = [lock.token, started]
    # No data version bump: the ranking now equals what the database answered meanwhile,
    # so cached results stay right.
    if not await _run(store, script, script_keys, args):
        raise LockLost(f"The rebuild lock of {lock.board.key} expired before the end; retrying.")


async def _build_aside(lock: BuildLock, batch: int) -> int:
    """Load every standing into the staged keys; returns how many are ranked."""
    count = 0
    async for rows in _standings(lock.board, batch, with_hidden=True):
        for start in range(0, len(rows), STAGE_CHUNK):
            chunk = rows[start : start + STAGE_CHUNK]
            staged = await lock.store.stage(
                lock.board, chunk, dense=lock.board.dense, token=lock.token
            )
            if staged < 0:  # expired while we stalled: another build may be loading now
                raise LockLost(f"Lost the rebuild lock of {lock.board.key}; retrying.")
        count += sum(1 for r in rows if r.score is not None)
    return count


async def _merge_from_database(store: RankingStore, board: BoardRef, batch: int) -> int:
    count = 0
    async for rows in _standings(board, batch, with_hidden=False):
        for start in range(0, len(rows), STAGE_CHUNK):
            await store.project(board, rows[start : start + STAGE_CHUNK], publish=False)
        count += len(rows)
    return count


async def _standings(
    board: BoardRef, batch: int, *, with_hidden: bool, since: datetime | None = None
) -> AsyncIterator[list[Standing]]:
    """The board's standings (changed ``since``, if given) in participant order, ``batch``
    at a time; the next batch is read while the caller loads the current one. Hidden ones
    (opted out) come with no score, when ``with_hidden``."""
    hidden = "" if with_hidden else " AND NOT p.opted_out"
    changed = "" if since is None else " AND s.updated_at >= $5"
    query = (
        "SELECT s.participant_id, s.score, s.version, s.tie_key, p.opted_out"
        " FROM standings s JOIN participants p ON p.id = s.participant_id"
        f" WHERE s.leaderboard_id = $1 AND s.period = $2 AND s.participant_id > $3{hidden}"
        f"{changed} ORDER BY s.participant_id LIMIT $4"
    )
    extra = [] if since is None else [since]

    async def read(after: int) -> list[Standing]:
        rows = await fetch(query, [board.leaderboard_id, board.period, after, batch, *extra])
        return [
            Standing(
                int(r["participant_id"]),
                None if r["opted_out"] else float(r["score"]),
                int(r["version"]),
                r["tie_key"],
            )
            for r in rows
        ]

    rows = await read(0)
    while rows:
        following = asyncio.create_task(read(rows[-1].participant_id))
        try:
            yield rows
        except BaseException:
            following.cancel()
            raise
        rows = await following


async def resync(store: RankingStore, board: BoardRef, since: datetime, batch: int) -> int:
    """Project again, announcing them, the ranking's standings changed ``since``: those a
    process that died between commit and projection may have left out (the others change
    nothing: their versions are in). Returns how many were read."""
    count = 0
    async for rows in _standings(board, batch, with_hidden=True, since=since):
        for start in range(0, len(rows), STAGE_CHUNK):
            await store.project(board, rows[start : start + STAGE_CHUNK], publish=True)
        count += len(rows)
    return count


async def prune_missing(store: RankingStore, board: BoardRef, batch: int) -> None:
    """Remove ranked members the database does not rank: deleted participants for good (a
    tombstone), participants without a standing here any more (a re-scoring dropped them)
    until they score again, opted-out ones at their standing's own version (so an opt-in
    committed meanwhile, with a newer version, still wins)."""
    keys = store.keys(board)
    async for chunk in _scan_members(store, keys.scores, batch):
        pids = [participant_id(m) for m in chunk]
        marks = ", ".join(f"${i + 3}" for i in range(len(pids)))
        rows = await fetch(
            "SELECT s.participant_id, s.version, p.opted_out FROM standings s"
            " JOIN participants p ON p.id = s.participant_id"
            f" WHERE s.leaderboard_id = $1 AND s.period = $2 AND s.participant_id IN ({marks})",
            [board.leaderboard_id, board.period, *pids],
        )
        present = {int(r["participant_id"]) for r in rows}
        hidden = [
            Standing(int(r["participant_id"]), None, int(r["version"]))
            for r in rows
            if r["opted_out"]
        ]
        missing = [p for p in pids if p not in present]
        alive = await _existing_participants(missing)
        await store.remove(board, (p for p in missing if p not in alive))
        now = version_at(datetime.now(UTC))
        dropped = [Standing(p, None, now) for p in missing if p in alive]
        await store.project(board, hidden + dropped, publish=False)


async def _existing_participants(pids: list[int]) -> set[int]:
    if not pids:
        return set()
    marks = ", ".join(f"${i + 1}" for i in range(len(pids)))
    rows = await fetch(f"SELECT id FROM participants WHERE id IN ({marks})", pids)
    return {int(r["id"]) for r in rows}


async def _scan_members(store: RankingStore, key: str, batch: int) -> AsyncIterator[list[str]]:
    cursor = 0
    while True:
        cursor, items = await guard(functools.partial(store.redis.zscan, key, cursor, count=batch))
        if items:
            yield [m for m, _ in items]
        if cursor == 0:
            return


async def _run(store: RankingStore, script: str, keys: list[str], args: list[object]) -> int:
    return int(await store.run(script, keys, args))


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)
