"""Tenants (institutions). Every other table carries a ``tenant`` foreign key."""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.models import Model


class Tenant(Model):
    id = fields.IntField(primary_key=True)
    slug = fields.CharField(max_length=64, unique=True)
    name = fields.CharField(max_length=200)
    metadata: fields.Field[dict[str, Any]] = fields.JSONField(default=dict)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "tenants"
