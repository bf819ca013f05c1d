"""Defining metrics and leaderboards (the admin side).

Every change is validated first (BAD_USER_INPUT, nothing changed). A change that alters how
a board scores (weights, window, time zone, filter, a metric's aggregation) re-scores it from
the event log in the same step, so its ranking always equals what its definition says.
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, fields, replace
from datetime import UTC, datetime
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from app.db import fetch, is_sqlite
from app.deps import Deps
from app.errors import BadUserInput, Conflict, NotFound
from app.groups.views import check_kind
from app.leaderboards.definition import BoardDefinition, EntryFilter, load_definitions
from app.leaderboards.keeper import mark_dirty
from app.leaderboards.models import (
    Aggregation,
    CalendarPeriod,
    DataType,
    GroupScore,
    Leaderboard,
    LeaderboardMetric,
    Metric,
    RankMode,
    SortOrder,
    TimeWindow,
    Visibility,
)
from app.leaderboards.periods import MAX_KEY_LENGTH, zone
from app.leaderboards.service import POINTS
from app.scoring.ingest import lock_metrics
from app.scoring.models import ScoreEvent
from app.scoring.recompute import refresh_rankings, rescore_rows
from app.text import KEY, check_key, check_text, storable, storable_json

MAX_METRICS = 20
MAX_WITHIN_DAYS = 36_500


@dataclass(frozen=True, slots=True)
class MetricFields:
    key: str
    name: str
    description: str = ""
    unit: str = ""
    data_type: DataType | None = None  # None: as it is (NUMBER for a new metric)
    aggregation: Aggregation = Aggregation.SUM
    higher_is_better: bool = True


@dataclass(frozen=True, slots=True)
class WeightFields:
    metric: str  # key
    weight: float = 1.0
    display_priority: int = 0


@dataclass(frozen=True, slots=True)
class TieBreakFields:
    metric: str | None = None  # key of one of the board's metrics (weight 0 is fine)
    earliest: bool = False  # then the earliest to reach the score


@dataclass(frozen=True, slots=True)
class BoardFields:
    """A leaderboard definition as given; ``None`` leaves a field as it is on update."""

    name: str | None = None
    description: str | None = None
    category: str | None = None
    participant_type: str | None = None
    time_window: TimeWindow | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    timezone: str | None = None
    sort_order: SortOrder | None = None
    rank_mode: RankMode | None = None
    max_entries: int | None = None
    visibility: Visibility | None = None
    entry_filter: EntryFilter | None = None
    metrics: tuple[WeightFields, ...] | None = None
    tie_break: TieBreakFields | None = None
    winner_every: int | None = None  # minutes; 0: off
    scope: str | None = None  # a group kind; "": not scoped
    group_score: GroupScore | None = None


# Fields whose change alters scores: the board is re-scored from events.
SCORING = ("participant_type", "time_window", "starts_at", "ends_at", "timezone", "entry_filter")
# What only a bound board's owner (app.seasons) changes: its window, dates, metrics, filter.
BOUND = ("time_window", "starts_at", "ends_at", "metrics", "entry_filter", "participant_type")
CALENDAR_LOCK_SPACE = 7202  # advisory locks of a tenant's calendar: (space, tenant id)


async def define_metric(deps: Deps, tenant_id: int, given: MetricFields) -> Metric:
    """Create metric ``key``, or change it. Changing its aggregation re-scores every board
    that uses it."""
    check_key(given.key, "A metric")
    check_text(given.name, "name", 200, empty=False)
    check_text(given.description, "description", 10_000)
    check_text(given.unit, "unit", 32)
    metric = await Metric.get_or_none(tenant_id=tenant_id, key=given.key)
    kept = DataType(metric.data_type) if metric is not None else DataType.NUMBER
    given = replace(given, data_type=given.data_type or kept)
    values = {f.name: getattr(given, f.name) for f in fields(given) if f.name != "key"}
    if metric is None:
        try:
            return await Metric.create(tenant_id=tenant_id, key=given.key, **values)
        except IntegrityError:
            raise Conflict(f"Metric {given.key!r} was just created by another request.") from None
    if given.key == POINTS and given.aggregation != Aggregation.SUM:
        raise BadUserInput("The built-in points metric always sums.", field="aggregation")
    if given.key == POINTS and given.data_type != DataType.INTEGER:
        raise BadUserInput("The built-in points metric counts whole numbers.", field="dataType")
    if (
        given.data_type == DataType.INTEGER
        and metric.data_type != DataType.INTEGER
        and await _has_fractions(tenant_id, metric.id)
    ):
        raise BadUserInput(
            f"Metric {given.key!r} has recorded values that are not whole numbers: it cannot"
            " become INTEGER.",
            field="dataType",
        )
    users = await _boards_using(tenant_id, metric.id)
    aggregation = metric.aggregation != given.aggregation
    direction = metric.higher_is_better != given.higher_is_better  # of tie-breaks by it
    rescoring = [
        b.key for b in users if aggregation or (direction and b.tie_break.metric_id == metric.id)
    ]

    async def write() -> None:
        await Metric.filter(id=metric.id).update(**values)

    involved = {metric.id} | {m.metric_id for b in users for m in b.metrics}  # one lock order
    await _rescoring(deps, tenant_id, rescoring, write, involved)
    return await Metric.get(id=metric.id)


async def _has_fractions(tenant_id: int, metric_id: int) -> bool:
    rows = await fetch(
        "SELECT 1 FROM score_events WHERE tenant_id = $1 AND metric_id = $2"
        " AND value <> CAST(value AS BIGINT) LIMIT 1",
        [tenant_id, metric_id],
    )
    return bool(rows)


async def delete_metric(deps: Deps, tenant_id: int, key: str) -> None:
    """Delete an unused metric: one that no leaderboard uses and no event records."""
    metric = await Metric.get_or_none(tenant_id=tenant_id, key=key) if storable(key) else None
    if metric is None:
        raise NotFound(f"No metric with key {key!r}.")
    users = await LeaderboardMetric.filter(metric_id=metric.id).values_list(
        "leaderboard__key", flat=True
    )
    if users:
        raise Conflict(
            f"Metric {key!r} is used by leaderboards {', '.join(sorted(map(str, users)))}.",
            field="key",
        )
    if await ScoreEvent.exists(metric_id=metric.id):
        raise Conflict(f"Metric {key!r} has recorded events; they stay in the audit log.")
    await metric.delete()
    await _changed(deps, tenant_id)


async def define_leaderboard(
    deps: Deps, tenant_id: int, key: str, given: BoardFields
) -> BoardDefinition:
    """Create leaderboard ``key`` and score it from the events already recorded."""
    check_key(key, "A leaderboard")
    if given.name is None or given.metrics is None:
        raise BadUserInput("A new leaderboard needs a name and metrics.", field="metrics")
    if await Leaderboard.exists(tenant_id=tenant_id, key=key):
        raise Conflict(f"A leaderboard with key {key!r} exists; use updateLeaderboard.")
    metrics = await _weights(tenant_id, given.metrics)
    window = given.time_window or TimeWindow.ALL_TIME
    sort = given.sort_order or _default_order(metrics, given.metrics)
    row_values = _validated(given, window, given.starts_at, given.ends_at, given.max_entries)
    row_values.update(_tie_values(given.tie_break or TieBreakFields(), metrics))
    weights = given.metrics

    async def write() -> None:
        board = await Leaderboard.create(
            tenant_id=tenant_id, key=key, **row_values, time_window=window, sort_order=sort
        )
        await _replace_weights(tenant_id, board.id, metrics, weights)

    try:
        found = await _rescoring(deps, tenant_id, [key], write, {m.id for m in metrics.values()})
    except IntegrityError:
        raise Conflict(f"A leaderboard with key {key!r} exists; use updateLeaderboard.") from None
    return found[0]


async def update_leaderboard(
    deps: Deps, tenant_id: int, key: str, given: BoardFields, *, owner: bool = False
) -> BoardDefinition:
    """Change the given fields; re-scores the board when scoring changed. A board bound to
    a calendar period (a season's) keeps its window, dates, metrics and filter unless its
    ``owner`` (app.seasons) changes them."""
    board = await _board_row(tenant_id, key)
    if not owner:
        _check_unbound(board, [f for f in BOUND if getattr(given, f) is not None])
    metrics = await _weights(tenant_id, given.metrics) if given.metrics is not None else None
    window = given.time_window or TimeWindow(board.time_window)
    custom = window == TimeWindow.CUSTOM
    starts = given.starts_at or (board.starts_at if custom else None)
    ends = given.ends_at or (board.ends_at if custom else None)
    max_entries = given.max_entries if given.max_entries is not None else board.max_entries
    row_values = _validated(given, window, starts, ends, max_entries, partial=True)
    if given.time_window is not None or given.starts_at or given.ends_at:
        row_values.update(time_window=window, starts_at=utc(starts), ends_at=utc(ends))
    if given.entry_filter is not None:  # a filter replaces the whole filter, type included
        row_values["participant_type"] = given.entry_filter.participant_type
    if given.sort_order is not None:
        row_values["sort_order"] = given.sort_order
    if board.key == POINTS and (given.time_window or given.metrics or given.entry_filter):
        raise BadUserInput("The built-in points board keeps its window, metric and filter.")
    old = {
        r["metric__key"]: r["metric_id"]
        for r in await LeaderboardMetric.filter(leaderboard_id=board.id).values(
            "metric_id", "metric__key"
        )
    }
    tie_changed = False
    if given.tie_break is not None or metrics is not None:  # the tie metric must stay the board's
        tie = given.tie_break or _current_tie_break(board, old)
        if metrics is None:
            metrics_now = {m.key: m for m in await Metric.filter(id__in=list(old.values()))}
        tie_values = _tie_values(tie, metrics if metrics is not None else metrics_now)
        row_values.update(tie_values)
        tie_changed = tie_values != {
            "tie_metric_id": board.tie_metric_id,  # type: ignore[attr-defined]
            "tie_earliest": board.tie_earliest,
        }
    rescoring = metrics is not None or any(
        getattr(given, name) is not None for name in SCORING
    ) or "sort_order" in row_values or tie_changed  # fmt: skip
    # Only DENSE boards keep levels in Redis: a switch to or from DENSE updates them.
    levels = given.rank_mode is not None and (given.rank_mode == RankMode.DENSE) != (
        board.rank_mode == RankMode.DENSE
    )
    weights = given.metrics
    involved = set(old.values()) | {m.id for m in (metrics or {}).values()}

    async def write() -> None:
        await Leaderboard.filter(id=board.id).update(**row_values, updated_at=datetime.now(UTC))
        if metrics is not None and weights is not None:
            await _replace_weights(tenant_id, board.id, metrics, weights)

    await _rescoring(deps, tenant_id, [key] if rescoring else [], write, involved)
    definition = (await load_definitions(tenant_id, id=board.id))[0]
    if levels and not rescoring:  # DENSE boards keep levels in Redis; others drop them
        await refresh_rankings(deps, definition, [])
    return definition


async def set_weights(
    deps: Deps, tenant_id: int, key: str, weights: Sequence[WeightFields], *, owner: bool = False
) -> BoardDefinition:
    """Replace the board's metrics and weights at once, and re-score it."""
    given = BoardFields(metrics=tuple(weights))
    return await update_leaderboard(deps, tenant_id, key, given, owner=owner)


async def deactivate_leaderboard(deps: Deps, tenant_id: int, key: str) -> None:
    """Hide the board from reads and stop feeding it (its standings and events stay)."""
    if key == POINTS:
        raise BadUserInput("The built-in points board cannot be deactivated.", field="key")
    board = await _board_row(tenant_id, key)
    _check_unbound(board, ["is_active"])
    await Leaderboard.filter(id=board.id).update(is_active=False, updated_at=datetime.now(UTC))
    await _changed(deps, tenant_id)


def _check_unbound(board: Leaderboard, changing: Sequence[str]) -> None:
    """BAD_USER_INPUT for a change of ``changing`` on a board bound to a calendar period:
    its season defines those (updateSeason, setSeasonWeights)."""
    if board.calendar_key is not None and changing:
        raise BadUserInput(
            f"Leaderboard {board.key!r} is the board of season {board.calendar_key!r}: its"
            " window, dates, metrics, filter and activity follow the season (use updateSeason"
            " or setSeasonWeights).",
            field=_camel(changing[0]),
        )


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


@dataclass(frozen=True, slots=True)
class BoundBoard:
    """A board of one calendar period only (a season's own board, app.seasons): created
    with its period, in the same transaction, and scored over that period alone."""

    key: str
    name: str
    weights: tuple[WeightFields, ...]
    visibility: Visibility = Visibility.TENANT


async def define_calendar_period(
    deps: Deps, tenant_id: int, kind: TimeWindow, key: str, name: str, starts: datetime,
    ends: datetime, *, bound: BoundBoard | None = None,
    also: Callable[[], Awaitable[None]] | None = None, owner: bool = False,
) -> CalendarPeriod:  # fmt: skip
    """Add or move a term or season; the boards of that kind that take this period (all
    but those bound to another one) are re-scored when its span changes. With ``bound``
    the period must be new, and its board is created with it. ``also()`` runs last in the
    same transaction (the season's own row). Periods of a tenant never overlap: checked
    first, and again in the transaction under a per-tenant lock, so concurrent requests
    cannot both add overlapping periods."""
    if kind not in (TimeWindow.TERM, TimeWindow.SEASON):
        raise BadUserInput("Calendar periods are TERM or SEASON.", field="kind")
    if not KEY.fullmatch(key) or len(key) > MAX_KEY_LENGTH:
        raise BadUserInput(f"A period key is 1 to {MAX_KEY_LENGTH} letters or digits.", field="key")
    check_text(name, "name", 200)
    _check_span(starts, ends)
    starts, ends = starts.astimezone(UTC), ends.astimezone(UTC)
    metrics = await _bound_metrics(tenant_id, bound) if bound is not None else {}
    existing = await CalendarPeriod.get_or_none(tenant_id=tenant_id, kind=kind, key=key)
    if bound is not None and existing is not None:
        raise Conflict(f"A {kind.value.lower()} with key {key!r} exists.", field="key")
    if existing is not None and not owner and await _bound_to(tenant_id, kind, key):
        raise BadUserInput(
            f"The {kind.value.lower()} {key!r} belongs to a season: move it with updateSeason.",
            field="key",
        )
    await _check_no_overlap(tenant_id, kind, key, starts, ends)
    moved = existing is None or (existing.starts_at, existing.ends_at) != (starts, ends)
    boards = await _boards_of_period(tenant_id, kind, key) if moved else []

    async def write() -> None:
        await _lock_calendar(tenant_id)  # then check again: a concurrent one has committed
        if bound is not None and await CalendarPeriod.exists(
            tenant_id=tenant_id, kind=kind, key=key
        ):
            raise Conflict(f"A {kind.value.lower()} with key {key!r} exists.", field="key")
        await _check_no_overlap(tenant_id, kind, key, starts, ends)
        await CalendarPeriod.update_or_create(
            tenant_id=tenant_id, kind=kind, key=key,
            defaults={"name": name, "starts_at": starts, "ends_at": ends},
        )  # fmt: skip
        if bound is not None:
            board = await Leaderboard.create(
                tenant_id=tenant_id, key=bound.key, name=bound.name, time_window=kind,
                calendar_key=key, visibility=bound.visibility, sort_order=SortOrder.DESC,
            )  # fmt: skip
            await _replace_weights(tenant_id, board.id, metrics, bound.weights)
        if also is not None:
            await also()

    keys = [b.key for b in boards] + ([bound.key] if bound is not None else [])
    metric_ids = {m.metric_id for b in boards for m in b.metrics} | {m.id for m in metrics.values()}
    try:
        await _rescoring(deps, tenant_id, keys, write, metric_ids)
    except IntegrityError:  # a concurrent request created the same period, board or row
        raise Conflict(
            f"A concurrent request created or changed {kind.value.lower()} {key!r}; try again."
        ) from None
    return await CalendarPeriod.get(tenant_id=tenant_id, kind=kind, key=key)


async def _check_no_overlap(
    tenant_id: int, kind: TimeWindow, key: str, starts: datetime, ends: datetime
) -> None:
    overlapping = await CalendarPeriod.filter(
        tenant_id=tenant_id, kind=kind, starts_at__lt=ends, ends_at__gt=starts
    ).exclude(key=key)
    if overlapping:
        raise Conflict(f"It overlaps {kind.value.lower()} {overlapping[0].key!r}.")


async def _lock_calendar(tenant_id: int) -> None:
    """Serialise changes of the tenant's calendar periods until the transaction ends.
    PostgreSQL only: SQLite has one writer at a time anyway."""
    if not is_sqlite():
        await fetch(f"SELECT pg_advisory_xact_lock({CALENDAR_LOCK_SPACE}, $1::int)", [tenant_id])


async def _bound_metrics(tenant_id: int, bound: BoundBoard) -> dict[str, Metric]:
    check_key(bound.key, "A leaderboard")
    check_text(bound.name, "name", 200, empty=False)
    if await Leaderboard.exists(tenant_id=tenant_id, key=bound.key):
        raise Conflict(f"A leaderboard with key {bound.key!r} exists.", field="key")
    return await _weights(tenant_id, bound.weights)


async def _bound_to(tenant_id: int, kind: TimeWindow, key: str) -> bool:
    """Whether a board is bound to period ``key`` (a season's own period)."""
    return await Leaderboard.exists(tenant_id=tenant_id, time_window=kind, calendar_key=key)


async def _boards_of_period(tenant_id: int, kind: TimeWindow, key: str) -> list[BoardDefinition]:
    """The active boards of ``kind`` that take period ``key``: unbound ones and its own."""
    unbound = await load_definitions(
        tenant_id, time_window=kind, is_active=True, calendar_key__isnull=True
    )
    own = await load_definitions(tenant_id, time_window=kind, is_active=True, calendar_key=key)
    return unbound + own


# -- helpers ------------------------------------------------------------------------------


async def _changed(deps: Deps, tenant_id: int) -> None:
    """Forget cached definitions here, and cached query results everywhere."""
    deps.definitions.forget()
    await deps.keeper.touch(tenant_id)


async def _rescoring(
    deps: Deps,
    tenant_id: int,
    keys: Sequence[str],
    write: Callable[[], Awaitable[None]],
    metric_ids: set[int],
) -> list[BoardDefinition]:
    """Apply ``write`` and re-score boards ``keys`` in one transaction, holding every metric
    involved (before and after the change) so that no event is recorded meanwhile with the
    old definition. The boards' ``updated_at`` moves, which tells every process that cached
    their definitions to reload them. Redis follows after the commit."""
    found: list[tuple[BoardDefinition, list[str], datetime]] = []
    async with in_transaction() as conn:
        await lock_metrics(sorted(metric_ids), conn, exclusive=True)
        await write()
        if keys:
            await Leaderboard.filter(tenant_id=tenant_id, key__in=list(keys)).update(
                updated_at=datetime.now(UTC)
            )
        for key in keys:
            definition = (await load_definitions(tenant_id, key=key))[0]
            before, _ = await rescore_rows(deps, definition)
            mark = await mark_dirty(definition.id)  # Redis follows after the commit; until
            found.append((definition, before, mark))  # then (or if this process dies): dirty
    deps.definitions.forget()
    for definition, before, mark in found:
        await refresh_rankings(deps, definition, before, mark)
    await _changed(deps, tenant_id)
    return [d for d, _, _ in found]


async def _board_row(tenant_id: int, key: str) -> Leaderboard:
    board = (
        await Leaderboard.get_or_none(tenant_id=tenant_id, key=key, is_active=True)
        if storable(key)
        else None
    )
    if board is None:
        raise NotFound(f"No leaderboard with key {key!r}.")
    return board


async def _boards_using(tenant_id: int, metric_id: int) -> list[BoardDefinition]:
    ids = await LeaderboardMetric.filter(tenant_id=tenant_id, metric_id=metric_id).values_list(
        "leaderboard_id", flat=True
    )
    return await load_definitions(tenant_id, id__in=list(ids), is_active=True) if ids else []


async def _weights(tenant_id: int, given: Sequence[WeightFields]) -> dict[str, Metric]:
    """The metrics named by ``given``, checked: known, distinct, finite weights."""
    if not 1 <= len(given) <= MAX_METRICS:
        raise BadUserInput(f"A leaderboard has 1 to {MAX_METRICS} metrics.", field="metrics")
    keys = [w.metric for w in given]
    if len(set(keys)) != len(keys):
        raise BadUserInput("Each metric may appear once.", field="metrics")
    for w in given:
        if not math.isfinite(w.weight):
            raise BadUserInput("Weights must be finite numbers.", field="weight")
    if all(w.weight == 0 for w in given):
        raise BadUserInput(
            "At least one metric needs a weight other than 0 (weight 0 only tracks a metric).",
            field="weight",
        )
    found = {
        m.key: m
        for m in await Metric.filter(tenant_id=tenant_id, key__in=[k for k in keys if storable(k)])
    }
    unknown = [k for k in keys if k not in found]
    if unknown:
        raise BadUserInput(f"Unknown metric {unknown[0]!r}.", field="metric")
    return found


async def _replace_weights(
    tenant_id: int,
    board_id: int,
    metrics: dict[str, Metric],
    given: Sequence[WeightFields],
) -> None:
    """In the caller's transaction."""
    await LeaderboardMetric.filter(leaderboard_id=board_id).delete()
    await LeaderboardMetric.bulk_create(
        [
            LeaderboardMetric(
                tenant_id=tenant_id,
                leaderboard_id=board_id,
                metric_id=metrics[w.metric].id,
                weight=w.weight,
                display_priority=w.display_priority,
            )
            for w in given
        ]
    )


def _default_order(metrics: dict[str, Metric], weights: Sequence[WeightFields]) -> SortOrder:
    """Ascending when every scored metric is lower-is-better (a response time board, say)."""
    scored = [metrics[w.metric] for w in weights if w.weight != 0]
    return SortOrder.ASC if not any(m.higher_is_better for m in scored) else SortOrder.DESC


def _tie_values(tie: TieBreakFields, metrics: dict[str, Metric]) -> dict[str, Any]:
    """Row values of a tie-break; its metric must be one of the board's ``metrics``."""
    if tie.metric is not None and tie.metric not in metrics:
        raise BadUserInput(
            f"The tie-break metric {tie.metric!r} must be one of the board's metrics"
            " (add it with weight 0 to use it only for tie-breaks).",
            field="tieBreak",
        )
    tie_metric = metrics[tie.metric].id if tie.metric is not None else None
    return {"tie_metric_id": tie_metric, "tie_earliest": tie.earliest}


def _current_tie_break(board: Leaderboard, metrics: dict[str, int]) -> TieBreakFields:
    tie_metric = board.tie_metric_id  # type: ignore[attr-defined]
    key = next((k for k, i in metrics.items() if i == tie_metric), None)
    return TieBreakFields(key, board.tie_earliest)


def _validated(
    given: BoardFields,
    window: TimeWindow,
    starts: datetime | None,
    ends: datetime | None,
    max_entries: int | None,
    *,
    partial: bool = False,
) -> dict[str, Any]:
    """The row values of ``given`` (only those given, when ``partial``), validated."""
    check_text(given.name, "name", 200, empty=False)
    check_text(given.description, "description", 10_000)
    check_text(given.category, "category", 64)
    check_text(given.participant_type, "participantType", 32)
    if given.timezone is not None:
        zone(given.timezone)
    if window == TimeWindow.CUSTOM:
        if starts is None or ends is None:
            raise BadUserInput("A CUSTOM window needs startsAt and endsAt.", field="startsAt")
        _check_span(starts, ends)
    elif given.starts_at is not None or given.ends_at is not None:
        raise BadUserInput("startsAt and endsAt are for CUSTOM windows.", field="startsAt")
    if max_entries is not None and max_entries < 1:
        raise BadUserInput("maxEntries must be positive.", field="maxEntries")
    if given.entry_filter is not None:
        _check_filter(given.entry_filter)
    if given.winner_every is not None:
        check_winner_every(given.winner_every)
    if given.scope:
        check_kind(given.scope, field="scope")
    values: dict[str, Any] = {
        "name": given.name,
        "description": given.description,
        "category": given.category,
        "participant_type": given.participant_type,
        "timezone": given.timezone,
        "rank_mode": given.rank_mode,
        "max_entries": given.max_entries,
        "visibility": given.visibility,
        "entry_filter": given.entry_filter.to_json() if given.entry_filter else None,
        "starts_at": utc(starts) if window == TimeWindow.CUSTOM else None,
        "ends_at": utc(ends) if window == TimeWindow.CUSTOM else None,
        "winner_every": given.winner_every,
        "scope": given.scope,
        "group_score": given.group_score,
    }
    if given.entry_filter is not None:  # the type lives in its own column
        values["participant_type"] = given.entry_filter.participant_type
    if partial:  # the window's own fields are set by the caller
        skip = ("starts_at", "ends_at")
        given_values = {k: v for k, v in values.items() if v is not None and k not in skip}
        if given.winner_every == 0:
            given_values["winner_every"] = None  # off
        if given.scope == "":
            given_values["scope"] = None  # not scoped
        return given_values
    values["winner_every"] = given.winner_every or None
    values["scope"] = given.scope or None
    defaults = {"description": "", "category": "", "timezone": "UTC", "entry_filter": {},
                "rank_mode": RankMode.COMPETITION, "visibility": Visibility.TENANT,
                "group_score": GroupScore.SUM}  # fmt: skip
    return {k: (defaults.get(k) if v is None else v) for k, v in values.items()}


MINUTES_PER_DAY = 1440


def check_winner_every(minutes: int) -> None:
    """Winner checks tick every ``minutes``, aligned to UTC midnight: a divisor of a day
    (or 0, off)."""
    if minutes < 0 or (minutes and MINUTES_PER_DAY % minutes):
        raise BadUserInput(
            "winnerEvery must divide a day in minutes (1, 2, 3, 5, 10, 15, 30, 60, 1440 ...),"
            " or be 0 to turn winner detection off.",
            field="winnerEvery",
        )


def _check_span(starts: datetime, ends: datetime) -> None:
    if starts.tzinfo is None or ends.tzinfo is None:
        raise BadUserInput("startsAt and endsAt need a time zone offset.", field="startsAt")
    if ends <= starts:
        raise BadUserInput("endsAt must come after startsAt.", field="endsAt")


def utc(moment: datetime | None) -> datetime | None:
    """Instants are stored in UTC (SQLite compares them as text)."""
    return moment.astimezone(UTC) if moment is not None else None


def _check_filter(f: EntryFilter) -> None:
    check_text(f.participant_type, "participantType", 32)
    for instant in (f.registered_after, f.registered_before):
        if instant is not None and instant.tzinfo is None:
            raise BadUserInput("Filter instants need a time zone offset.", field="filter")
    days = f.registered_within_days
    if days is not None and not 0 < days <= MAX_WITHIN_DAYS:
        raise BadUserInput(
            f"registeredWithinDays must be 1 to {MAX_WITHIN_DAYS}.", field="registeredWithinDays"
        )
    if not storable_json(f.metadata) or any(
        isinstance(v, dict | list) for v in f.metadata.values()
    ):
        raise BadUserInput("Metadata filters compare keys with plain values.", field="metadata")
