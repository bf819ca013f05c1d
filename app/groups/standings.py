"""Groups ranked against each other on a board: "the best class of the school".

A group's score is the sum or the mean (the board's ``groupScore``) of its ranked members'
scores in the period; members without a standing there, and opted-out ones, do not count,
so a group with no ranked member is not listed. Groups rank in the board's sort order with
competition ranks (equal scores share a rank), then by key. One query, from the standings
and the membership index: exact as of the read, like every database read here.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.db import fetch
from app.groups.views import GroupView, view_of
from app.leaderboards.fallback import VISIBLE
from app.leaderboards.models import GroupScore
from app.ranking.keys import BoardRef


@dataclass(frozen=True, slots=True)
class GroupStandingView:
    rank: int
    group: GroupView
    score: float
    members: int  # ranked members, those whose scores made ``score``


@dataclass(frozen=True, slots=True)
class GroupStandingsPage:
    standings: list[GroupStandingView]
    has_next: bool


async def group_standings(
    board: BoardRef, kind: str, how: GroupScore, first: int, offset: int
) -> GroupStandingsPage:
    """The groups of ``kind`` ranked on ``board``: ``first`` of them after ``offset``."""
    total = "SUM(standings.score)" if how == GroupScore.SUM else "AVG(standings.score)"
    order = "DESC" if board.higher_is_better else "ASC"
    rows = await fetch(
        'SELECT g.id, g."key", g.kind, g.name, t.score, t.members,'
        f" RANK() OVER (ORDER BY t.score {order}) AS place FROM ("
        f"  SELECT m.group_id, {total} AS score, COUNT(*) AS members FROM group_members m"
        "   JOIN groups gk ON gk.id = m.group_id AND gk.tenant_id = $1 AND gk.kind = $4"
        "   JOIN standings ON standings.participant_id = m.participant_id"
        "    AND standings.leaderboard_id = $2 AND standings.period = $3"
        f"  WHERE m.tenant_id = $1 AND {VISIBLE} GROUP BY m.group_id"
        ") t JOIN groups g ON g.id = t.group_id"
        f' ORDER BY place, g."key" LIMIT {int(first) + 1} OFFSET {int(offset)}',
        [board.tenant_id, board.leaderboard_id, board.period, kind],
    )
    found = [
        GroupStandingView(
            int(r["place"]),
            view_of(r),
            float(r["score"]) + 0.0,
            int(r["members"]),
        )
        for r in rows[:first]
    ]
    return GroupStandingsPage(found, len(rows) > first)
