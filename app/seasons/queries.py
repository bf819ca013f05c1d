"""Season queries: the admin's list and weights; anyone's active season and progress."""

from __future__ import annotations

import strawberry

from app.context import GraphQLInfo
from app.graphql.pagination import parse_id
from app.seasons import loaders, service
from app.seasons.types import Season, SeasonProgress, SeasonWeight


@strawberry.type
class SeasonQueries:
    @strawberry.field(description="Every season of the tenant, earliest first (admins).")
    async def seasons(self, info: GraphQLInfo) -> list[Season]:
        info.context.require_admin()
        return [Season.from_view(s) for s in await service.list_seasons(info.context.tenant.id)]

    @strawberry.field(description="The season's metrics and weights (admins).")
    async def season_weights(self, info: GraphQLInfo, season: str) -> list[SeasonWeight]:
        info.context.require_admin()
        _, definition = await loaders.visible(info.context, season)
        return [SeasonWeight.from_view(w) for w in service.weights_of(definition)]

    @strawberry.field(
        description="The season flagged active, while now is within its dates; null when"
        " there is none (events are recorded all the same)."
    )
    async def active_season(self, info: GraphQLInfo) -> Season | None:
        found = await loaders.active(info.context)
        return Season.from_view(found) if found is not None else None

    @strawberry.field(
        description="A participant's points, level and rank in a season (readable after the"
        " season ended); 0 points and no rank before their first event in it."
    )
    async def season_progress(
        self, info: GraphQLInfo, season: str, participant_id: strawberry.ID
    ) -> SeasonProgress:
        pid = parse_id(participant_id, name="participantId")
        found, _ = await loaders.visible(info.context, season)
        return SeasonProgress.from_view(
            await service.progress_of_one(info.context.deps, found, pid)
        )
