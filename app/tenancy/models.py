"""Tenants (institutions), their API keys and their audit log. Every other table carries a
``tenant`` foreign key."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from tortoise import fields
from tortoise.models import Model


class TenantStatus(StrEnum):
    ACTIVE = "ACTIVE"
    SUSPENDED = "SUSPENDED"  # its keys get FORBIDDEN; its data stays


class Tenant(Model):
    id = fields.IntField(primary_key=True)
    slug = fields.CharField(max_length=64, unique=True)
    name = fields.CharField(max_length=200)
    metadata: fields.Field[dict[str, Any]] = fields.JSONField(default=dict)
    status = fields.CharEnumField(TenantStatus, max_length=16, default=TenantStatus.ACTIVE)
    # Overrides of the service's settings for this tenant (app.tenancy.settings).
    settings: fields.Field[dict[str, Any]] = fields.JSONField(default=dict)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "tenants"


class ApiKey(Model):
    """A key a tenant's callers present. Only its keyed digest is stored: the key itself is
    shown once, when it is made."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Tenant] = fields.ForeignKeyField(
        "models.Tenant", related_name="api_keys", on_delete=fields.RESTRICT
    )
    name = fields.CharField(max_length=100)
    scopes = fields.CharField(max_length=64)  # comma-separated (app.tenancy.scopes)
    digest = fields.CharField(max_length=64, unique=True)  # HMAC-SHA256, hex
    hint = fields.CharField(max_length=16)  # the key's first characters, to tell keys apart
    created_at = fields.DatetimeField()
    last_used_at = fields.DatetimeField(null=True)
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "api_keys"
        indexes = (("tenant", "id"),)


class AuditEntry(Model):
    """One admin operation: who (the key, or the command line), what, with which arguments,
    when, and how it ended."""

    id = fields.BigIntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Tenant] = fields.ForeignKeyField(
        "models.Tenant", related_name="audit_entries", on_delete=fields.RESTRICT
    )
    key_id = fields.IntField(null=True)  # no foreign key: entries outlive what they name
    actor = fields.CharField(max_length=120)
    operation = fields.CharField(max_length=64)
    arguments: fields.Field[dict[str, Any]] = fields.JSONField(default=dict)
    outcome = fields.CharField(max_length=32)  # "ok" or the error's code
    at = fields.DatetimeField()

    class Meta:
        table = "audit_log"
        indexes = (("tenant", "id"),)
