"""Group queries: the groups, and groups ranked against each other on a board."""

from __future__ import annotations

import strawberry

from app.context import GraphQLInfo
from app.errors import BadUserInput
from app.graphql.cursors import (
    key_cursor,
    parse_key_cursor,
    parse_position_cursor,
    position_cursor,
)
from app.graphql.pagination import Edge, check_first, page_info
from app.groups import service
from app.groups.standings import group_standings
from app.groups.types import Group, GroupConnection, GroupStanding, GroupStandingConnection
from app.groups.views import check_kind, get_group
from app.leaderboards.service import POINTS


@strawberry.type
class GroupQueries:
    @strawberry.field(description="The tenant's groups in key order (of one kind, if given).")
    async def groups(
        self,
        info: GraphQLInfo,
        kind: str | None = None,
        first: int = 100,
        after: str | None = None,
    ) -> GroupConnection:
        ctx = info.context
        check_first(first, ctx.deps.settings.max_page_size)
        if kind is not None:
            check_kind(kind)
        page = await service.list_groups(ctx.tenant.id, kind, first, parse_key_cursor(after))
        edges = [Edge(cursor=key_cursor(g.key), node=Group.from_view(g)) for g in page.groups]
        return GroupConnection(
            edges=edges,
            page_info=page_info(
                [e.cursor for e in edges], has_next=page.has_next, has_previous=after is not None
            ),
        )

    @strawberry.field(description="The group of this key; NOT_FOUND if there is none.")
    async def group(self, info: GraphQLInfo, key: str) -> Group:
        return Group.from_view(await get_group(info.context.tenant.id, key))

    @strawberry.field(
        description="Groups of `kind` (default: the board's scope) ranked against each other"
        " by the sum or mean (the board's groupScore) of their ranked members' scores, in"
        " the board's period (default: the current one). Groups without a ranked member"
        " are not listed."
    )
    async def group_standings(
        self,
        info: GraphQLInfo,
        leaderboard: str = POINTS,
        kind: str | None = None,
        period: str | None = None,
        first: int = 20,
        after: str | None = None,
    ) -> GroupStandingConnection:
        ctx = info.context
        check_first(first, ctx.deps.settings.max_page_size)
        board = await ctx.board(leaderboard, period)
        kind = kind or board.definition.scope
        if kind is None:
            raise BadUserInput(
                f"Leaderboard {leaderboard!r} has no scope: say which kind of groups to rank.",
                field="kind",
            )
        check_kind(kind)
        start = parse_position_cursor(after) or 0
        how = board.definition.group_score
        page = await group_standings(board.ref, kind, how, first, start)
        edges = [
            Edge(cursor=position_cursor(start + i + 1), node=GroupStanding.from_view(s))
            for i, s in enumerate(page.standings)
        ]
        return GroupStandingConnection(
            edges=edges,
            page_info=page_info(
                [e.cursor for e in edges], has_next=page.has_next, has_previous=start > 0
            ),
        )
