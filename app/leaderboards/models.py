"""Leaderboard definitions and the metrics they are built from.

The foundation ships one built-in definition per tenant, ``points``: the all-time sum of the
built-in ``points`` metric. Generic definitions (windows, filters, rank modes) extend these
tables rather than replace them.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from app.tenancy.models import Tenant


class Aggregation(StrEnum):
    SUM = "SUM"


class TimeWindow(StrEnum):
    ALL_TIME = "ALL_TIME"


class Metric(Model):
    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Tenant] = fields.ForeignKeyField(
        "models.Tenant", related_name="metrics", on_delete=fields.RESTRICT
    )
    key = fields.CharField(max_length=64)
    name = fields.CharField(max_length=200)
    description = fields.TextField(default="")
    unit = fields.CharField(max_length=32, default="")
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
    time_window = fields.CharEnumField(TimeWindow, default=TimeWindow.ALL_TIME)
    is_active = fields.BooleanField(default=True)
    # Set when a committed change could not reach Redis; the reconciler re-projects every
    # standing updated since then and clears it.
    dirty_since = fields.DatetimeField(null=True)
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
