"""Run mutations (admins only)."""

from __future__ import annotations

from datetime import UTC, datetime

import strawberry

from app.context import GraphQLInfo
from app.leaderboards.definition_types import TimeWindow
from app.runs import retention, service
from app.runs.types import LeaderboardRun, RetentionRule


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

    @strawberry.mutation(
        description="How many days after its period ends a run of `window` stays live, for"
        " this tenant (1..36,500; null: back to the service's default). The daily archive job"
        " moves older runs to the archive, where history still reads them."
    )
    async def set_retention(
        self,
        info: GraphQLInfo,
        window: TimeWindow,  # type: ignore[valid-type]
        days: int | None,
    ) -> list[RetentionRule]:
        ctx = info.context
        ctx.require_admin()
        found = await retention.set_retention(ctx.deps, ctx.tenant.id, window, days)
        return [RetentionRule.from_view(r) for r in found]
