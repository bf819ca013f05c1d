"""The participant table: who can be ranked."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from app.tenancy.models import Tenant


class Participant(Model):
    id = fields.BigIntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Tenant] = fields.ForeignKeyField(
        "models.Tenant", related_name="participants", on_delete=fields.RESTRICT
    )
    external_id = fields.CharField(max_length=200, null=True)
    name = fields.CharField(max_length=200)
    age = fields.SmallIntField(null=True)
    address = fields.CharField(max_length=500, default="")
    participant_type = fields.CharField(max_length=32, default="individual")
    avatar_url = fields.CharField(max_length=500, default="")
    # Opted out of rankings: still scored (events, aggregates, standings), never listed.
    opted_out = fields.BooleanField(default=False)
    metadata: fields.Field[dict[str, Any]] = fields.JSONField(default=dict)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "participants"
        unique_together = (("tenant", "external_id"),)
        # ("tenant", "opted_out"): whether a tenant has opted-out participants at all.
        indexes = (("tenant", "id"), ("tenant", "opted_out"))
