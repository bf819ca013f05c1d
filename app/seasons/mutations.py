"""Season mutations: definition, activity, weights and rewards (admins); claims (INGEST)."""

from __future__ import annotations

import strawberry

from app.context import GraphQLInfo
from app.graphql.pagination import parse_id
from app.seasons import rewards as season_rewards
from app.seasons import service
from app.seasons.types import (
    RewardClaim,
    Season,
    SeasonInput,
    SeasonReward,
    SeasonRewardInput,
    SeasonUpdate,
    SeasonWeight,
    SeasonWeightInput,
)


@strawberry.type
class SeasonMutations:
    @strawberry.mutation(
        description="Create a season (not active): its calendar period and its board, scored"
        " at once from the events already recorded within its dates. CONFLICT when it"
        " overlaps another season."
    )
    async def create_season(self, info: GraphQLInfo, input: SeasonInput) -> Season:
        info.context.require_admin()
        ctx = info.context
        return Season.from_view(
            await service.create_season(ctx.deps, ctx.tenant.id, input.to_fields())
        )

    @strawberry.mutation(
        description="Change the fields given; new dates re-score the season from its events."
    )
    async def update_season(self, info: GraphQLInfo, season: str, input: SeasonUpdate) -> Season:
        info.context.require_admin()
        ctx = info.context
        found = await service.update_season(
            ctx.deps, ctx.tenant.id, season, input.to_changes(), ctx.deps.clock()
        )
        return Season.from_view(found)

    @strawberry.mutation(
        description="Make the season the tenant's active one (any other is deactivated);"
        " BAD_USER_INPUT unless now is within its dates."
    )
    async def activate_season(self, info: GraphQLInfo, season: str) -> Season:
        info.context.require_admin()
        ctx = info.context
        found = await service.activate_season(ctx.deps, ctx.tenant.id, season, ctx.deps.clock())
        return Season.from_view(found)

    @strawberry.mutation(
        description="Replace the season's weights (positive whole numbers); it is re-scored"
        " from its events."
    )
    async def set_season_weights(
        self, info: GraphQLInfo, season: str, weights: list[SeasonWeightInput]
    ) -> list[SeasonWeight]:
        info.context.require_admin()
        ctx = info.context
        given = [w.to_fields() for w in weights]
        found = await service.set_season_weights(ctx.deps, ctx.tenant.id, season, given)
        return [SeasonWeight.from_view(w) for w in found]

    @strawberry.mutation(description="Replace the season's rewards.")
    async def set_season_rewards(
        self, info: GraphQLInfo, season: str, rewards: list[SeasonRewardInput]
    ) -> list[SeasonReward]:
        info.context.require_admin()
        ctx = info.context
        given = [r.to_fields() for r in rewards]
        found = await season_rewards.set_rewards(ctx.deps, ctx.tenant.id, season, given)
        return [SeasonReward.from_view(r) for r in found]

    @strawberry.mutation(
        description="Claim the season's rewards at `level` for the participant: once; a"
        " repeated claim returns the first. CONFLICT below that level, NOT_FOUND when the"
        " season has no reward there. Claimable after the season ended."
    )
    async def claim_reward(
        self, info: GraphQLInfo, season: str, participant_id: strawberry.ID, level: int
    ) -> RewardClaim:
        ctx = info.context
        pid = parse_id(participant_id, name="participantId")
        # An INGEST key (a server's) claims whatever the board's visibility.
        claim = await season_rewards.claim_reward(
            ctx.deps, ctx.tenant.id, season, pid, level, ctx.deps.clock()
        )
        return RewardClaim.from_view(claim)
