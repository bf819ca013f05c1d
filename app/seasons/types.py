"""GraphQL types of seasons: a thin skin over ``app.seasons.service``'s views."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.scalars import JSON

from app.context import GraphQLInfo
from app.leaderboards.definition_types import Visibility
from app.leaderboards.models import Visibility as VisibilityValue
from app.leaderboards.service import board_in
from app.leaderboards.types import Leaderboard
from app.participants.types import Participant
from app.seasons import loaders, rewards, service
from app.seasons.level_ups import LevelGained
from app.seasons.levels import Levels
from app.seasons.rewards import ClaimView, RewardStatusView, RewardView
from app.seasons.service import ProgressView, SeasonChanges, SeasonFields, SeasonView
from app.seasons.validation import RewardFields, WeightGiven

RewardStatus = strawberry.enum(
    rewards.RewardStatus,
    description="LOCKED: level not reached; CLAIMABLE: reached, not claimed; CLAIMED.",
)


@strawberry.type(
    description="How points make levels: a step (level = floor(points / step)) or ascending"
    " thresholds (level = how many of them the points reach); one of the two is null."
)
class SeasonLevels:
    step: int | None
    thresholds: list[float] | None

    @classmethod
    def from_view(cls, levels: Levels) -> SeasonLevels:
        if levels.step is not None:
            return cls(step=levels.step, thresholds=None)
        return cls(step=None, thresholds=list(levels.thresholds))


@strawberry.type(description="A metric of a season (a challenge) and its weight in points.")
class SeasonWeight:
    metric: str = strawberry.field(description="The metric's key.")
    weight: int

    @classmethod
    def from_view(cls, w: WeightGiven) -> SeasonWeight:
        return cls(metric=w.metric, weight=w.weight)


@strawberry.type(description="A reward of a season, claimable from its level on.")
class SeasonReward:
    level: int
    key: str
    name: str
    payload: JSON

    @classmethod
    def from_view(cls, r: RewardView) -> SeasonReward:
        return cls(level=r.level, key=r.key, name=r.name, payload=JSON(r.payload))


@strawberry.type(
    description="A season: points from weighted metrics between startsAt (included) and"
    " endsAt (excluded), levels, rewards."
)
class Season:
    key: str = strawberry.field(description="The season's slug, such as S1-2025 (as `id`).")
    name: str
    starts_at: datetime
    ends_at: datetime = strawberry.field(description="Exclusive.")
    levels: SeasonLevels
    view: strawberry.Private[SeasonView]

    @classmethod
    def from_view(cls, s: SeasonView) -> Season:
        return cls(
            key=s.key, name=s.name, starts_at=s.starts_at, ends_at=s.ends_at,
            levels=SeasonLevels.from_view(s.levels), view=s,
        )  # fmt: skip

    @strawberry.field(description="The season's id: its slug, such as S1-2025 (as `key`).")
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.view.key)

    @strawberry.field(
        description="Flagged active and now within its dates (a season past its end is not"
        " active any more, though its flag is kept)."
    )
    def is_active(self, info: GraphQLInfo) -> bool:
        info.context.uncacheable = True  # depends on the clock
        return self.view.active_at(info.context.deps.clock())

    @strawberry.field(description="The weights of its metrics (its board's metrics).")
    async def weights(self, info: GraphQLInfo) -> list[SeasonWeight]:
        definition = await service.season_board(info.context.deps, self.view)
        return [SeasonWeight.from_view(w) for w in service.weights_of(definition)]

    @strawberry.field(description="Its rewards, by level.")
    async def rewards(self) -> list[SeasonReward]:
        return [SeasonReward.from_view(r) for r in await rewards.rewards_of(self.view)]

    @strawberry.field(description="Its board, in the season's period: the season's ranking.")
    async def leaderboard(self, info: GraphQLInfo) -> Leaderboard:
        _, definition = await loaders.visible(info.context, self.view.key)
        return Leaderboard.from_info(board_in(definition, self.view.key))


@strawberry.type(description="A participant's points, level and rank in a season.")
class SeasonProgress:
    season: Season
    participant_id: strawberry.ID
    participant: Participant | None
    points: float = strawberry.field(description="Σ value × weight over the season's events.")
    level: int
    next_level_threshold: float | None = strawberry.field(
        description="The points of the next level; null at the top level."
    )
    points_to_next_level: float | None
    progress: float = strawberry.field(
        description="0..1 within the current level (1 at the top level)."
    )
    rank: int | None = strawberry.field(description="On the season's board; null: not ranked.")

    @classmethod
    def from_view(cls, p: ProgressView) -> SeasonProgress:
        return cls(
            season=Season.from_view(p.season),
            participant_id=strawberry.ID(str(p.participant_id)),
            participant=Participant.from_view(p.participant) if p.participant else None,
            points=p.points, level=p.level.level, next_level_threshold=p.level.next_threshold,
            points_to_next_level=p.level.to_next, progress=p.level.progress, rank=p.rank,
        )  # fmt: skip


@strawberry.type(description="A reward of a season as it stands for one participant.")
class ParticipantReward:
    level: int
    key: str
    name: str
    payload: JSON
    status: RewardStatus  # type: ignore[valid-type]
    claimed_at: datetime | None

    @classmethod
    def from_view(cls, v: RewardStatusView) -> ParticipantReward:
        r = v.reward
        return cls(
            level=r.level, key=r.key, name=r.name, payload=JSON(r.payload), status=v.status,
            claimed_at=v.claimed_at,
        )  # fmt: skip


@strawberry.type(description="A participant's claim of a season's rewards at one level.")
class RewardClaim:
    season: Season
    participant_id: strawberry.ID
    level: int
    rewards: list[SeasonReward]
    claimed_at: datetime = strawberry.field(description="When it was first claimed.")

    @classmethod
    def from_view(cls, c: ClaimView) -> RewardClaim:
        return cls(
            season=Season.from_view(c.season), participant_id=strawberry.ID(str(c.participant_id)),
            level=c.level, rewards=[SeasonReward.from_view(r) for r in c.rewards],
            claimed_at=c.claimed_at,
        )  # fmt: skip


@strawberry.type(
    description="One level gained in a season: a change that jumps several levels sends one"
    " message per level, in order (newLevel = oldLevel + 1)."
)
class LevelUp:
    season: Season
    participant_id: strawberry.ID
    participant: Participant | None
    old_level: int
    new_level: int
    points: float = strawberry.field(description="The points after the change.")
    at: datetime = strawberry.field(
        description="When the change was applied to the ranking (of a re-score: when it was seen)."
    )

    @classmethod
    def from_view(cls, season: Season, g: LevelGained) -> LevelUp:
        who = Participant.from_view(g.participant) if g.participant else None
        return cls(
            season=season, participant_id=strawberry.ID(str(g.participant_id)), participant=who,
            old_level=g.old_level, new_level=g.new_level, points=g.points, at=g.at,
        )  # fmt: skip


@strawberry.input(description="A metric and its weight: a positive whole number.")
class SeasonWeightInput:
    metric: str
    weight: int

    def to_fields(self) -> WeightGiven:
        return WeightGiven(self.metric, self.weight)


@strawberry.input(description="A new season.")
class SeasonInput:
    key: str = strawberry.field(description="1 to 16 letters, digits, '_', '.', '-': S1-2025.")
    name: str
    starts_at: datetime
    ends_at: datetime = strawberry.field(description="Exclusive.")
    weights: list[SeasonWeightInput]
    level_step: int | None = strawberry.field(
        default=None, description="Points per level; default 1000 (unless thresholds)."
    )
    level_thresholds: list[float] | None = strawberry.field(
        default=None, description="Strictly ascending positive thresholds (an XP curve)."
    )
    visibility: Visibility = strawberry.field(  # type: ignore[valid-type]
        default=VisibilityValue.TENANT,
        description="Of the season's board, so of its progress: PUBLIC for publishable keys.",
    )

    def to_fields(self) -> SeasonFields:
        thresholds = tuple(self.level_thresholds) if self.level_thresholds is not None else None
        return SeasonFields(
            key=self.key, name=self.name, starts_at=self.starts_at, ends_at=self.ends_at,
            weights=tuple(w.to_fields() for w in self.weights), level_step=self.level_step,
            level_thresholds=thresholds, visibility=VisibilityValue(self.visibility),
        )  # fmt: skip


@strawberry.input(description="Changes of a season; omitted fields stay as they are.")
class SeasonUpdate:
    name: str | None = None
    starts_at: datetime | None = strawberry.field(
        default=None, description="New dates move the season and re-score it from its events."
    )
    ends_at: datetime | None = None
    level_step: int | None = strawberry.field(
        default=None, description="Replaces the levels scheme (as levelThresholds does)."
    )
    level_thresholds: list[float] | None = None
    is_active: bool | None = strawberry.field(
        default=None, description="false: deactivate; true: as activateSeason."
    )

    def to_changes(self) -> SeasonChanges:
        thresholds = tuple(self.level_thresholds) if self.level_thresholds is not None else None
        return SeasonChanges(
            name=self.name, starts_at=self.starts_at, ends_at=self.ends_at,
            level_step=self.level_step, level_thresholds=thresholds, is_active=self.is_active,
        )  # fmt: skip


@strawberry.input(description="A reward at a level of a season.")
class SeasonRewardInput:
    level: int = strawberry.field(description="1 or more.")
    key: str = strawberry.field(description="Unique within the season.")
    name: str
    payload: JSON | None = strawberry.field(
        default=None,
        description="Anything your system needs (at most 16 KiB of JSON); default {}.",
    )

    def to_fields(self) -> RewardFields:
        payload: object = self.payload if self.payload is not None else {}
        return RewardFields(self.level, self.key, self.name, payload)
