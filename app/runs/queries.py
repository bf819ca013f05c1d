"""Run queries."""

from __future__ import annotations

import strawberry

from app.context import GraphQLInfo
from app.errors import NotFound
from app.graphql.cursors import id_cursor, parse_id_cursor
from app.graphql.pagination import PageInfo, check_first, parse_id
from app.leaderboards.service import POINTS
from app.runs import loaders, service
from app.runs.models import RunStatus
from app.runs.types import LeaderboardRun, RunConnection, RunEdge


@strawberry.type
class RunQueries:
    @strawberry.field(description="The leaderboard's runs, newest first (of one status if given).")
    async def leaderboard_runs(
        self,
        info: GraphQLInfo,
        leaderboard: str = POINTS,
        status: RunStatus | None = None,
        first: int = 10,
        after: str | None = None,
    ) -> RunConnection:
        ctx = info.context
        check_first(first, ctx.deps.settings.max_page_size)
        board = await ctx.board(leaderboard)  # NOT_FOUND for a board this caller cannot see
        key, before = board.definition.key, parse_id_cursor(after)
        page = await service.list_runs(ctx.tenant.id, key, status, first, before)
        edges = [
            RunEdge(cursor=id_cursor(r.id), node=LeaderboardRun.from_view(r)) for r in page.items
        ]
        return RunConnection(
            edges=edges,
            page_info=PageInfo(
                has_next_page=page.has_next,
                has_previous_page=after is not None,
                start_cursor=edges[0].cursor if edges else None,
                end_cursor=edges[-1].cursor if edges else None,
            ),
        )

    @strawberry.field(description="The leaderboard's latest COMPLETE run; null before any.")
    async def latest_run(
        self, info: GraphQLInfo, leaderboard: str = POINTS
    ) -> LeaderboardRun | None:
        board = await info.context.board(leaderboard)
        found = await loaders.latest(info.context).load(board.definition.key)
        return LeaderboardRun.from_view(found) if found is not None else None

    @strawberry.field(description="A run by id; null when there is none (or it is not yours).")
    async def run(self, info: GraphQLInfo, id: strawberry.ID) -> LeaderboardRun | None:
        ctx = info.context
        try:
            found = await service.get_run(ctx.tenant.id, parse_id(id))
            await ctx.board(found.leaderboard)  # a run of a board this caller cannot see
        except NotFound:
            return None
        return LeaderboardRun.from_view(found)
