"""Leaderboard look-ups: the built-ins, a board by key and period, which boards a metric
feeds, and which rankings exist for maintenance."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from tortoise.exceptions import IntegrityError

from app.db import fetch
from app.errors import NotFound
from app.groups.views import GroupView
from app.leaderboards.definition import BoardDefinition, load_definitions
from app.leaderboards.models import (
    DataType,
    Leaderboard,
    LeaderboardMetric,
    Metric,
    TimeWindow,
)
from app.leaderboards.periods import CUSTOM_KEY, Period
from app.ranking.keys import BoardRef
from app.text import storable

POINTS = "points"
POINTS_WINNER_EVERY = 5  # minutes: the winner check of seed 003
NO_PERIOD = ""  # a TERM or SEASON board before its calendar has any period


@dataclass(frozen=True, slots=True)
class BoardInfo:
    """A board in one period: what a read of a ranking needs."""

    definition: BoardDefinition
    period: Period
    ref: BoardRef
    group: GroupView | None = None  # one group's ranking of a scoped board

    @property
    def name(self) -> str:
        return self.definition.name

    @property
    def description(self) -> str:
        return self.definition.description


async def ensure_builtins(tenant_id: int) -> None:
    """Create the ``points`` metric and the all-time ``points`` leaderboard if missing."""
    try:
        metric, _ = await Metric.get_or_create(
            tenant_id=tenant_id,
            key=POINTS,
            defaults={
                "name": "Points",
                "description": "Points given with +/- (adjustPoints): whole numbers.",
                "data_type": DataType.INTEGER,
            },
        )
        board, _ = await Leaderboard.get_or_create(
            tenant_id=tenant_id,
            key=POINTS,
            defaults={
                "name": "Points",
                "description": "All-time points of every participant.",
                "winner_every": POINTS_WINNER_EVERY,
            },
        )
        await LeaderboardMetric.get_or_create(
            tenant_id=tenant_id, leaderboard=board, metric=metric, defaults={"weight": 1.0}
        )
    except IntegrityError:  # another process created them first
        pass


async def get_definition(tenant_id: int, key: str) -> BoardDefinition:
    """The tenant's active board ``key``, or :class:`NotFound`."""
    found = await load_definitions(tenant_id, key=key, is_active=True) if storable(key) else []
    if not found:
        raise NotFound(f"No leaderboard with key {key!r}.")
    return found[0]


def board_in(
    definition: BoardDefinition,
    period: str | None = None,
    at: datetime | None = None,
    group: GroupView | None = None,
) -> BoardInfo:
    """The board in period ``period`` (a key), or in the one current at ``at`` (default:
    now); among the members of ``group`` only, if given. A CUSTOM, TERM or SEASON board
    between periods shows the next (or else the last) one, empty or not."""
    if period is not None:
        found = definition.period_named(period)
    else:
        moment = at or datetime.now(UTC)
        found = definition.period_at(moment) or _nearest(definition, moment)
    ref = definition.ref(found.key, None if group is None else group.id)
    return BoardInfo(definition, found, ref, group)


def _nearest(definition: BoardDefinition, now: datetime) -> Period:
    """The period to show between periods: CUSTOM's only one, a calendar's next (or last)
    one, or, before any calendar period exists, an empty one keyed ``""``."""
    window = definition.window
    if window.kind == TimeWindow.CUSTOM:
        return definition.period_named(CUSTOM_KEY)
    if not window.calendar:
        return Period(NO_PERIOD, None, None)
    upcoming = [s for s in window.calendar if s.start > now]
    span = upcoming[0] if upcoming else window.calendar[-1]
    return Period(span.key, span.start, span.end)


async def get_board(tenant_id: int, key: str, period: str | None = None) -> BoardInfo:
    """The active board ``key`` in ``period`` (default: the current period)."""
    return board_in(await get_definition(tenant_id, key), period)


async def current_boards(tenant_id: int | None = None) -> list[BoardRef]:
    """The current-period ranking of every active board, of one tenant or of all."""
    return [board_in(d).ref for d in await load_definitions(tenant_id, is_active=True)]


async def newcomer_boards(tenant_id: int) -> list[tuple[BoardRef, str]]:
    """Boards that rank a participant from its creation on, with zero: the points board;
    with the tie key of a participant that has no events there."""
    return [
        (board_in(d).ref, d.tie_break.key(None, None))
        for d in await load_definitions(tenant_id, key=POINTS, is_active=True)
    ]


async def ranked_periods(leaderboard_id: int, since: datetime | None = None) -> list[str]:
    """Periods of a board that have standings (changed ``since``, if given)."""
    condition, values = "", [leaderboard_id]
    if since is not None:
        condition, values = " AND updated_at >= $2", [leaderboard_id, since]  # type: ignore[list-item]
    rows = await fetch(
        f"SELECT DISTINCT period FROM standings WHERE leaderboard_id = $1{condition}", values
    )
    return sorted(r["period"] for r in rows)


async def rankings_of(tenant_id: int, participant_id: int) -> list[BoardRef]:
    """Every ranking (board and period) that holds the participant."""
    rows = await fetch(
        "SELECT s.leaderboard_id, s.period, l.key, l.sort_order, l.rank_mode FROM standings s"
        " JOIN leaderboards l ON l.id = s.leaderboard_id"
        " WHERE s.tenant_id = $1 AND s.participant_id = $2",
        [tenant_id, participant_id],
    )
    # When each period closes (a past one may be released from Redis: app.leaderboards.release).
    defined = {d.id: d for d in await load_definitions(tenant_id)}
    return [
        BoardRef(
            tenant_id,
            r["leaderboard_id"],
            r["key"],
            r["period"],
            r["sort_order"] == "DESC",
            r["rank_mode"],
            closes_at=defined[r["leaderboard_id"]].ref(r["period"]).closes_at
            if r["leaderboard_id"] in defined
            else None,
        )
        for r in rows
    ]


@dataclass(frozen=True, slots=True)
class MetricInfo:
    """What recording a value of a metric needs to know of it."""

    id: int
    key: str
    whole: bool  # dataType INTEGER: its values are whole numbers


async def metric_info(tenant_id: int, key: str) -> MetricInfo:
    metric = await Metric.get_or_none(tenant_id=tenant_id, key=key) if storable(key) else None
    if metric is None:
        raise NotFound(f"No metric with key {key!r}.")
    return MetricInfo(metric.id, metric.key, metric.data_type == DataType.INTEGER)


async def metric_id(tenant_id: int, key: str) -> int:
    return (await metric_info(tenant_id, key)).id


async def boards_fed_by(tenant_id: int, metric_id: int) -> list[BoardDefinition]:
    """The active boards that metric ``metric_id`` contributes to."""
    rows = await fetch(
        "SELECT lm.leaderboard_id FROM leaderboard_metrics lm"
        " JOIN leaderboards l ON l.id = lm.leaderboard_id"
        " WHERE lm.tenant_id = $1 AND lm.metric_id = $2 AND l.is_active",
        [tenant_id, metric_id],
    )
    ids = [r["leaderboard_id"] for r in rows]
    return await load_definitions(tenant_id, id__in=ids) if ids else []


async def list_boards(
    tenant_id: int, category: str | None, active: bool | None
) -> list[BoardDefinition]:
    """The tenant's boards by key, optionally of one category and activity."""
    where: dict[str, object] = {}
    if category is not None:
        if not storable(category):  # no board has a category the database cannot store
            return []
        where["category"] = category
    if active is not None:
        where["is_active"] = active
    return sorted(await load_definitions(tenant_id, **where), key=lambda d: d.key)


async def list_metrics(tenant_id: int) -> list[Metric]:
    return await Metric.filter(tenant_id=tenant_id).order_by("key")
