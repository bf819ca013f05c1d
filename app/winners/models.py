"""Winners: who alone held the top of a leaderboard at a tick of its winner check (seed 003).

One row per board and tick at most (a unique constraint, whatever arq does); a tie for the
top, or an empty board, stores nothing. A winner belongs to its participant: deleting the
participant deletes its wins.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from app.leaderboards.models import Leaderboard
    from app.participants.models import Participant
    from app.tenancy.models import Tenant


class Winner(Model):
    id = fields.BigIntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Tenant] = fields.ForeignKeyField(
        "models.Tenant", related_name="winners", on_delete=fields.RESTRICT
    )
    leaderboard: fields.ForeignKeyRelation[Leaderboard] = fields.ForeignKeyField(
        "models.Leaderboard", related_name="winners", on_delete=fields.CASCADE
    )
    period = fields.CharField(max_length=16)
    participant: fields.ForeignKeyRelation[Participant] = fields.ForeignKeyField(
        "models.Participant", related_name="wins", on_delete=fields.CASCADE
    )
    points = fields.FloatField()  # the score when it was declared
    declared_at = fields.DatetimeField()
    tick = fields.DatetimeField()  # the check's due time (minute-aligned, UTC)

    class Meta:
        table = "winners"
        unique_together = (("leaderboard", "tick"),)
        indexes = (("leaderboard", "id"), ("participant", "id"))
