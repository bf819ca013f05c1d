"""Score events (the append-only audit log) and standings (aggregates derived from them).

A standing is one participant's score on one leaderboard for one period. It is updated in
the same transaction as the event that changes it, and its ``version`` grows with every
change so that Redis can apply projections in commit order (see ``app.ranking.store``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from app.leaderboards.models import Leaderboard, Metric
    from app.participants.models import Participant
    from app.tenancy.models import Tenant


class ScoreEvent(Model):
    id = fields.BigIntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Tenant] = fields.ForeignKeyField(
        "models.Tenant", related_name="score_events", on_delete=fields.RESTRICT
    )
    participant: fields.ForeignKeyRelation[Participant] = fields.ForeignKeyField(
        "models.Participant", related_name="score_events", on_delete=fields.CASCADE
    )
    metric: fields.ForeignKeyRelation[Metric] = fields.ForeignKeyField(
        "models.Metric", related_name="events", on_delete=fields.RESTRICT
    )
    value = fields.FloatField()
    occurred_at = fields.DatetimeField()
    source = fields.CharField(max_length=64)
    source_id = fields.CharField(max_length=200)
    action_type = fields.CharField(max_length=64, default="")
    context: fields.Field[dict[str, Any]] = fields.JSONField(default=dict)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "score_events"
        unique_together = (("tenant", "source", "source_id"),)
        indexes = (("participant", "occurred_at"), ("tenant", "metric", "occurred_at"))


class Standing(Model):
    id = fields.BigIntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Tenant] = fields.ForeignKeyField(
        "models.Tenant", related_name="standings", on_delete=fields.RESTRICT
    )
    leaderboard: fields.ForeignKeyRelation[Leaderboard] = fields.ForeignKeyField(
        "models.Leaderboard", related_name="standings", on_delete=fields.CASCADE
    )
    period = fields.CharField(max_length=16)
    participant: fields.ForeignKeyRelation[Participant] = fields.ForeignKeyField(
        "models.Participant", related_name="standings", on_delete=fields.CASCADE
    )
    score = fields.FloatField(default=0)
    # Orders equal scores (the board's tie-break, see app.leaderboards.ties); "" without one.
    # Compared byte-wise, as Redis compares members: COLLATE "C" on PostgreSQL (migration 4).
    tie_key = fields.CharField(max_length=32, default="")
    version = fields.BigIntField(default=1)
    updated_at = fields.DatetimeField()
    # The participant's name and avatar when the score last changed: a past period shows
    # them as they were then.
    display_name = fields.CharField(max_length=200, null=True)
    avatar = fields.CharField(max_length=500, null=True)

    class Meta:
        table = "standings"
        unique_together = (("leaderboard", "period", "participant"),)
        # Pages in board order, and the counts of who ranks ahead, from the index alone.
        indexes = (
            ("leaderboard", "period", "score", "tie_key", "participant"),
            ("leaderboard", "period", "updated_at"),
        )


class MetricAggregate(Model):
    """One metric's running aggregate for one participant on one board in one period.

    Every aggregation is kept exactly, without rescanning events: SUM and AVG from ``total``
    and ``count``, MAX and MIN from ``maximum`` and ``minimum``, LAST from the value of the
    latest event (by ``occurred_at``, then event id, so a late-arriving older event does not
    overwrite a newer one).
    """

    id = fields.BigIntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Tenant] = fields.ForeignKeyField(
        "models.Tenant", related_name="metric_aggregates", on_delete=fields.RESTRICT
    )
    leaderboard: fields.ForeignKeyRelation[Leaderboard] = fields.ForeignKeyField(
        "models.Leaderboard", related_name="aggregates", on_delete=fields.CASCADE
    )
    period = fields.CharField(max_length=16)
    participant: fields.ForeignKeyRelation[Participant] = fields.ForeignKeyField(
        "models.Participant", related_name="aggregates", on_delete=fields.CASCADE
    )
    metric: fields.ForeignKeyRelation[Metric] = fields.ForeignKeyField(
        "models.Metric", related_name="aggregates", on_delete=fields.RESTRICT
    )
    count = fields.BigIntField(default=0)
    total = fields.FloatField(default=0)
    minimum = fields.FloatField()
    maximum = fields.FloatField()
    last_value = fields.FloatField()
    last_at = fields.DatetimeField()
    last_event_id = fields.BigIntField()
    # When the aggregate reached its value, in event time (for "earliest to reach" ties):
    # the latest non-zero event (SUM), the earliest event of the maximum / minimum.
    total_at = fields.DatetimeField(null=True)  # None: no non-zero event yet
    maximum_at = fields.DatetimeField(null=True)
    minimum_at = fields.DatetimeField(null=True)

    class Meta:
        table = "metric_aggregates"
        unique_together = (("leaderboard", "period", "participant", "metric"),)
