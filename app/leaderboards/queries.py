"""Leaderboard queries."""

from __future__ import annotations

from typing import Annotated

import strawberry

from app.context import GraphQLInfo
from app.graphql.pagination import check_first
from app.leaderboards import rankings, service
from app.leaderboards.definition_types import Metric
from app.leaderboards.service import POINTS, board_in
from app.leaderboards.types import Leaderboard, ScoreGroup
from app.tenancy.access import can_see


@strawberry.type
class LeaderboardQueries:
    @strawberry.field(
        description="An active leaderboard by key (NOT_FOUND when there is none), in its"
        " current period or in `period` (a key such as 2025-W44)."
    )
    async def leaderboard(
        self,
        info: GraphQLInfo,
        key: str = POINTS,
        period: str | None = None,
        group: Annotated[
            str | None,
            strawberry.argument(
                description="A group of the board's scope (its key): the ranking of its"
                " members only, with their ranks among themselves."
            ),
        ] = None,
    ) -> Leaderboard:
        return Leaderboard.from_info(await info.context.board(key, period, group))

    @strawberry.field(description="Leaderboards by key, in their current periods.")
    async def leaderboards(
        self, info: GraphQLInfo, category: str | None = None, active: bool | None = True
    ) -> list[Leaderboard]:
        found = await service.list_boards(info.context.tenant.id, category, active)
        who = info.context.caller
        return [Leaderboard.from_info(board_in(d)) for d in found if can_see(who, d.visibility)]

    @strawberry.field(description="Every metric, by key.")
    async def metrics(self, info: GraphQLInfo) -> list[Metric]:
        return [Metric.from_row(m) for m in await service.list_metrics(info.context.tenant.id)]

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
