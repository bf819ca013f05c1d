"""Leaderboard runs (seed 004): a snapshot of one board in one period, and its entries.

A run goes PENDING -> PROCESSING -> COMPLETE or FAILED. Its entries are written, and the run
marked COMPLETE, in one transaction that reads the standings as of one instant, so no run is
COMPLETE with part of its entries. Runs made when a period closes (trigger SCHEDULE) carry
the period as ``schedule_key``, unique per board: one per board and period, however many
workers ask. Entries keep the participant's id, name and avatar as they were (a snapshot
outlives its participant, so the id is not a foreign key).
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from app.leaderboards.models import Leaderboard
    from app.tenancy.models import Tenant


class RunStatus(StrEnum):
    PENDING = "PENDING"
    PROCESSING = "PROCESSING"
    COMPLETE = "COMPLETE"
    FAILED = "FAILED"


class RunTrigger(StrEnum):
    ADMIN = "ADMIN"
    SCHEDULE = "SCHEDULE"


class LeaderboardRun(Model):
    id = fields.BigIntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Tenant] = fields.ForeignKeyField(
        "models.Tenant", related_name="runs", on_delete=fields.RESTRICT
    )
    leaderboard: fields.ForeignKeyRelation[Leaderboard] = fields.ForeignKeyField(
        "models.Leaderboard", related_name="runs", on_delete=fields.CASCADE
    )
    period = fields.CharField(max_length=16)
    period_start = fields.DatetimeField(null=True)  # None: since the beginning
    period_end = fields.DatetimeField(null=True)  # None: never closes (all time)
    status = fields.CharEnumField(RunStatus, default=RunStatus.PENDING)
    trigger = fields.CharEnumField(RunTrigger)
    schedule_key = fields.CharField(max_length=16, null=True)  # the period, SCHEDULE only
    max_entries = fields.IntField(null=True)  # None: every entry
    row_count = fields.IntField(default=0)
    error = fields.TextField(default="")
    attempts = fields.IntField(default=0)
    created_at = fields.DatetimeField()
    started_at = fields.DatetimeField(null=True)
    finished_at = fields.DatetimeField(null=True)

    class Meta:
        table = "leaderboard_runs"
        unique_together = (("leaderboard", "schedule_key"),)
        indexes = (("leaderboard", "id"), ("status", "created_at"))


class RunEntry(Model):
    id = fields.BigIntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Tenant] = fields.ForeignKeyField(
        "models.Tenant", related_name="run_entries", on_delete=fields.RESTRICT
    )
    run: fields.ForeignKeyRelation[LeaderboardRun] = fields.ForeignKeyField(
        "models.LeaderboardRun", related_name="entries", on_delete=fields.CASCADE
    )
    position = fields.IntField()  # 0-based, in the board's order
    rank = fields.IntField()  # in the board's rank mode at the time of the run
    participant_id = fields.BigIntField()
    score = fields.FloatField()
    tie_key = fields.CharField(max_length=32, default="")
    display_name = fields.CharField(max_length=200)
    avatar = fields.CharField(max_length=500, default="")
    breakdown: fields.Field[list[dict[str, Any]]] = fields.JSONField(default=list)

    class Meta:
        table = "run_entries"
        unique_together = (("run", "position"),)
        indexes = (("participant_id", "run"),)  # a participant's trend across runs


class ArchivedRun(Model):
    """A run moved out of the live tables once its retention passed (``app.runs.archive``):
    the same columns under the same id, plus where it sits in the tenant's school calendar.
    Moved, never copied: the transaction that writes it here deletes it there."""

    id = fields.BigIntField(primary_key=True, generated=False)  # the live run's: moved once
    tenant: fields.ForeignKeyRelation[Tenant] = fields.ForeignKeyField(
        "models.Tenant", related_name="archived_runs", on_delete=fields.RESTRICT
    )
    leaderboard: fields.ForeignKeyRelation[Leaderboard] = fields.ForeignKeyField(
        "models.Leaderboard", related_name="archived_runs", on_delete=fields.CASCADE
    )
    period = fields.CharField(max_length=16)
    period_start = fields.DatetimeField(null=True)
    period_end = fields.DatetimeField(null=True)
    status = fields.CharEnumField(RunStatus)
    trigger = fields.CharEnumField(RunTrigger)
    schedule_key = fields.CharField(max_length=16, null=True)
    max_entries = fields.IntField(null=True)
    row_count = fields.IntField(default=0)
    error = fields.TextField(default="")
    attempts = fields.IntField(default=0)
    created_at = fields.DatetimeField()
    started_at = fields.DatetimeField(null=True)
    finished_at = fields.DatetimeField(null=True)
    academic_year = fields.CharField(max_length=16, null=True)  # "2025-2026"; None: no term
    term = fields.CharField(max_length=16, null=True)  # the TERM calendar period's key
    archived_at = fields.DatetimeField()

    class Meta:
        table = "archived_runs"
        unique_together = (("leaderboard", "schedule_key"),)
        indexes = (("leaderboard", "period_end"), ("tenant", "academic_year", "term"))


class ArchivedRunEntry(Model):
    id = fields.BigIntField(primary_key=True, generated=False)  # the live entry's
    tenant: fields.ForeignKeyRelation[Tenant] = fields.ForeignKeyField(
        "models.Tenant", related_name="archived_run_entries", on_delete=fields.RESTRICT
    )
    run: fields.ForeignKeyRelation[ArchivedRun] = fields.ForeignKeyField(
        "models.ArchivedRun", related_name="entries", on_delete=fields.CASCADE
    )
    position = fields.IntField()
    rank = fields.IntField()
    participant_id = fields.BigIntField()
    score = fields.FloatField()
    tie_key = fields.CharField(max_length=32, default="")
    display_name = fields.CharField(max_length=200)
    avatar = fields.CharField(max_length=500, default="")
    breakdown: fields.Field[list[dict[str, Any]]] = fields.JSONField(default=list)

    class Meta:
        table = "archived_run_entries"
        unique_together = (("run", "position"),)
        indexes = (("participant_id", "run"),)


class RunGroupEntry(Model):
    """A participant's place within one of its groups in a run of a scoped board
    (``app.groups``): the groups of the board's scope it belonged to when the run was made,
    ranked among themselves from the standings (so a class is whole even when none of it is
    in the board's own top ``max_entries``; each group keeps that many)."""

    id = fields.BigIntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Tenant] = fields.ForeignKeyField(
        "models.Tenant", related_name="run_group_entries", on_delete=fields.RESTRICT
    )
    run: fields.ForeignKeyRelation[LeaderboardRun] = fields.ForeignKeyField(
        "models.LeaderboardRun", related_name="group_entries", on_delete=fields.CASCADE
    )
    group_id = fields.BigIntField()  # no foreign key: a snapshot outlives its group
    position = fields.IntField()  # 0-based within the group, in the board's order
    rank = fields.IntField()  # within the group, in the board's rank mode
    participant_id = fields.BigIntField()
    score = fields.FloatField()
    tie_key = fields.CharField(max_length=32, default="")
    display_name = fields.CharField(max_length=200)
    avatar = fields.CharField(max_length=500, default="")

    class Meta:
        table = "run_group_entries"
        unique_together = (("run", "group_id", "position"),)
        indexes = (("participant_id", "run"),)


class ArchivedRunGroupEntry(Model):
    id = fields.BigIntField(primary_key=True, generated=False)  # the live row's
    tenant: fields.ForeignKeyRelation[Tenant] = fields.ForeignKeyField(
        "models.Tenant", related_name="archived_run_group_entries", on_delete=fields.RESTRICT
    )
    run: fields.ForeignKeyRelation[ArchivedRun] = fields.ForeignKeyField(
        "models.ArchivedRun", related_name="group_entries", on_delete=fields.CASCADE
    )
    group_id = fields.BigIntField()
    position = fields.IntField()
    rank = fields.IntField()
    participant_id = fields.BigIntField()
    score = fields.FloatField()
    tie_key = fields.CharField(max_length=32, default="")
    display_name = fields.CharField(max_length=200)
    avatar = fields.CharField(max_length=500, default="")

    class Meta:
        table = "archived_run_group_entries"
        unique_together = (("run", "group_id", "position"),)
        indexes = (("participant_id", "run"),)
