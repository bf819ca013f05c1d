"""Score mutations: +/- points and score events of any metric."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import strawberry
from strawberry.scalars import JSON
from strawberry.types.base import get_object_definition

from app.context import GraphQLInfo
from app.errors import BadUserInput
from app.graphql.pagination import parse_id
from app.leaderboards.types import LeaderboardEntry
from app.scoring import service


@strawberry.input(description="One score event. Give participantId or externalId.")
class ScoreInput:
    metric: str
    value: float
    source: str = strawberry.field(description="Who sends it (your system's name).")
    source_id: str = strawberry.field(
        description="The event's id in the source: (source, sourceId) records it once."
    )
    participant_id: strawberry.ID | None = None
    external_id: str | None = None
    occurred_at: datetime | None = strawberry.field(default=None, description="Default: now.")
    action_type: str = ""
    context: JSON | None = None

    def to_input(self) -> service.ScoreInput:
        pid = None
        if self.participant_id is not None:
            pid = parse_id(self.participant_id, name="participantId")
        context: object = self.context
        if context is not None and not isinstance(context, dict):
            raise BadUserInput("context must be an object.", field="context")
        return service.ScoreInput(
            metric=self.metric, value=self.value, source=self.source, source_id=self.source_id,
            participant_id=pid, external_id=self.external_id, occurred_at=self.occurred_at,
            action_type=self.action_type, context=context,
        )  # fmt: skip


def _score_input(cls: type, value: Mapping[str, Any], _context: object) -> ScoreInput:
    """Build a ScoreInput straight from graphql-core's coerced value (every field is a
    scalar, already parsed). Strawberry's generic conversion resolves each field's type
    annotation anew for every item: a third of a second for a batch of 1,000."""
    built: ScoreInput = cls(
        metric=value["metric"],
        value=value["value"],
        source=value["source"],
        source_id=value["sourceId"],
        participant_id=value.get("participantId"),
        external_id=value.get("externalId"),
        occurred_at=value.get("occurredAt"),
        action_type=value.get("actionType", ""),
        context=value.get("context"),
    )
    return built


get_object_definition(ScoreInput, strict=True).from_input = _score_input  # strawberry's hook


@strawberry.type(description="What became of one score event.")
class RecordedScore:
    event_id: strawberry.ID
    participant_id: strawberry.ID
    duplicate: bool = strawberry.field(
        description="Its (source, sourceId) was recorded before: nothing changed."
    )

    @classmethod
    def of(cls, r: service.ScoreResult) -> RecordedScore:
        return cls(
            event_id=strawberry.ID(str(r.event_id)),
            participant_id=strawberry.ID(str(r.participant_id)),
            duplicate=r.duplicate,
        )


@strawberry.type(description="A batch of score events, recorded all or nothing.")
class RecordedScores:
    recorded: int = strawberry.field(description="New events.")
    duplicates: int
    results: list[RecordedScore] = strawberry.field(description="One per input, in order.")


@strawberry.type
class ScoringMutations:
    @strawberry.mutation(description="Record one score event (idempotent by source and sourceId).")
    async def record_score(self, info: GraphQLInfo, input: ScoreInput) -> RecordedScore:
        ctx = info.context
        found = await service.record_scores(ctx.deps, ctx.tenant.id, [input.to_input()])
        return RecordedScore.of(found[0])

    @strawberry.mutation(
        description="Record up to 10,000 score events in one transaction: all or none (an"
        " error names the failing input's `index`); duplicates are reported, not errors."
    )
    async def record_scores(self, info: GraphQLInfo, inputs: list[ScoreInput]) -> RecordedScores:
        ctx = info.context
        cap = ctx.deps.settings.max_batch
        if len(inputs) > cap:
            raise BadUserInput(f"Send 1 to {cap} events at a time.", field="inputs", max=cap)
        given = []
        for index, item in enumerate(inputs):
            try:
                given.append(item.to_input())
            except BadUserInput as exc:
                exc.extensions["index"] = index
                raise
        found = await service.record_scores(ctx.deps, ctx.tenant.id, given)
        duplicates = sum(r.duplicate for r in found)
        return RecordedScores(
            recorded=len(found) - duplicates,
            duplicates=duplicates,
            results=[RecordedScore.of(r) for r in found],
        )

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
