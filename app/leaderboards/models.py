"""Leaderboard definitions and the metrics they are built from.

A metric says how its events aggregate over a period (sum, count, max, ...). A leaderboard
ranks participants by the weighted sum of its metrics' aggregates within a time window, in a
sort order and rank mode of its own. Every tenant has the built-in ``points`` board: the
all-time sum of the ``points`` metric that ``adjustPoints`` feeds.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from app.tenancy.models import Tenant


class Aggregation(StrEnum):
    SUM = "SUM"
    COUNT = "COUNT"
    MAX = "MAX"
    MIN = "MIN"
    AVG = "AVG"
    LAST = "LAST"  # the value of the event that occurred last


class DataType(StrEnum):
    NUMBER = "NUMBER"
    INTEGER = "INTEGER"
    DURATION = "DURATION"  # seconds
    PERCENT = "PERCENT"


class TimeWindow(StrEnum):
    DAILY = "DAILY"
    WEEKLY = "WEEKLY"  # ISO weeks, Monday to Sunday
    MONTHLY = "MONTHLY"
    TERM = "TERM"  # the tenant's calendar periods of that kind
    SEASON = "SEASON"
    ALL_TIME = "ALL_TIME"
    CUSTOM = "CUSTOM"  # one period, starts_at .. ends_at


class SortOrder(StrEnum):
    DESC = "DESC"  # higher scores first
    ASC = "ASC"


class RankMode(StrEnum):
    COMPETITION = "COMPETITION"  # 1, 2, 2, 4
    DENSE = "DENSE"  # 1, 2, 2, 3
    ORDINAL = "ORDINAL"  # 1, 2, 3, 4


class Visibility(StrEnum):
    PUBLIC = "PUBLIC"
    TENANT = "TENANT"
    PRIVATE = "PRIVATE"


class GroupScore(StrEnum):
    """How a scoped board ranks its groups against each other (``groupStandings``)."""

    SUM = "SUM"  # of the ranked members' scores
    MEAN = "MEAN"


class Metric(Model):
    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Tenant] = fields.ForeignKeyField(
        "models.Tenant", related_name="metrics", on_delete=fields.RESTRICT
    )
    key = fields.CharField(max_length=64)
    name = fields.CharField(max_length=200)
    description = fields.TextField(default="")
    unit = fields.CharField(max_length=32, default="")
    data_type = fields.CharEnumField(DataType, default=DataType.NUMBER)
    aggregation = fields.CharEnumField(Aggregation, default=Aggregation.SUM)
    higher_is_better = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "metrics"
        unique_together = (("tenant", "key"),)


class Leaderboard(Model):
    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Tenant] = fields.ForeignKeyField(
        "models.Tenant", related_name="leaderboards", on_delete=fields.RESTRICT
    )
    key = fields.CharField(max_length=64)
    name = fields.CharField(max_length=200)
    description = fields.TextField(default="")
    category = fields.CharField(max_length=64, default="")
    participant_type = fields.CharField(max_length=32, null=True)  # None: every type
    time_window = fields.CharEnumField(TimeWindow, default=TimeWindow.ALL_TIME)
    starts_at = fields.DatetimeField(null=True)  # CUSTOM windows only
    ends_at = fields.DatetimeField(null=True)
    # TERM and SEASON boards: only the calendar period of this key (a season's own board,
    # app.seasons); None: every period of the board's kind.
    calendar_key = fields.CharField(max_length=16, null=True)
    timezone = fields.CharField(max_length=64, default="UTC")  # IANA; periods roll over here
    sort_order = fields.CharEnumField(SortOrder, default=SortOrder.DESC)
    rank_mode = fields.CharEnumField(RankMode, default=RankMode.COMPETITION)
    max_entries = fields.IntField(null=True)  # None: rank everyone
    visibility = fields.CharEnumField(Visibility, default=Visibility.TENANT)
    # Tie-break of equal scores: a fallback metric (one of the board's), then, if set, the
    # earliest to reach the score (see app.leaderboards.ties).
    tie_metric: fields.ForeignKeyNullableRelation[Metric] = fields.ForeignKeyField(
        "models.Metric", related_name="tie_boards", null=True, on_delete=fields.RESTRICT
    )
    tie_earliest = fields.BooleanField(default=False)
    # Who may be ranked, decided when an event is recorded (see app.leaderboards.filters).
    entry_filter: fields.Field[dict[str, Any]] = fields.JSONField(default=dict)
    is_active = fields.BooleanField(default=True)
    # Minutes between two winner checks (app.winners), ticks aligned to UTC midnight; a
    # divisor of a day. None: no winner detection. The built-in points board: 5.
    winner_every = fields.IntField(null=True)
    # A group kind (CLASS, SUBJECT, ...): the board then also ranks each group of that kind
    # among its own members (app.groups); None: not scoped.
    scope = fields.CharField(max_length=32, null=True)
    group_score = fields.CharEnumField(GroupScore, default=GroupScore.SUM)
    # Set when a committed change could not reach Redis (the first such change not yet
    # repaired, and the latest): the keeper re-projects every standing updated since then
    # and clears both once a repair that began after the latest is done.
    dirty_since = fields.DatetimeField(null=True)
    dirty_last = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "leaderboards"
        unique_together = (("tenant", "key"),)


class LeaderboardMetric(Model):
    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Tenant] = fields.ForeignKeyField(
        "models.Tenant", related_name="leaderboard_metrics", on_delete=fields.RESTRICT
    )
    leaderboard: fields.ForeignKeyRelation[Leaderboard] = fields.ForeignKeyField(
        "models.Leaderboard", related_name="metrics", on_delete=fields.CASCADE
    )
    metric: fields.ForeignKeyRelation[Metric] = fields.ForeignKeyField(
        "models.Metric", related_name="leaderboards", on_delete=fields.RESTRICT
    )
    weight = fields.FloatField(default=1.0)
    display_priority = fields.IntField(default=0)

    class Meta:
        table = "leaderboard_metrics"
        unique_together = (("leaderboard", "metric"),)


class CalendarPeriod(Model):
    """A named span of the tenant's calendar (an academic term, a season): the periods of
    TERM and SEASON boards."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Tenant] = fields.ForeignKeyField(
        "models.Tenant", related_name="calendar_periods", on_delete=fields.RESTRICT
    )
    kind = fields.CharEnumField(TimeWindow)  # TERM or SEASON
    key = fields.CharField(max_length=16)
    name = fields.CharField(max_length=200, default="")
    starts_at = fields.DatetimeField()
    ends_at = fields.DatetimeField()

    class Meta:
        table = "calendar_periods"
        unique_together = (("tenant", "kind", "key"),)
