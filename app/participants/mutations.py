"""Participant mutations: add, update, delete."""

from __future__ import annotations

import strawberry

from app.context import GraphQLInfo
from app.graphql.pagination import parse_id
from app.participants import service
from app.participants.types import AddParticipantInput, Participant, UpdateParticipantInput


@strawberry.type
class ParticipantMutations:
    @strawberry.mutation(description="Add a participant with 0 points, ranked at once.")
    async def add_participant(self, info: GraphQLInfo, input: AddParticipantInput) -> Participant:
        ctx = info.context
        view = await service.add_participant(ctx.deps, ctx.tenant.id, input.to_fields())
        return Participant.from_view(view)

    @strawberry.mutation(description="Change a participant's details; scores are untouched.")
    async def update_participant(
        self, info: GraphQLInfo, id: strawberry.ID, input: UpdateParticipantInput
    ) -> Participant:
        ctx = info.context
        view = await service.update_participant(
            ctx.deps, ctx.tenant.id, parse_id(id), input.to_fields()
        )
        return Participant.from_view(view)

    @strawberry.mutation(
        description="Delete a participant and its score events; gone from every ranking at once."
        " Returns the id deleted."
    )
    async def delete_participant(self, info: GraphQLInfo, id: strawberry.ID) -> strawberry.ID:
        ctx = info.context
        await service.delete_participant(ctx.deps, ctx.tenant.id, parse_id(id))
        return id
