"""The groups' per-request loaders: one query per batch, never one per field."""

from __future__ import annotations

from strawberry.dataloader import DataLoader

from app.context import Context
from app.groups import service
from app.groups.views import GroupView


def member_counts(ctx: Context) -> DataLoader[int, int]:
    """How many members each group (by id) has."""

    async def load(ids: list[int]) -> list[int]:
        found = await service.member_counts(sorted(set(ids)))
        return [found[i] for i in ids]

    return ctx.loader("groups.member_counts", load)


def groups_of(ctx: Context) -> DataLoader[int, list[GroupView]]:
    """Each participant's groups, by kind then key."""

    async def load(ids: list[int]) -> list[list[GroupView]]:
        found = await service.groups_of(ctx.tenant.id, ids)
        return [found[i] for i in ids]

    return ctx.loader("groups.of_participants", load)
