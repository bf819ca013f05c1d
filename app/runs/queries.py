"""Run queries."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated

import strawberry

from app.context import GraphQLInfo
from app.errors import BadUserInput, NotFound
from app.graphql.cursors import (
    history_cursor,
    id_cursor,
    parse_history_cursor,
    parse_id_cursor,
)
from app.graphql.pagination import check_first, page_info, parse_id
from app.leaderboards.service import POINTS
from app.runs import loaders, retention, service, trends
from app.runs.models import RunStatus
from app.runs.service import HistoryCursor, RunView
from app.runs.types import (
    LeaderboardRun,
    LeaderboardTrends,
    RetentionRule,
    RunConnection,
    RunEdge,
)

GROUP_RUNS = (
    "A group of the board's scope (its key): each run's entries are then the group's, as it"
    " was when the run was made, ranked within it."
)


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
        return _connection(page, after, lambda r: id_cursor(r.id))

    @strawberry.field(
        description="The leaderboard's runs whose period ended in [from, to), live and archived"
        " alike, the latest period first (a period's runs newest first)."
    )
    async def history(
        self,
        info: GraphQLInfo,
        leaderboard: str = POINTS,
        group: Annotated[str | None, strawberry.argument(description=GROUP_RUNS)] = None,
        from_: Annotated[datetime | None, strawberry.argument(name="from")] = None,
        to: datetime | None = None,
        first: int = 10,
        after: str | None = None,
    ) -> RunConnection:
        ctx = info.context
        check_first(first, ctx.deps.settings.max_page_size)
        if from_ is not None and to is not None and from_ >= to:
            raise BadUserInput("from must be before to.", field="from")
        board = await ctx.board(leaderboard, group=group)
        cursor = parse_history_cursor(after)
        page = await service.history(
            ctx.tenant.id,
            board.definition.key,
            from_,
            to,
            first,
            HistoryCursor(*cursor) if cursor is not None else None,
        )
        group_id = None if board.group is None else board.group.id
        return _connection(
            page, after, lambda r: history_cursor(service.ended_at(r), r.id), group_id
        )

    @strawberry.field(
        description="The board over its latest `periods` closed periods (1..100; their"
        " scheduled runs, live or archived): who climbed and who fell most from the first to"
        " the last, and who closed most of them within the `top` places (1..100)."
    )
    async def leaderboard_trends(
        self,
        info: GraphQLInfo,
        leaderboard: str = POINTS,
        periods: int = 6,
        top: int = 3,
        first: int = 10,
        group: Annotated[str | None, strawberry.argument(description=GROUP_RUNS)] = None,
    ) -> LeaderboardTrends:
        ctx = info.context
        check_first(first, ctx.deps.settings.max_page_size)
        board = await ctx.board(leaderboard, group=group)
        group_id = None if board.group is None else board.group.id
        key = board.definition.key
        found = await trends.board_trends(ctx.tenant.id, key, periods, top, first, group_id)
        return LeaderboardTrends.from_view(found)

    @strawberry.field(description="Each time window's retention for this tenant (admins).")
    async def retention(self, info: GraphQLInfo) -> list[RetentionRule]:
        ctx = info.context
        ctx.require_admin()
        found = await retention.tenant_rules(ctx.deps.settings, ctx.tenant.id)
        return [RetentionRule.from_view(r) for r in found]

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


def _connection(
    page: service.Page[RunView],
    after: str | None,
    cursor: Callable[[RunView], str],
    group_id: int | None = None,
) -> RunConnection:
    edges = [
        RunEdge(cursor=cursor(r), node=LeaderboardRun.from_view(r, group_id)) for r in page.items
    ]
    return RunConnection(
        edges=edges,
        page_info=page_info(
            [e.cursor for e in edges], has_next=page.has_next, has_previous=after is not None
        ),
    )
