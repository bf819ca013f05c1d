"""Winner queries."""

from __future__ import annotations

import strawberry

from app.context import GraphQLInfo
from app.graphql.cursors import id_cursor, parse_id_cursor
from app.graphql.pagination import PageInfo, check_first
from app.leaderboards.service import POINTS
from app.winners import service
from app.winners.types import Winner, WinnerConnection, WinnerEdge


@strawberry.type
class WinnerQueries:
    @strawberry.field(description="The leaderboard's winners, newest first.")
    async def winners(
        self,
        info: GraphQLInfo,
        leaderboard: str = POINTS,
        first: int = 10,
        after: str | None = None,
    ) -> WinnerConnection:
        ctx = info.context
        check_first(first, ctx.deps.settings.max_page_size)
        board = await ctx.board(leaderboard)  # NOT_FOUND for a board this caller cannot see
        page = await service.winners(
            ctx.tenant.id, board.definition.key, first, parse_id_cursor(after)
        )
        edges = [WinnerEdge(cursor=id_cursor(w.id), node=Winner.from_view(w)) for w in page.items]
        return WinnerConnection(
            edges=edges,
            page_info=PageInfo(
                has_next_page=page.has_next,
                has_previous_page=after is not None,
                start_cursor=edges[0].cursor if edges else None,
                end_cursor=edges[-1].cursor if edges else None,
            ),
        )
