"""Reading rankings: pages, one entry, the neighbourhood of an entry, score groups.

Ranks and scores come from Redis in one script call per read; participant details come from
the database in one query per read (never one per entry).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TypeVar

from app.db import fetch
from app.deps import Deps
from app.errors import Unavailable
from app.participants.service import ParticipantView, get_participants
from app.ranking.keys import BoardRef
from app.ranking.store import Cursor, RankedRow, RankingNotReady, Window

T = TypeVar("T")

READY_WAIT_SECONDS = 3.0


@dataclass(frozen=True, slots=True)
class EntryView:
    rank: int
    score: float
    participant: ParticipantView
    cursor: Cursor


@dataclass(frozen=True, slots=True)
class EntriesPage:
    entries: list[EntryView]
    total: int
    has_next: bool
    has_previous: bool


@dataclass(frozen=True, slots=True)
class ScoreGroupView:
    score: float
    count: int
    average_age: float | None


async def _when_ready(deps: Deps, board: BoardRef, read: Callable[[], Awaitable[T]]) -> T:
    try:
        return await read()
    except RankingNotReady:
        await deps.keeper.wait_ready(board, READY_WAIT_SECONDS)
        return await read()


async def _hydrate(tenant_id: int, rows: Sequence[RankedRow]) -> list[EntryView]:
    people = await get_participants(tenant_id, [r.participant_id for r in rows])
    # A participant deleted between the two reads is skipped rather than shown half-known.
    return [
        EntryView(r.rank, r.score, people[r.participant_id], Cursor(r.stored, r.participant_id))
        for r in rows
        if r.participant_id in people
    ]


async def page(deps: Deps, board: BoardRef, first: int, after: Cursor | None) -> EntriesPage:
    """``first`` entries from the top, or after ``after`` (stable while scores move)."""

    async def read() -> Window:
        if after is None:
            return await deps.store.window_from(board, 0, first)
        return await deps.store.window_after(board, after, first)

    window = await _when_ready(deps, board, read)
    entries = await _hydrate(board.tenant_id, window.rows)
    return EntriesPage(
        entries,
        window.total,
        has_next=window.start + len(window.rows) < window.total,
        has_previous=window.start > 0,
    )


async def size(deps: Deps, board: BoardRef) -> int:
    """How many participants the board ranks."""
    window = await _when_ready(deps, board, lambda: deps.store.window_from(board, 0, 0))
    return window.total


async def around(deps: Deps, board: BoardRef, participant_id: int, radius: int) -> list[EntryView]:
    """The participant's entry with up to ``radius`` entries above and below; [] if unranked."""
    window = await _when_ready(
        deps, board, lambda: deps.store.window_around(board, participant_id, radius)
    )
    return [] if window is None else await _hydrate(board.tenant_id, window.rows)


async def scores_and_ranks(
    deps: Deps, board: BoardRef, participant_ids: Sequence[int]
) -> dict[int, tuple[float, int] | None]:
    """``(score, rank)`` per participant, None for those not on the board. One Redis call."""
    return await _when_ready(deps, board, lambda: deps.store.entries(board, participant_ids))


async def rank_of_score(deps: Deps, board: BoardRef, participant_id: int, score: float) -> int:
    """The rank the participant has with ``score``; falls back to the database while Redis
    is away."""
    try:
        return await _when_ready(
            deps, board, lambda: deps.store.rank_of(board, participant_id, score)
        )
    except Unavailable:
        return await _rank_in_database(board, participant_id, score)


async def entry_from_database(board: BoardRef, participant_id: int) -> tuple[float, int] | None:
    """``(score, rank)`` computed by the database: the fallback while Redis is away."""
    rows = await fetch(
        "SELECT score FROM standings WHERE leaderboard_id = $1 AND period = $2"
        " AND participant_id = $3",
        [board.leaderboard_id, board.period, participant_id],
    )
    if not rows:
        return None
    score = float(rows[0]["score"])
    return score, await _rank_in_database(board, participant_id, score)


async def _rank_in_database(board: BoardRef, participant_id: int, score: float) -> int:
    """1 + how many others have a better score (competition ranking)."""
    better = ">" if board.higher_is_better else "<"
    rows = await fetch(
        "SELECT COUNT(*) + 1 AS rank FROM standings WHERE leaderboard_id = $1"
        f" AND period = $2 AND participant_id <> $3 AND score {better} $4",
        [board.leaderboard_id, board.period, participant_id, score],
    )
    return int(rows[0]["rank"])


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
        f" WHERE s.leaderboard_id = $1 AND s.period = $2{condition}"
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
