"""Score mutations."""

from __future__ import annotations

import strawberry

from app.context import GraphQLInfo
from app.graphql.pagination import parse_id
from app.leaderboards.types import LeaderboardEntry
from app.scoring import service


@strawberry.type
class ScoringMutations:
    @strawberry.mutation(
        description="Add (or with a negative delta, take away) points. A repeated"
        " idempotencyKey applies once and returns the participant's entry again."
    )
    async def adjust_points(
        self,
        info: GraphQLInfo,
        participant_id: strawberry.ID,
        delta: float,
        idempotency_key: str | None = None,
    ) -> LeaderboardEntry:
        ctx = info.context
        entry = await service.adjust_points(
            ctx.deps,
            ctx.tenant.id,
            parse_id(participant_id, name="participantId"),
            delta,
            idempotency_key,
        )
        return LeaderboardEntry.from_view(entry)
