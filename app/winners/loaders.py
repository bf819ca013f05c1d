"""The winners' per-request loaders: one query per batch, never one per field."""

from __future__ import annotations

from strawberry.dataloader import DataLoader

from app.context import Context
from app.leaderboards.models import Visibility
from app.participants.views import ParticipantView, get_participants
from app.tenancy.access import can_see
from app.winners import service
from app.winners.service import WinnerView

WINS_SHOWN = 10  # a participant's latest wins listed with it


def participants(ctx: Context) -> DataLoader[int, ParticipantView | None]:
    async def load(ids: list[int]) -> list[ParticipantView | None]:
        found = await get_participants(ctx.tenant.id, ids)
        return [found.get(i) for i in ids]

    return ctx.loader("winners.participants", load)


def wins(ctx: Context) -> DataLoader[int, list[WinnerView]]:
    """Each participant's latest wins, newest first."""

    async def load(ids: list[int]) -> list[list[WinnerView]]:
        seen = [v for v in Visibility if can_see(ctx.caller, v)]
        found = await service.wins_of(ctx.tenant.id, ids, WINS_SHOWN, visible=seen)
        return [found.get(i, []) for i in ids]

    return ctx.loader("winners.wins", load)
