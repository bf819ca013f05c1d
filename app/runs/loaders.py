"""The runs' per-request loaders: one query per batch, never one per field."""

from __future__ import annotations

from strawberry.dataloader import DataLoader

from app.context import Context
from app.participants.views import ParticipantView, get_participants
from app.runs import service
from app.runs.service import RunView


def latest(ctx: Context) -> DataLoader[str, RunView | None]:
    """Each board's (by key) latest COMPLETE run."""

    async def load(keys: list[str]) -> list[RunView | None]:
        found = await service.latest_runs(ctx.tenant.id, sorted(set(keys)))
        return [found.get(k) for k in keys]

    return ctx.loader("runs.latest", load)


def participants(ctx: Context) -> DataLoader[int, ParticipantView | None]:
    """The participants of run entries, as they are now (None: deleted since)."""

    async def load(ids: list[int]) -> list[ParticipantView | None]:
        found = await get_participants(ctx.tenant.id, ids)
        return [found.get(i) for i in ids]

    return ctx.loader("runs.participants", load)
