"""GraphQL types of definitions: metrics, weights, filters, calendar periods, and the
inputs that define them. Conversions only; the rules live in ``admin``."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.scalars import JSON

from app.errors import BadUserInput
from app.leaderboards import models
from app.leaderboards.admin import BoardFields, MetricFields, TieBreakFields, WeightFields
from app.leaderboards.definition import EntryFilter, MetricWeight
from app.leaderboards.ties import TieBreak as TieBreakView

Aggregation = strawberry.enum(models.Aggregation, description="How a metric's events combine.")
DataType = strawberry.enum(models.DataType, description="What a metric's values are.")
TimeWindow = strawberry.enum(
    models.TimeWindow, description="When a leaderboard's periods roll over."
)
SortOrder = strawberry.enum(models.SortOrder, description="DESC: higher scores rank first.")
RankMode = strawberry.enum(
    models.RankMode, description="COMPETITION 1-2-2-4, DENSE 1-2-2-3, ORDINAL 1-2-3-4."
)
Visibility = strawberry.enum(models.Visibility, description="Who may see a leaderboard.")
GroupScore = strawberry.enum(
    models.GroupScore, description="How a scoped board ranks its groups against each other."
)


@strawberry.type(description="Something measured about participants, recorded as score events.")
class Metric:
    key: str
    name: str
    description: str
    unit: str
    data_type: DataType  # type: ignore[valid-type]
    aggregation: Aggregation  # type: ignore[valid-type]
    higher_is_better: bool

    @classmethod
    def from_row(cls, m: models.Metric) -> Metric:
        return cls(
            key=m.key, name=m.name, description=m.description, unit=m.unit,
            data_type=models.DataType(m.data_type), aggregation=models.Aggregation(m.aggregation),
            higher_is_better=m.higher_is_better,
        )  # fmt: skip


@strawberry.type(description="One metric of a leaderboard and its weight in the score.")
class LeaderboardMetric:
    metric: str = strawberry.field(description="The metric's key.")
    name: str
    unit: str
    aggregation: Aggregation  # type: ignore[valid-type]
    weight: float
    display_priority: int

    @classmethod
    def from_view(cls, m: MetricWeight) -> LeaderboardMetric:
        return cls(
            metric=m.key, name=m.name, unit=m.unit, aggregation=m.aggregation, weight=m.weight,
            display_priority=m.display_priority,
        )  # fmt: skip


@strawberry.type(description="Who a leaderboard ranks (decided when each event is recorded).")
class LeaderboardFilter:
    participant_type: str | None
    registered_after: datetime | None
    registered_before: datetime | None
    registered_within_days: int | None = strawberry.field(
        description="Only events within this many days of the participant's registration."
    )
    metadata: JSON

    @classmethod
    def from_view(cls, f: EntryFilter) -> LeaderboardFilter:
        return cls(
            participant_type=f.participant_type, registered_after=f.registered_after,
            registered_before=f.registered_before,
            registered_within_days=f.registered_within_days, metadata=JSON(f.metadata),
        )  # fmt: skip


@strawberry.type(
    description="What orders equal scores: the fallback metric's aggregate (better first), then"
    " the earliest to reach the score. Entries equal in score and tie-break share a rank."
)
class TieBreak:
    metric: str | None = strawberry.field(description="The fallback metric's key.")
    earliest_to_reach: bool = strawberry.field(
        description="Then whoever reached the score first (by occurredAt of their events)."
    )

    @classmethod
    def from_view(cls, t: TieBreakView) -> TieBreak:
        return cls(metric=t.metric_key, earliest_to_reach=t.earliest)


@strawberry.type(description="A term or season of the tenant's calendar.")
class CalendarPeriod:
    kind: TimeWindow  # type: ignore[valid-type]
    key: str
    name: str
    starts_at: datetime
    ends_at: datetime


@strawberry.input
class MetricInput:
    key: str
    name: str
    description: str = ""
    unit: str = ""
    data_type: DataType | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Default: as it is (NUMBER for a new metric)."
    )
    aggregation: Aggregation = models.Aggregation.SUM  # type: ignore[valid-type]
    higher_is_better: bool = True

    def to_fields(self) -> MetricFields:
        return MetricFields(
            self.key, self.name, self.description, self.unit, self.data_type, self.aggregation,
            self.higher_is_better,
        )  # fmt: skip


@strawberry.input
class WeightInput:
    metric: str
    weight: float = 1.0
    display_priority: int = 0

    def to_fields(self) -> WeightFields:
        return WeightFields(self.metric, self.weight, self.display_priority)


@strawberry.input(
    description="How equal scores are ordered; given on update, it replaces the tie-break."
)
class TieBreakInput:
    metric: str | None = strawberry.field(
        default=None,
        description="A metric of the board (weight 0 to use it only here); its aggregate in"
        " the period, better first in the metric's own direction.",
    )
    earliest_to_reach: bool = strawberry.field(
        default=False,
        description="Then whoever reached the score first, by the occurredAt of the events.",
    )

    def to_fields(self) -> TieBreakFields:
        return TieBreakFields(self.metric, self.earliest_to_reach)


@strawberry.input(
    description="Who a board ranks; given on update, it replaces the board's whole filter."
)
class FilterInput:
    participant_type: str | None = None
    registered_after: datetime | None = None
    registered_before: datetime | None = None
    registered_within_days: int | None = None
    metadata: JSON | None = None

    def to_filter(self) -> EntryFilter:
        metadata: object = self.metadata or {}
        if not isinstance(metadata, dict):
            raise BadUserInput("metadata must be an object.", field="metadata")
        return EntryFilter(
            self.participant_type, self.registered_after, self.registered_before,
            self.registered_within_days, dict(metadata),
        )  # fmt: skip


@strawberry.input(description="A leaderboard definition; on update, only the fields given change.")
class LeaderboardInput:
    name: str | None = None
    description: str | None = None
    category: str | None = None
    time_window: TimeWindow | None = None  # type: ignore[valid-type]
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    timezone: str | None = strawberry.field(default=None, description="IANA, e.g. Europe/Paris.")
    sort_order: SortOrder | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Default: ASC when every metric is lower-is-better."
    )
    rank_mode: RankMode | None = None  # type: ignore[valid-type]
    max_entries: int | None = None
    visibility: Visibility | None = None  # type: ignore[valid-type]
    filter: FilterInput | None = None
    metrics: list[WeightInput] | None = strawberry.field(
        default=None,
        description="Weighted metrics; weight 0 tracks a metric (breakdown, tie-break) unscored.",
    )
    tie_break: TieBreakInput | None = strawberry.field(
        default=None, description="Default: none (equal scores share a rank)."
    )
    scope: str | None = strawberry.field(
        default=None,
        description="A group kind (CLASS, SUBJECT, ...): the board also ranks each group of"
        ' that kind among its own members (leaderboard(key, group: ...)). "" on update:'
        " not scoped. Default: not scoped.",
    )
    group_score: GroupScore | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="How groupStandings scores a group. Default: SUM."
    )
    winner_every: int | None = strawberry.field(
        default=None,
        description="Minutes between winner checks (a divisor of a day: 1, 5, 15, 60, 1440"
        " ...; ticks aligned to UTC midnight); 0 turns winner detection off. Default: off"
        " (the built-in points board: 5).",
    )

    def to_fields(self) -> BoardFields:
        entry_filter = self.filter.to_filter() if self.filter is not None else None
        return BoardFields(
            name=self.name, description=self.description, category=self.category,
            participant_type=entry_filter.participant_type if entry_filter else None,
            time_window=self.time_window, starts_at=self.starts_at, ends_at=self.ends_at,
            timezone=self.timezone, sort_order=self.sort_order, rank_mode=self.rank_mode,
            max_entries=self.max_entries, visibility=self.visibility, entry_filter=entry_filter,
            metrics=tuple(w.to_fields() for w in self.metrics) if self.metrics is not None
            else None,
            tie_break=self.tie_break.to_fields() if self.tie_break is not None else None,
            winner_every=self.winner_every, scope=self.scope, group_score=self.group_score,
        )  # fmt: skip
