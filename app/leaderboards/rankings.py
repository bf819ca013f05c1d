"""Reading rankings: pages, one entry, the neighbourhood of an entry, score groups.

Ranks and scores come from Redis in one script call per read; participant details come from
the database in one query per read (never one per entry). A ranking that Redis does not
have complete (being rebuilt after a flush or a restart) is read from the database instead
(``fallback``), while the keeper rebuilds it: reads are slower for those seconds, never
refused, and writes never wait for the rebuild.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import TypeVar

from app.db import fetch, is_sqlite
from app.deps import Deps
from app.errors import Unavailable
from app.leaderboards import fallback
from app.leaderboards.fallback import VISIBLE
from app.leaderboards.models import RankMode
from app.participants.views import ParticipantView, get_participants
from app.ranking.keys import BoardRef
from app.ranking.store import Cursor, Entry, RankedRow, RankingNotReady, Window

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class EntryView:
    rank: int
    score: float
    participant: ParticipantView
    cursor: Cursor  # holds the tie key
    position: int | None = None  # 0-based place in the ordering (ties by participant id)
    dense: int | None = None  # the dense rank, where the ranking keeps levels


@dataclass(frozen=True, slots=True)
class EntriesPage:
    entries: list[EntryView]
    total: int | None  # None: not counted yet (read from the database); see ``size``
    has_next: bool
    has_previous: bool


@dataclass(frozen=True, slots=True)
class ScoreGroupView:
    score: float
    count: int
    average_age: float | None


async def _read(
    deps: Deps,
    board: BoardRef,
    from_redis: Callable[[], Awaitable[T]],
    from_database: Callable[[fallback.View], Awaitable[T]],
) -> T:
    """Read from Redis; while it does not hold the whole ranking, have it rebuilt and read
    from the database. A group's ranking, and a released one (its period closed longer
    ago than the grace, and snapshotted: ``app.leaderboards.release``), are always read
    from the database."""
    if board.group_id is not None or await deps.keeper.released(board):
        return await from_database(await fallback.view(deps.store, board))
    try:
        return await from_redis()
    except RankingNotReady:
        deps.keeper.ensure_rebuilding(board)
        return await from_database(await fallback.view(deps.store, board))


async def _hydrate(tenant_id: int, rows: Sequence[RankedRow]) -> list[EntryView]:
    people = await get_participants(tenant_id, [r.participant_id for r in rows])
    # A participant deleted between the two reads is skipped rather than shown half-known.
    return [
        EntryView(
            r.rank,
            r.score,
            people[r.participant_id],
            Cursor(r.stored, r.participant_id, r.tie),
            r.position,
            r.dense,
        )
        for r in rows
        if r.participant_id in people
    ]


async def page(deps: Deps, board: BoardRef, first: int, after: Cursor | None) -> EntriesPage:
    """``first`` entries from the top, or after ``after`` (stable while scores move)."""

    async def from_redis() -> Window:
        if after is None:
            return await deps.store.window_from(board, 0, first)
        return await deps.store.window_after(board, after, first)

    async def from_database(view: fallback.View) -> Window:
        if after is None:
            return await fallback.window_from(view, 0, first)
        return await fallback.window_after(view, after, first)

    window = await _read(deps, board, from_redis, from_database)
    entries = await _hydrate(board.tenant_id, window.rows)
    return EntriesPage(
        entries,
        window.total,
        has_next=window.has_more,
        has_previous=window.start > 0,
    )


async def top_rows(deps: Deps, board: BoardRef, first: int) -> list[RankedRow]:
    """The first ``first`` rows of the ranking in Redis, without participant details (a
    ranking being rebuilt is waited for: this is what ``ranked verify`` checks)."""
    try:
        window = await deps.store.window_from(board, 0, first)
    except RankingNotReady:
        await deps.keeper.rebuild(board)
        window = await deps.store.window_from(board, 0, first)
    return window.rows


async def top_places(deps: Deps, board: BoardRef, first: int) -> list[RankedRow]:
    """The first ``first`` rows as one consistent read (one Redis script call, or one query
    while the ranking is rebuilt), without participant details."""
    window = await _read(
        deps,
        board,
        lambda: deps.store.window_from(board, 0, first),
        lambda view: fallback.window_from(view, 0, first),
    )
    return window.rows


async def top_as_shown(deps: Deps, board: BoardRef, first: int) -> list[EntryView]:
    """The first ``first`` entries as the board shows them: within its maxEntries, ranked
    in its rank mode (for live tops)."""
    definition = await deps.definitions.board(board.tenant_id, board.key)
    found = capped(await page(deps, board, first, None), definition.max_entries)
    return await ranked_as(deps, definition.rank_mode, board, found.entries)


async def size(deps: Deps, board: BoardRef) -> int:
    """How many participants the board ranks."""

    async def from_redis() -> int:
        return (await deps.store.window_from(board, 0, 0)).total or 0

    return await _read(deps, board, from_redis, fallback.size)


async def around(deps: Deps, board: BoardRef, participant_id: int, radius: int) -> list[EntryView]:
    """The participant's entry with up to ``radius`` entries above and below; [] if unranked."""
    window = await _read(
        deps,
        board,
        lambda: deps.store.window_around(board, participant_id, radius),
        lambda view: fallback.window_around(view, participant_id, radius),
    )
    return [] if window is None else await _hydrate(board.tenant_id, window.rows)


async def scores_and_ranks(
    deps: Deps, board: BoardRef, participant_ids: Sequence[int]
) -> dict[int, Entry | None]:
    """Each participant's place, None for those not on the board. One Redis call."""
    return await _read(
        deps,
        board,
        lambda: deps.store.entries(board, participant_ids),
        lambda view: fallback.entries(view, participant_ids),
    )


async def entry_now(deps: Deps, board: BoardRef, participant_id: int) -> Entry | None:
    """The participant's place now (None: not ranked); from the database while Redis is
    away, for writes, which are answered whatever happens to Redis."""
    try:
        return (await scores_and_ranks(deps, board, [participant_id]))[participant_id]
    except Unavailable:
        return await fallback.entry_of(await fallback.view(deps.store, board), participant_id)


standing_score = fallback.standing_score


async def standing_scores(board: BoardRef, participant_ids: Sequence[int]) -> dict[int, float]:
    """The participants' scores in the database, ranked or not (opted out, or beyond the
    board's maxEntries); those without a standing are left out. One query."""
    if not participant_ids:
        return {}
    marks = ", ".join(f"${i + 3}" for i in range(len(participant_ids)))
    rows = await fetch(
        "SELECT participant_id, score FROM standings WHERE leaderboard_id = $1 AND period = $2"
        f" AND participant_id IN ({marks})",
        [board.leaderboard_id, board.period, *participant_ids],
    )
    return {int(r["participant_id"]): float(r["score"]) for r in rows}


async def entry_with(
    deps: Deps, board: BoardRef, participant_id: int, score: float, tie: str
) -> Entry:
    """The entry the participant has with ``score`` and tie key ``tie`` among the others as
    they are now; from the database while Redis is away or rebuilding the ranking."""
    try:
        return await _read(
            deps,
            board,
            lambda: deps.store.rank_of(board, participant_id, score, tie),
            lambda view: fallback.entry_with(view, participant_id, score, tie),
        )
    except Unavailable:
        view = await fallback.view(deps.store, board)
        return await fallback.entry_with(view, participant_id, score, tie)


async def entries_with(
    deps: Deps, board: BoardRef, wanted: Sequence[tuple[int, float, str]]
) -> list[Entry] | None:
    """:func:`entry_with` of several ``(participant id, score, tie)`` in one Redis round
    trip; None when Redis cannot answer for the whole ranking now (ask one by one then)."""
    if not wanted or board.group_id is not None or await deps.keeper.released(board):
        return None
    try:
        return await deps.store.ranks_of(board, wanted)
    except (RankingNotReady, Unavailable):
        return None


async def rank_as(deps: Deps, mode: RankMode, board: BoardRef, entry: Entry) -> int:
    """The entry's rank in ``mode`` (it arrives with its COMPETITION rank)."""
    if mode == RankMode.ORDINAL and entry.position is not None:
        return entry.position + 1
    if mode == RankMode.DENSE:
        if entry.dense is not None:
            return entry.dense
        view = await fallback.view(deps.store, board)
        return await fallback.dense_rank(view, entry.score, entry.tie, entry.rank)
    return entry.rank


async def score_groups(board: BoardRef, first: int, below: float | None) -> list[ScoreGroupView]:
    """Participants grouped by score, best first, with exact average ages (2 decimals)."""
    order, compare = ("DESC", "<") if board.higher_is_better else ("ASC", ">")
    condition = f" AND s.score {compare} $3" if below is not None else ""
    values: list[object] = [board.leaderboard_id, board.period]
    if below is not None:
        values.append(below)
    values.append(first)
    rows = await fetch(
        "SELECT s.score AS score, COUNT(*) AS n, SUM(p.age) AS age_sum, COUNT(p.age) AS age_n"
        " FROM standings s JOIN participants p ON p.id = s.participant_id"
        f" WHERE s.leaderboard_id = $1 AND s.period = $2 AND NOT p.opted_out{condition}"
        f"{fallback.in_group(board)}"
        f" GROUP BY s.score ORDER BY s.score {order} LIMIT ${len(values)}",
        values,
    )
    return [
        ScoreGroupView(float(r["score"]) + 0.0, int(r["n"]), _average(r["age_sum"], r["age_n"]))
        for r in rows
    ]


def _average(total: int | None, count: int) -> float | None:
    if not count or total is None:
        return None
    exact = Decimal(int(total)) / Decimal(int(count))
    return float(exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


async def participants_with_scores(
    board: BoardRef, scores: Sequence[float], first: int, after_id: int | None
) -> dict[float, tuple[list[ParticipantView], bool]]:
    """For each score, its first ``first`` participants after ``after_id`` in id order, and
    whether more follow. One query for all the scores (no query per score group)."""
    marks = ", ".join(f"${i}" for i in range(4, 4 + len(scores)))
    rows = await fetch(
        "SELECT score, participant_id FROM ("
        " SELECT score, participant_id,"
        "  ROW_NUMBER() OVER (PARTITION BY score ORDER BY participant_id) AS n"
        " FROM standings WHERE leaderboard_id = $1 AND period = $2 AND participant_id > $3"
        f" AND {VISIBLE}{fallback.in_group(board)}"
        f" AND score IN ({marks})) ranked"
        f" WHERE n <= ${4 + len(scores)} ORDER BY score, participant_id",
        [board.leaderboard_id, board.period, after_id or 0, *scores, first + 1],
    )
    by_score: dict[float, list[int]] = {float(s): [] for s in scores}
    for r in rows:
        by_score[float(r["score"])].append(int(r["participant_id"]))
    people = await get_participants(board.tenant_id, [r["participant_id"] for r in rows])
    return {
        score: ([people[i] for i in ids[:first] if i in people], len(ids) > first)
        for score, ids in by_score.items()
    }


# -- rank modes, caps, percentiles, distribution ------------------------------------------


async def ranked_as(
    deps: Deps, mode: RankMode, board: BoardRef, entries: list[EntryView]
) -> list[EntryView]:
    """Entries (consecutive, as read) with ranks in ``mode``; they arrive in COMPETITION."""
    if mode == RankMode.COMPETITION or not entries:
        return entries
    if mode == RankMode.ORDINAL:
        return [replace(e, rank=(e.position or 0) + 1) for e in entries]
    if all(e.dense is not None for e in entries):  # read from the ranking's levels
        return [replace(e, rank=e.dense or 0) for e in entries]
    first = entries[0]
    view = await fallback.view(deps.store, board)
    rank = await fallback.dense_rank(view, first.score, first.cursor.tie, first.rank)
    out: list[EntryView] = []
    for previous, entry in zip([None, *entries], entries, strict=False):
        if previous is not None and _place(entry) != _place(previous):
            rank += 1
        out.append(replace(entry, rank=rank))
    return out


def _place(entry: EntryView) -> tuple[float, str]:
    return entry.score, entry.cursor.tie


def capped(page: EntriesPage, max_entries: int | None) -> EntriesPage:
    """The page within the board's ``maxEntries`` (the ranking itself holds everyone)."""
    if max_entries is None:
        return page
    entries = [e for e in page.entries if e.position is None or e.position < max_entries]
    last = entries[-1].position if entries else None
    return EntriesPage(
        entries,
        None if page.total is None else min(page.total, max_entries),
        has_next=page.has_next and last is not None and last + 1 < max_entries,
        has_previous=page.has_previous,
    )


def within_cap(entries: list[EntryView], max_entries: int | None) -> list[EntryView]:
    if max_entries is None:
        return entries
    return [e for e in entries if e.position is None or e.position < max_entries]


def percentile(rank: int, total: int) -> float:
    """Share of the ranked participants (in %) this rank is ahead of or level with."""
    if total <= 0:
        return 0.0
    return round(100.0 * (total - rank + 1) / total, 2)


@dataclass(frozen=True, slots=True)
class BucketView:
    low: float  # inclusive
    high: float  # exclusive, except in the last bucket
    count: int


async def distribution(board: BoardRef, buckets: int) -> list[BucketView]:
    """How many participants fall in each of ``buckets`` equal score ranges (min to max)."""
    rows = await fetch(
        "SELECT MIN(score) AS low, MAX(score) AS high, COUNT(*) AS n FROM standings"
        f" WHERE leaderboard_id = $1 AND period = $2 AND {VISIBLE}{fallback.in_group(board)}",
        [board.leaderboard_id, board.period],
    )
    if not rows or not rows[0]["n"]:
        return []
    low, high = float(rows[0]["low"]), float(rows[0]["high"])
    width = (high - low) / buckets if high > low else 1.0
    # Truncation, not rounding (PostgreSQL rounds when casting to an integer).
    bucket = "CAST((score - $3) / $4 AS INTEGER)" if is_sqlite() else "FLOOR((score - $3) / $4)"
    counts = await fetch(
        f"SELECT CASE WHEN score >= $1 THEN $2 ELSE {bucket} END AS b,"
        " COUNT(*) AS n FROM standings WHERE leaderboard_id = $5 AND period = $6"
        f" AND {VISIBLE}{fallback.in_group(board)} GROUP BY 1",
        [high, buckets - 1, low, width, board.leaderboard_id, board.period],
    )
    by_bucket = {min(int(r["b"]), buckets - 1): int(r["n"]) for r in counts}
    if high == low:
        return [BucketView(low, high, by_bucket.get(buckets - 1, 0) + by_bucket.get(0, 0))]
    return [
        BucketView(low + i * width, low + (i + 1) * width if i < buckets - 1 else high,
                   by_bucket.get(i, 0))
        for i in range(buckets)
    ]  # fmt: skip


async def snapshots(
    board: BoardRef, pids: Sequence[int]
) -> dict[int, tuple[str | None, str | None]]:
    """``(display name, avatar)`` of each participant as of its last score change here."""
    ids = sorted(set(pids))
    if not ids:
        return {}
    marks = ", ".join(f"${i + 3}" for i in range(len(ids)))
    rows = await fetch(
        "SELECT participant_id, display_name, avatar FROM standings WHERE leaderboard_id = $1"
        f" AND period = $2 AND participant_id IN ({marks})",
        [board.leaderboard_id, board.period, *ids],
    )
    return {int(r["participant_id"]): (r["display_name"], r["avatar"]) for r in rows}
