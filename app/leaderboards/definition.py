"""A leaderboard definition as the rest of the service uses it: immutable, loaded in one go.

``BoardDefinition`` carries everything needed to score an event (its metrics and weights,
its window and filter) and to read a ranking (sort order, rank mode, size cap), so that
ingestion and reads never go back to the definition tables.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from app.db import fetch
from app.leaderboards.models import (
    Aggregation,
    CalendarPeriod,
    GroupScore,
    Leaderboard,
    RankMode,
    SortOrder,
    TimeWindow,
    Visibility,
)
from app.leaderboards.periods import Period, Span, WindowSpec, period_at, period_end, period_named
from app.leaderboards.ties import NO_TIE_BREAK, TieBreak
from app.participants.views import ParticipantView
from app.ranking.keys import BoardRef

JsonScalar = str | int | float | bool | None


@dataclass(frozen=True, slots=True)
class MetricWeight:
    metric_id: int
    key: str
    name: str
    unit: str
    aggregation: Aggregation
    weight: float  # 0: tracked (shown in breakdowns, usable as tie-break), not scored
    display_priority: int
    higher_is_better: bool = True


@dataclass(frozen=True, slots=True)
class EntryFilter:
    """Who a board ranks. Decided when an event is recorded, from the participant as it is
    then, so a ranking never changes on its own as the clock moves."""

    participant_type: str | None = None
    registered_after: datetime | None = None
    registered_before: datetime | None = None
    # "New users": only events within this many days of the participant's registration.
    registered_within_days: int | None = None
    metadata: dict[str, JsonScalar] = field(default_factory=dict)

    def admits(self, person: ParticipantView, at: datetime) -> bool:
        if self.participant_type is not None and person.participant_type != self.participant_type:
            return False
        joined = person.created_at
        if self.registered_after is not None and joined < self.registered_after:
            return False
        if self.registered_before is not None and joined >= self.registered_before:
            return False
        if self.registered_within_days is not None and at - joined > timedelta(
            days=self.registered_within_days
        ):
            return False
        return all(person.metadata.get(k) == v for k, v in self.metadata.items())

    def to_json(self) -> dict[str, Any]:
        stored: dict[str, Any] = {}
        if self.registered_after is not None:
            stored["registeredAfter"] = self.registered_after.astimezone(UTC).isoformat()
        if self.registered_before is not None:
            stored["registeredBefore"] = self.registered_before.astimezone(UTC).isoformat()
        if self.registered_within_days is not None:
            stored["registeredWithinDays"] = self.registered_within_days
        if self.metadata:
            stored["metadata"] = self.metadata
        return stored

    @classmethod
    def from_row(cls, participant_type: str | None, stored: dict[str, Any]) -> EntryFilter:
        def instant(name: str) -> datetime | None:
            value = stored.get(name)
            return datetime.fromisoformat(value) if value else None

        return cls(
            participant_type=participant_type,
            registered_after=instant("registeredAfter"),
            registered_before=instant("registeredBefore"),
            registered_within_days=stored.get("registeredWithinDays"),
            metadata=dict(stored.get("metadata") or {}),
        )


@dataclass(frozen=True, slots=True)
class BoardDefinition:
    id: int
    tenant_id: int
    key: str
    name: str
    description: str
    category: str
    window: WindowSpec
    sort_order: SortOrder
    rank_mode: RankMode
    max_entries: int | None
    visibility: Visibility
    entry_filter: EntryFilter
    is_active: bool
    metrics: tuple[MetricWeight, ...]
    revision: str  # changes whenever the definition or its weights change
    tie_break: TieBreak = NO_TIE_BREAK
    winner_every: int | None = None  # minutes between winner checks; None: none
    scope: str | None = None  # the group kind it also ranks per group (app.groups)
    group_score: GroupScore = GroupScore.SUM  # how its groups rank against each other

    @property
    def higher_is_better(self) -> bool:
        return self.sort_order == SortOrder.DESC

    def ref(self, period: str, group_id: int | None = None) -> BoardRef:
        return BoardRef(
            self.tenant_id,
            self.id,
            self.key,
            period,
            self.higher_is_better,
            self.rank_mode.value,
            group_id,
            period_end(self.window, period),
        )

    def period_at(self, at: datetime) -> Period | None:
        return period_at(self.window, at)

    def period_named(self, key: str) -> Period:
        return period_named(self.window, key)

    def weight_of(self, metric_id: int) -> MetricWeight | None:
        return next((m for m in self.metrics if m.metric_id == metric_id), None)


def revision_of(updated_at: datetime | str) -> str:
    """A comparable token of a board row's ``updated_at`` (as the ORM or raw SQL reads it)."""
    if isinstance(updated_at, str):
        updated_at = datetime.fromisoformat(updated_at)
    return updated_at.isoformat()


async def load_definitions(tenant_id: int | None, **where: Any) -> list[BoardDefinition]:
    """Definitions of boards matching ``where`` (Leaderboard filters), with their metrics."""
    query = Leaderboard.filter(**where)
    if tenant_id is not None:
        query = query.filter(tenant_id=tenant_id)
    boards = await query.order_by("id")
    if not boards:
        return []
    ids = [b.id for b in boards]
    marks = ", ".join(f"${i + 1}" for i in range(len(ids)))
    rows = await fetch(
        "SELECT lm.leaderboard_id, m.id, m.key, m.name, m.unit, m.aggregation, lm.weight,"
        " lm.display_priority, m.higher_is_better"
        " FROM leaderboard_metrics lm JOIN metrics m ON m.id = lm.metric_id"
        f" WHERE lm.leaderboard_id IN ({marks}) ORDER BY lm.display_priority, m.key",
        ids,
    )
    metrics: dict[int, list[MetricWeight]] = {i: [] for i in ids}
    for r in rows:
        metrics[r["leaderboard_id"]].append(
            MetricWeight(
                r["id"], r["key"], r["name"], r["unit"], Aggregation(r["aggregation"]),
                float(r["weight"]), int(r["display_priority"]), bool(r["higher_is_better"]),
            )
        )  # fmt: skip
    calendars = await _calendars({b.tenant_id for b in boards})  # type: ignore[attr-defined]
    return [_definition(b, tuple(metrics[b.id]), calendars) for b in boards]


async def _calendars(tenant_ids: set[int]) -> dict[tuple[int, str], tuple[Span, ...]]:
    spans: dict[tuple[int, str], list[Span]] = {}
    for p in await CalendarPeriod.filter(tenant_id__in=tenant_ids).order_by("starts_at"):
        spans.setdefault((p.tenant_id, p.kind), []).append(  # type: ignore[attr-defined]
            Span(p.key, p.starts_at, p.ends_at)
        )
    return {k: tuple(v) for k, v in spans.items()}


def _definition(
    b: Leaderboard,
    metrics: tuple[MetricWeight, ...],
    calendars: dict[tuple[int, str], tuple[Span, ...]],
) -> BoardDefinition:
    tenant_id: int = b.tenant_id  # type: ignore[attr-defined]
    calendar = calendars.get((tenant_id, b.time_window), ())
    if b.calendar_key is not None:  # bound to one period: events outside it count nowhere
        calendar = tuple(s for s in calendar if s.key == b.calendar_key)
    window = WindowSpec(TimeWindow(b.time_window), b.timezone, b.starts_at, b.ends_at, calendar)
    return BoardDefinition(
        id=b.id,
        tenant_id=tenant_id,
        key=b.key,
        name=b.name,
        description=b.description,
        category=b.category,
        window=window,
        sort_order=SortOrder(b.sort_order),
        rank_mode=RankMode(b.rank_mode),
        max_entries=b.max_entries,
        visibility=Visibility(b.visibility),
        entry_filter=EntryFilter.from_row(b.participant_type, b.entry_filter or {}),
        is_active=b.is_active,
        metrics=metrics,
        revision=revision_of(b.updated_at),
        tie_break=_tie_break(b, metrics),
        winner_every=b.winner_every,
        scope=b.scope,
        group_score=GroupScore(b.group_score),
    )


def _tie_break(b: Leaderboard, metrics: tuple[MetricWeight, ...]) -> TieBreak:
    tie_metric: int | None = b.tie_metric_id  # type: ignore[attr-defined]
    fallback = next((m for m in metrics if m.metric_id == tie_metric), None)
    if fallback is None:
        return TieBreak(earliest=b.tie_earliest)
    return TieBreak(fallback.metric_id, fallback.key, fallback.higher_is_better, b.tie_earliest)
