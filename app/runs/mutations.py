"""Run mutations (admins only)."""

from __future__ import annotations

from datetime import UTC, datetime

import strawberry

from app.context import GraphQLInfo
from app.runs import service
from app.runs.types import LeaderboardRun


@strawberry.type
class RunMutations:
    @strawberry.mutation(
        description="Ask for a run of the leaderboard in `period` (a key; default: the current"
        " one): returned PENDING, made by the worker. It keeps the board's maxEntries (1,000"
        " without one), or every entry with keepAll."
    )
    async def trigger_run(
        self,
        info: GraphQLInfo,
        leaderboard: str,
        period: str | None = None,
        keep_all: bool = False,
    ) -> LeaderboardRun:
        ctx = info.context
        ctx.require_admin()
        board = await ctx.board(leaderboard)
        run = await service.trigger_run(
            ctx.deps, board.definition, period, datetime.now(UTC), keep_all=keep_all
        )
        return LeaderboardRun.from_view(run)
