"""Admin mutations: metrics, leaderboards, weights, calendar periods (admins only, see
``app.tenancy.access``)."""

from __future__ import annotations

from datetime import datetime

import strawberry

from app.context import GraphQLInfo
from app.leaderboards import admin, models
from app.leaderboards.definition_types import (
    CalendarPeriod,
    LeaderboardInput,
    Metric,
    MetricInput,
    TimeWindow,
    WeightInput,
)
from app.leaderboards.service import board_in
from app.leaderboards.types import Leaderboard


@strawberry.type
class LeaderboardMutations:
    @strawberry.mutation(
        description="Create a metric, or change it (a new aggregation re-scores its boards)."
    )
    async def define_metric(self, info: GraphQLInfo, input: MetricInput) -> Metric:
        info.context.require_admin()
        ctx = info.context
        return Metric.from_row(
            await admin.define_metric(ctx.deps, ctx.tenant.id, input.to_fields())
        )

    @strawberry.mutation(description="Delete a metric no leaderboard uses and no event records.")
    async def delete_metric(self, info: GraphQLInfo, key: str) -> bool:
        info.context.require_admin()
        await admin.delete_metric(info.context.deps, info.context.tenant.id, key)
        return True

    @strawberry.mutation(
        description="Create a leaderboard (name and metrics required) and score it from the"
        " events already recorded."
    )
    async def define_leaderboard(
        self, info: GraphQLInfo, key: str, input: LeaderboardInput
    ) -> Leaderboard:
        info.context.require_admin()
        ctx = info.context
        found = await admin.define_leaderboard(ctx.deps, ctx.tenant.id, key, input.to_fields())
        return Leaderboard.from_info(board_in(found))

    @strawberry.mutation(
        description="Change the fields given; a change of scoring (window, time zone, filter,"
        " metrics, sort order, tie-break) re-scores the board from its events."
    )
    async def update_leaderboard(
        self, info: GraphQLInfo, key: str, input: LeaderboardInput
    ) -> Leaderboard:
        info.context.require_admin()
        ctx = info.context
        found = await admin.update_leaderboard(ctx.deps, ctx.tenant.id, key, input.to_fields())
        return Leaderboard.from_info(board_in(found))

    @strawberry.mutation(
        description="Replace the board's metrics and weights at once and re-score it."
    )
    async def set_leaderboard_weights(
        self, info: GraphQLInfo, key: str, weights: list[WeightInput]
    ) -> Leaderboard:
        info.context.require_admin()
        ctx = info.context
        given = [w.to_fields() for w in weights]
        return Leaderboard.from_info(
            board_in(await admin.set_weights(ctx.deps, ctx.tenant.id, key, given))
        )

    @strawberry.mutation(description="Stop ranking and feeding the board (its history stays).")
    async def deactivate_leaderboard(self, info: GraphQLInfo, key: str) -> bool:
        info.context.require_admin()
        await admin.deactivate_leaderboard(info.context.deps, info.context.tenant.id, key)
        return True

    @strawberry.mutation(
        description="Add or move a term or season; TERM and SEASON boards take their periods"
        " from these."
    )
    async def define_calendar_period(
        self,
        info: GraphQLInfo,
        kind: TimeWindow,  # type: ignore[valid-type]
        key: str,
        starts_at: datetime,
        ends_at: datetime,
        name: str = "",
    ) -> CalendarPeriod:
        info.context.require_admin()
        ctx = info.context
        row = await admin.define_calendar_period(
            ctx.deps, ctx.tenant.id, models.TimeWindow(kind), key, name, starts_at, ends_at
        )
        return CalendarPeriod(
            kind=models.TimeWindow(row.kind), key=row.key, name=row.name,
            starts_at=row.starts_at, ends_at=row.ends_at,
        )  # fmt: skip
