"""Winner mutations (admins only)."""

from __future__ import annotations

from datetime import UTC, datetime

import strawberry

from app.context import GraphQLInfo
from app.leaderboards.service import POINTS
from app.winners import service
from app.winners.types import WinnerDetection


@strawberry.type
class WinnerMutations:
    @strawberry.mutation(
        description="Run the winner check of the current tick now, and say what happened"
        " (a tick already declared stays as it is)."
    )
    async def detect_winner(self, info: GraphQLInfo, leaderboard: str = POINTS) -> WinnerDetection:
        ctx = info.context
        ctx.require_admin()
        board = await ctx.board(leaderboard)
        found = await service.detect_now(ctx.deps, board.definition, datetime.now(UTC))
        return WinnerDetection.of(found)
