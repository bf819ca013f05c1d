"""GraphQL types of participants: a thin skin over ``ParticipantView``."""

from __future__ import annotations

import importlib
from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.scalars import JSON

from app.context import GraphQLInfo
from app.errors import BadUserInput
from app.graphql.pagination import check_first
from app.groups import loaders as group_loaders
from app.groups.types import Group
from app.participants.validation import UNSET, ParticipantFields
from app.participants.views import ParticipantView
from app.runs.trends import participant_trend
from app.scoring.history import EventView, score_history
from app.seasons import loaders as season_loaders
from app.winners import loaders as winner_loaders

if TYPE_CHECKING:  # a winner (a season's progress) names its participant: the types refer
    from app.runs.types import TrendPoint
    from app.seasons.types import ParticipantReward, SeasonProgress  # to each other
    from app.winners.types import Winner

WINNER_TYPES = "app.winners.types"
SEASON_TYPES = "app.seasons.types"
RUN_TYPES = "app.runs.types"


def _winner_type() -> type[Winner]:
    """The Winner type, looked up when first needed (``strawberry.lazy`` does the same for
    the schema), so neither module imports the other at load time."""
    found: type[Winner] = importlib.import_module(WINNER_TYPES).Winner
    return found


@strawberry.type(description="One recorded score event (the audit log).")
class ScoreEvent:
    id: strawberry.ID
    metric: str
    value: float
    occurred_at: datetime
    source: str
    source_id: str
    action_type: str
    context: JSON

    @classmethod
    def from_view(cls, e: EventView) -> ScoreEvent:
        return cls(
            id=strawberry.ID(str(e.id)), metric=e.metric, value=e.value,
            occurred_at=e.occurred_at, source=e.source, source_id=e.source_id,
            action_type=e.action_type, context=JSON(e.context),
        )  # fmt: skip


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
    opted_out: bool = strawberry.field(
        description="Hidden from every ranking (still scored); false by default."
    )
    avatar_url: str

    @strawberry.field(description="Points on the all-time `points` leaderboard.")
    async def points(self, info: GraphQLInfo) -> float:
        found = await info.context.points.load(int(self.id))
        return found[0] if found else 0.0

    @strawberry.field(description="Rank on the `points` leaderboard, in its rank mode.")
    async def rank(self, info: GraphQLInfo) -> int | None:
        found = await info.context.points.load(int(self.id))
        return found[1] if found else None

    @strawberry.field(
        description="Score events, newest first: of one metric if given, with `from` <="
        " occurredAt < `to`."
    )
    async def score_history(
        self,
        info: GraphQLInfo,
        metric: str | None = None,
        from_: Annotated[datetime | None, strawberry.argument(name="from")] = None,
        to: datetime | None = None,
        first: int = 100,
    ) -> list[ScoreEvent]:
        ctx = info.context
        check_first(first, ctx.deps.settings.max_page_size)
        metric_id = await ctx.deps.definitions.metric_id(ctx.tenant.id, metric) if metric else None
        events = await score_history(ctx.tenant.id, int(self.id), metric_id, from_, to, first)
        return [ScoreEvent.from_view(e) for e in events]

    @strawberry.field(
        description="Rank, score and movement in each of the board's latest `last` closed"
        " periods (1..1,000; their scheduled runs, live or archived) that ended in"
        " [from, to), oldest first: a chart's points."
    )
    async def trend(
        self,
        info: GraphQLInfo,
        leaderboard: str = "points",
        from_: Annotated[datetime | None, strawberry.argument(name="from")] = None,
        to: datetime | None = None,
        last: int = 30,
        group: Annotated[
            str | None,
            strawberry.argument(
                description="A group of the board's scope: ranks within it, as it was in each"
                " period's run."
            ),
        ] = None,
    ) -> list[Annotated[TrendPoint, strawberry.lazy(RUN_TYPES)]]:
        ctx = info.context
        if from_ is not None and to is not None and from_ >= to:
            raise BadUserInput("from must be before to.", field="from")
        board = await ctx.board(leaderboard, group=group)
        group_id = None if board.group is None else board.group.id
        found = await participant_trend(
            ctx.tenant.id, board.definition.key, int(self.id), from_, to, last, group_id
        )
        types = importlib.import_module(RUN_TYPES)
        return [types.TrendPoint.from_view(p) for p in found]

    @strawberry.field(description="The participant's groups (of one kind, if given), by kind.")
    async def groups(self, info: GraphQLInfo, kind: str | None = None) -> list[Group]:
        found = await group_loaders.groups_of(info.context).load(int(self.id))
        return [Group.from_view(g) for g in found if kind is None or g.kind == kind]

    @strawberry.field(description="The participant's latest wins (10), newest first.")
    async def wins(
        self, info: GraphQLInfo
    ) -> list[Annotated[Winner, strawberry.lazy(WINNER_TYPES)]]:
        found = await winner_loaders.wins(info.context).load(int(self.id))
        return [_winner_type().from_view(w) for w in found]

    @strawberry.field(
        description="Points, level and rank in `season` (default: the active season; null"
        " when none is active)."
    )
    async def season_progress(
        self, info: GraphQLInfo, season: str | None = None
    ) -> Annotated[SeasonProgress, strawberry.lazy(SEASON_TYPES)] | None:
        if season is None:
            active = await season_loaders.active(info.context)
            if active is None:
                return None
            season = active.key
        found = await season_loaders.progress(info.context).load((season, int(self.id)))
        types = importlib.import_module(SEASON_TYPES)
        return types.SeasonProgress.from_view(found) if found is not None else None

    @strawberry.field(description="The rewards of `season`, each LOCKED, CLAIMABLE or CLAIMED.")
    async def rewards(
        self, info: GraphQLInfo, season: str
    ) -> list[Annotated[ParticipantReward, strawberry.lazy(SEASON_TYPES)]]:
        found = await season_loaders.rewards(info.context).load((season, int(self.id)))
        types = importlib.import_module(SEASON_TYPES)
        return [types.ParticipantReward.from_view(r) for r in found]

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
            opted_out=v.opted_out,
            avatar_url=v.avatar_url,
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
    opted_out: bool = strawberry.field(default=False, description="Hide from rankings.")
    avatar_url: str = ""

    def to_fields(self) -> ParticipantFields:
        return ParticipantFields(
            name=self.name,
            age=self.age,
            address=self.address,
            external_id=self.external_id,
            metadata=self.metadata,
            participant_type=self.participant_type,
            opted_out=self.opted_out,
            avatar_url=self.avatar_url,
        )


@strawberry.input(description="Fields to change; omitted fields stay as they are.")
class UpdateParticipantInput:
    name: str | None = strawberry.UNSET
    age: int | None = strawberry.UNSET
    address: str | None = strawberry.UNSET
    external_id: str | None = strawberry.UNSET
    metadata: JSON | None = strawberry.UNSET
    participant_type: str | None = strawberry.UNSET
    opted_out: bool | None = strawberry.UNSET
    avatar_url: str | None = strawberry.UNSET

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
            opted_out=given(self.opted_out),
            avatar_url=given(self.avatar_url),
        )
