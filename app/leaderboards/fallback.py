"""Rankings read from the database, in the shapes the Redis store returns.

Used while a ranking cannot come from Redis: it is being rebuilt (after a flush or a
restart), or Redis could not give a write's rank. The order is the store's: best score first,
then the tie key, then the participant id, so pages, keyset cursors (spelt as Redis spells
them), ranks and positions agree with what Redis gives once the ranking is back. Each read
is a few queries on the index of the ranking order; counting the entries ahead of one costs
time in its rank, acceptable for the seconds a rebuild lasts, not for the steady state.

The same reads serve the ranking of one group of a scoped board (``BoardRef.group_id``):
the view then also requires membership, through the membership index.

Opted-out participants are scored but never ranked (``VISIBLE``; skipped for a tenant that
has none). Tie keys compare byte-wise, as Redis compares members (the column's collation is
"C", migration 4). A ranking's size is counted once per data version of its tenant: every
committed change moves the version, so the count is as exact as the result cache.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from app.db import fetch
from app.errors import Unavailable
from app.groups.models import members_of
from app.ranking.keys import BoardRef, member, tie_of
from app.ranking.store import (
    Cursor,
    Entry,
    RankingStore,
    Window,
    from_stored,
    stored_text,
    window_of,
)

T = TypeVar("T")

# Opted-out participants are scored but never ranked (a condition on ``standings`` rows).
VISIBLE = (
    "NOT EXISTS (SELECT 1 FROM participants h WHERE h.id = standings.participant_id"
    " AND h.opted_out)"
)
_MEMO_SIZE = 256
_memo: OrderedDict[tuple[object, ...], asyncio.Future[Any]] = OrderedDict()


@dataclass(frozen=True, slots=True)
class View:
    """One ranking as the database has it, as of one data version of its tenant."""

    board: BoardRef
    where: str  # the standings it ranks ($1: leaderboard id, $2: period)
    version: str | None  # None: unknown (Redis away), so nothing is remembered


async def view(store: RankingStore, board: BoardRef) -> View:
    """The ranking ``board`` as the database has it now."""
    try:
        version: str | None = await store.data_version(board.tenant_id)
    except Unavailable:
        version = None
    hidden = await _remembered(("opted-out", board.tenant_id, version), lambda: _hiding(board))
    where = "leaderboard_id = $1 AND period = $2" + (f" AND {VISIBLE}" if hidden else "")
    return View(board, where + in_group(board), version)


def in_group(board: BoardRef) -> str:
    """SQL (`` AND ...`` or nothing): a standing is ranked by the board's group, if any."""
    return "" if board.group_id is None else f" AND {members_of(board.group_id)}"


async def _hiding(board: BoardRef) -> bool:
    """Whether the tenant has opted-out participants at all (an index look-up)."""
    rows = await fetch(
        "SELECT 1 AS one FROM participants WHERE tenant_id = $1 AND opted_out LIMIT 1",
        [board.tenant_id],
    )
    return bool(rows)


async def _remembered(key: tuple[object, ...], compute: Callable[[], Awaitable[T]]) -> T:
    """``compute()``, remembered under ``key`` (whose last part is a data version) while
    that version holds; callers that ask while it is being computed share the computation."""
    if key[-1] is None:
        return await compute()
    found = _memo.get(key)
    if found is None:
        found = _memo[key] = asyncio.ensure_future(compute())
        found.add_done_callback(lambda done: _forget_failed(key, done))
        while len(_memo) > _MEMO_SIZE:
            _memo.popitem(last=False)
    else:
        _memo.move_to_end(key)
    return await asyncio.shield(found)


def _forget_failed(key: tuple[object, ...], done: asyncio.Future[object]) -> None:
    if done.cancelled() or done.exception() is not None:
        _memo.pop(key, None)


def _order(board: BoardRef, *, reverse: bool = False) -> str:
    best_first = board.higher_is_better != reverse
    ties = "DESC" if reverse else "ASC"
    return f"score {'DESC' if best_first else 'ASC'}, tie_key {ties}, participant_id {ties}"


def _better(board: BoardRef, first: int) -> str:
    """SQL: a standing ranks before (score ``$first``, tie key ``$first+1``)."""
    op = ">" if board.higher_is_better else "<"
    return f"(score {op} ${first} OR (score = ${first} AND tie_key < ${first + 1}))"


def _ranks_before(board: BoardRef, a: tuple[float, str], b: tuple[float, str]) -> bool:
    """Whether place ``a`` (score, tie key) ranks before place ``b``."""
    if a[0] != b[0]:
        return a[0] > b[0] if board.higher_is_better else a[0] < b[0]
    return a[1] < b[1]


def _listed_before(board: BoardRef, first: int) -> str:
    """SQL: a standing is listed before (score ``$first``, tie ``$first+1``, id
    ``$first+2``): it ranks before, or it is tied and has a lower id."""
    return (
        f"({_better(board, first)} OR (score = ${first} AND tie_key = ${first + 1}"
        f" AND participant_id < ${first + 2}))"
    )


async def _total(v: View) -> int:
    rows = await fetch(
        f"SELECT COUNT(*) AS n FROM standings WHERE {v.where}",
        [v.board.leaderboard_id, v.board.period],
    )
    return int(rows[0]["n"])


async def _places(v: View, score: float, tie: str, pid: int) -> tuple[int, int, int]:
    """(ranked before (score, tie); listed before (score, tie, pid); and that entry itself,
    0 or 1), from three index ranges, each counted from the index alone: the better scores,
    then within the equal score the tie keys before, then the ids before (or equal to) pid."""
    op = ">" if v.board.higher_is_better else "<"
    values = [v.board.leaderboard_id, v.board.period, score, tie, pid]
    count = f"SELECT COUNT(*) FROM standings WHERE {v.where} AND"
    rows = await fetch(
        f"SELECT ({count} score {op} $3) AS above,"
        f" ({count} score = $3 AND tie_key < $4) AS tie_before,"
        f" ({count} score = $3 AND tie_key = $4 AND participant_id < $5) AS id_before,"
        f" ({count} score = $3 AND tie_key = $4 AND participant_id = $5) AS itself",
        values,
    )
    r = rows[0]
    better = int(r["above"]) + int(r["tie_before"])
    return better, better + int(r["id_before"]), int(r["itself"])


async def size(v: View) -> int:
    """How many participants the ranking holds."""
    return await _remembered(("size", v.board, v.version), lambda: _total(v))


async def _rows(
    v: View,
    condition: str,
    values: Sequence[object],
    limit: int,
    *,
    reverse: bool = False,
    offset: int = 0,
) -> list[tuple[str, str]]:
    """(member, stored score) pairs of standings meeting ``condition``, in board order."""
    if limit <= 0:
        return []
    board = v.board
    found = await fetch(
        f"SELECT participant_id, score, tie_key FROM standings WHERE {v.where} AND {condition}"
        f" ORDER BY {_order(board, reverse=reverse)} LIMIT {int(limit)} OFFSET {int(offset)}",
        [board.leaderboard_id, board.period, *values],
    )
    return [
        (member(int(r["participant_id"]), r["tie_key"]), stored_text(board, float(r["score"])))
        for r in found
    ]


async def _window(v: View, start: int, pairs: list[tuple[str, str]], limit: int) -> Window:
    """The window of ``pairs`` read with ``limit + 1``: the extra one says more follow. Its
    total is not counted (a count over a large ranking is what ``size`` is for, when asked)."""
    more, pairs = len(pairs) > limit, pairs[:limit]
    if not pairs:
        return Window(None, start, [], more)
    score, tie = from_stored(v.board, pairs[0][1]), tie_of(pairs[0][0])
    rank = 1 if start == 0 else (await _places(v, score, tie, 0))[0] + 1
    return window_of(v.board, None, start, rank, 0, pairs, more)


async def window_from(v: View, start: int, limit: int) -> Window:
    """Rows ``start .. start+limit-1`` (0-based positions)."""
    return await _window(v, start, await _rows(v, "TRUE", (), limit + 1, offset=start), limit)


async def window_after(v: View, cursor: Cursor, limit: int) -> Window:
    """Up to ``limit`` rows listed after ``cursor`` (its row need not still exist)."""
    score = from_stored(v.board, cursor.stored)
    place = [score, cursor.tie, cursor.participant_id]
    at_cursor = "score = $3 AND tie_key = $4 AND participant_id = $5"
    through = f"({_listed_before(v.board, 3)} OR ({at_cursor}))"
    _, before, itself = await _places(v, score, cursor.tie, cursor.participant_id)
    pairs = await _rows(v, f"NOT {through}", place, limit + 1)
    return await _window(v, before + itself, pairs, limit)


async def window_around(v: View, pid: int, radius: int) -> Window | None:
    """The participant's row with up to ``radius`` rows either side; None if unranked."""
    own = await _ranked_score(v, pid)
    if own is None:
        return None
    place = [own[0], own[1], pid]
    before = _listed_before(v.board, 3)
    _, position, _ = await _places(v, own[0], own[1], pid)
    above = await _rows(v, before, place, radius, reverse=True)
    from_here = await _rows(v, f"NOT {before}", place, radius + 2)
    pairs = [*reversed(above), *from_here]
    return await _window(v, position - len(above), pairs, len(above) + radius + 1)


async def entries(v: View, pids: Sequence[int]) -> dict[int, Entry | None]:
    """Each participant's entry, None for those not ranked."""
    return {pid: await entry_of(v, pid) for pid in pids}


async def entry_of(v: View, pid: int) -> Entry | None:
    """The participant's place, None when it is not ranked."""
    found = await _ranked_score(v, pid)
    return None if found is None else await entry_with(v, pid, *found)


async def _ranked_score(v: View, pid: int) -> tuple[float, str] | None:
    rows = await fetch(
        f"SELECT score, tie_key FROM standings WHERE {v.where} AND participant_id = $3",
        [v.board.leaderboard_id, v.board.period, pid],
    )
    return (float(rows[0]["score"]), rows[0]["tie_key"]) if rows else None


async def standing_score(board: BoardRef, participant_id: int) -> tuple[float, str] | None:
    """The participant's score and tie key in the database, ranked or not (opted out)."""
    rows = await fetch(
        "SELECT score, tie_key FROM standings WHERE leaderboard_id = $1 AND period = $2"
        " AND participant_id = $3",
        [board.leaderboard_id, board.period, participant_id],
    )
    return (float(rows[0]["score"]), rows[0]["tie_key"]) if rows else None


async def entry_with(v: View, participant_id: int, score: float, tie: str) -> Entry:
    """The entry the participant has with ``score`` and ``tie`` among the others as they are:
    rank (1 + how many others rank before) and position (how many others are listed before:
    those, and the tied ones with a lower id)."""
    better, listed, _ = await _places(v, score, tie, participant_id)
    # The participant's own standing may still hold its previous score and rank before.
    own = await _ranked_score(v, participant_id)
    if own is not None and own != (score, tie) and _ranks_before(v.board, own, (score, tie)):
        better, listed = better - 1, listed - 1
    return Entry(score, better + 1, tie, listed)


async def dense_rank(v: View, score: float, tie: str, competition: int) -> int:
    """The DENSE rank of a place: 1 + how many distinct (score, tie key) places rank before
    it (none when its COMPETITION rank is 1)."""
    if competition == 1:
        return 1
    rows = await fetch(
        "SELECT COUNT(*) AS n FROM (SELECT DISTINCT score, tie_key FROM standings"
        f" WHERE {v.where} AND {_better(v.board, 3)}) p",
        [v.board.leaderboard_id, v.board.period, score, tie],
    )
    return int(rows[0]["n"]) + 1


async def place_among_others(
    v: View, participant_id: int, score: float, tie: str
) -> tuple[int, int, int]:
    """(COMPETITION rank, place, DENSE rank) that the participant would have with ``score``
    and ``tie`` among the ranking's other standings as they are now (its own standing, with
    whatever score it holds, is left out): what a group's live feed reports for a change,
    before and after, since the whole board's ranks in a change message are not the group's."""
    op = ">" if v.board.higher_is_better else "<"
    others = f"FROM standings WHERE {v.where} AND participant_id <> $5"
    rows = await fetch(
        f"SELECT (SELECT COUNT(*) {others} AND score {op} $3) AS above,"
        f" (SELECT COUNT(*) {others} AND score = $3 AND tie_key < $4) AS tie_before,"
        f" (SELECT COUNT(*) {others} AND score = $3 AND tie_key = $4 AND participant_id < $5)"
        " AS id_before,"
        f" (SELECT COUNT(*) FROM (SELECT DISTINCT score, tie_key {others}"
        f" AND {_better(v.board, 3)}) p) AS levels",
        [v.board.leaderboard_id, v.board.period, score, tie, participant_id],
    )
    r = rows[0]
    rank = int(r["above"]) + int(r["tie_before"]) + 1
    return rank, rank + int(r["id_before"]), int(r["levels"]) + 1
