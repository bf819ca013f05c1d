"""The group tables: groups, and who belongs to which."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from app.participants.models import Participant
    from app.tenancy.models import Tenant


class Group(Model):
    id = fields.BigIntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Tenant] = fields.ForeignKeyField(
        "models.Tenant", related_name="groups", on_delete=fields.RESTRICT
    )
    key = fields.CharField(max_length=64)
    kind = fields.CharField(max_length=32)
    name = fields.CharField(max_length=200)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "groups"
        unique_together = (("tenant", "key"),)
        indexes = (("tenant", "kind", "key"),)


class GroupMember(Model):
    id = fields.BigIntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Tenant] = fields.ForeignKeyField(
        "models.Tenant", related_name="group_members", on_delete=fields.RESTRICT
    )
    group: fields.ForeignKeyRelation[Group] = fields.ForeignKeyField(
        "models.Group", related_name="members", on_delete=fields.CASCADE
    )
    participant: fields.ForeignKeyRelation[Participant] = fields.ForeignKeyField(
        "models.Participant", related_name="memberships", on_delete=fields.CASCADE
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "group_members"
        # (group, participant): a group's members, in id order, from the index alone;
        # (participant): the groups of a participant.
        unique_together = (("group", "participant"),)
        indexes = (("participant", "group"),)


def members_of(group_id: int, column: str = "participant_id") -> str:
    """SQL: ``column`` is a member of group ``group_id`` (an int, so inlined safely)."""
    return (
        f"{column} IN (SELECT gm.participant_id FROM group_members gm"
        f" WHERE gm.group_id = {int(group_id)})"
    )
