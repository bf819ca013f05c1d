"""The job log: one row per execution of a scheduled or queued job (``ranked jobs``).

It holds names, keys (a tick, a run id), outcomes and counts, no tenant's data, so it is the
one table without a tenant; it is never served over the GraphQL API.
"""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.models import Model


class JobRun(Model):
    id = fields.BigIntField(primary_key=True)
    name = fields.CharField(max_length=64)
    key = fields.CharField(max_length=200)  # what it ran for: a tick, a run id
    outcome = fields.CharField(max_length=32, default="running")  # ok, failed, ...
    detail: fields.Field[dict[str, Any]] = fields.JSONField(default=dict)
    error = fields.TextField(default="")
    started_at = fields.DatetimeField()
    finished_at = fields.DatetimeField(null=True)
    duration_ms = fields.IntField(null=True)

    class Meta:
        table = "job_runs"
        indexes = (("started_at",),)
