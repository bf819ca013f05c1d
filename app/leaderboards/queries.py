"""Leaderboard queries."""

from __future__ import annotations

import strawberry

from app.context import GraphQLInfo
from app.graphql.pagination import check_first
from app.leaderboards import rankings
from app.leaderboards.service import POINTS
from app.leaderboards.types import Leaderboard, ScoreGroup


@strawberry.type
class LeaderboardQueries:
    @strawberry.field(description="An active leaderboard by key (NOT_FOUND when there is none).")
    async def leaderboard(self, info: GraphQLInfo, key: str = POINTS) -> Leaderboard:
        return Leaderboard.from_info(await info.context.board(key))

    @strawberry.field(
        description="Participants grouped by score, best score first, with their average age."
        " Page with `first` and `after` (the last score of the previous page)."
    )
    async def score_groups(
        self,
        info: GraphQLInfo,
        leaderboard: str = POINTS,
        first: int = 100,
        after: float | None = None,
    ) -> list[ScoreGroup]:
        check_first(first, info.context.deps.settings.max_page_size)
        board = (await info.context.board(leaderboard)).ref
        groups = await rankings.score_groups(board, first, after)
        return [
            ScoreGroup(score=g.score, count=g.count, average_age=g.average_age, board=board)
            for g in groups
        ]
