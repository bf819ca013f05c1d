"""Seasons, their rewards per level, and the claims of those rewards."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model

if TYPE_CHECKING:
    from tortoise.backends.base.schema_generator import BaseSchemaGenerator

    from app.leaderboards.models import CalendarPeriod, Leaderboard
    from app.participants.models import Participant
    from app.tenancy.models import Tenant

ONE_ACTIVE_INDEX = "uidx_seasons_one_active"


class OneActivePerTenant(Index):
    """``UNIQUE (tenant_id) WHERE is_active``: the database itself refuses a second active
    season of a tenant (PostgreSQL and SQLite both have partial indexes)."""

    def __init__(self) -> None:
        super().__init__(fields=("tenant_id",), name=ONE_ACTIVE_INDEX)
        self.extra = ' WHERE "is_active"'

    def get_sql(self, schema_generator: BaseSchemaGenerator, model: type[Model], safe: bool) -> str:
        exists = "IF NOT EXISTS " if safe else ""
        table = model._meta.db_table
        return f'CREATE UNIQUE INDEX {exists}"{self.name}" ON "{table}" ("tenant_id"){self.extra};'


class Season(Model):
    id = fields.BigIntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Tenant] = fields.ForeignKeyField(
        "models.Tenant", related_name="seasons", on_delete=fields.RESTRICT
    )
    key = fields.CharField(max_length=16)  # the slug, e.g. S1-2025: also its period's key
    name = fields.CharField(max_length=200)
    leaderboard: fields.ForeignKeyRelation[Leaderboard] = fields.ForeignKeyField(
        "models.Leaderboard", related_name="seasons", on_delete=fields.RESTRICT
    )
    calendar_period: fields.ForeignKeyRelation[CalendarPeriod] = fields.ForeignKeyField(
        "models.CalendarPeriod", related_name="seasons", on_delete=fields.RESTRICT
    )
    # The flag an admin sets; a season is active only while it is set *and* now is within
    # its dates (see SeasonView.active_at).
    is_active = fields.BooleanField(default=False)
    level_step = fields.IntField(null=True)  # points per level; None: thresholds
    level_thresholds: fields.Field[list[Any] | None] = fields.JSONField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "seasons"
        unique_together = (("tenant", "key"),)
        indexes = (OneActivePerTenant(),)


class SeasonReward(Model):
    id = fields.BigIntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Tenant] = fields.ForeignKeyField(
        "models.Tenant", related_name="season_rewards", on_delete=fields.RESTRICT
    )
    season: fields.ForeignKeyRelation[Season] = fields.ForeignKeyField(
        "models.Season", related_name="rewards", on_delete=fields.CASCADE
    )
    level = fields.IntField()
    key = fields.CharField(max_length=64)
    name = fields.CharField(max_length=200)
    payload: fields.Field[Any] = fields.JSONField()

    class Meta:
        table = "season_rewards"
        unique_together = (("season", "key"),)


# One claim per participant and level of a season: the unique constraint makes a repeated
# or concurrent claim find the first one.
class RewardClaim(Model):
    id = fields.BigIntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Tenant] = fields.ForeignKeyField(
        "models.Tenant", related_name="reward_claims", on_delete=fields.RESTRICT
    )
    season: fields.ForeignKeyRelation[Season] = fields.ForeignKeyField(
        "models.Season", related_name="claims", on_delete=fields.CASCADE
    )
    participant: fields.ForeignKeyRelation[Participant] = fields.ForeignKeyField(
        "models.Participant", related_name="reward_claims", on_delete=fields.CASCADE
    )
    level = fields.IntField()
    claimed_at = fields.DatetimeField()

    class Meta:
        table = "reward_claims"
        unique_together = (("tenant", "season", "participant", "level"),)
