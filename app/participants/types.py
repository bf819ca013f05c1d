"""GraphQL types of participants: a thin skin over ``ParticipantView``."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.scalars import JSON

from app.context import GraphQLInfo
from app.participants.service import ParticipantView
from app.participants.validation import UNSET, ParticipantFields


@strawberry.type(description="Someone (or something) that can be ranked.")
class Participant:
    id: strawberry.ID
    external_id: str | None = strawberry.field(description="Your system's id for them.")
    name: str
    age: int | None
    address: str
    participant_type: str
    metadata: JSON
    created_at: datetime
    updated_at: datetime

    @strawberry.field(description="Points on the all-time `points` leaderboard.")
    async def points(self, info: GraphQLInfo) -> float:
        found = await info.context.points.load(int(self.id))
        return found[0] if found else 0.0

    @strawberry.field(description="Rank on the `points` leaderboard (ties share a rank).")
    async def rank(self, info: GraphQLInfo) -> int | None:
        found = await info.context.points.load(int(self.id))
        return found[1] if found else None

    @classmethod
    def from_view(cls, v: ParticipantView) -> Participant:
        return cls(
            id=strawberry.ID(str(v.id)),
            external_id=v.external_id,
            name=v.name,
            age=v.age,
            address=v.address,
            participant_type=v.participant_type,
            metadata=JSON(v.metadata),
            created_at=v.created_at,
            updated_at=v.updated_at,
        )


@strawberry.input(description="A new participant. Everyone starts with 0 points.")
class AddParticipantInput:
    name: str
    age: int | None = None
    address: str = ""
    external_id: str | None = None
    metadata: JSON | None = None
    participant_type: str = strawberry.field(
        default="individual", description="e.g. individual, expert, class."
    )

    def to_fields(self) -> ParticipantFields:
        return ParticipantFields(
            name=self.name,
            age=self.age,
            address=self.address,
            external_id=self.external_id,
            metadata=self.metadata,
            participant_type=self.participant_type,
        )


@strawberry.input(description="Fields to change; omitted fields stay as they are.")
class UpdateParticipantInput:
    name: str | None = strawberry.UNSET
    age: int | None = strawberry.UNSET
    address: str | None = strawberry.UNSET
    external_id: str | None = strawberry.UNSET
    metadata: JSON | None = strawberry.UNSET
    participant_type: str | None = strawberry.UNSET

    def to_fields(self) -> ParticipantFields:
        def given(value: object) -> object:
            return UNSET if value is strawberry.UNSET else value

        return ParticipantFields(
            name=given(self.name),
            age=given(self.age),
            address=given(self.address),
            external_id=given(self.external_id),
            metadata=given(self.metadata),
            participant_type=given(self.participant_type),
        )
