"""Seasons as a request sees them: only seasons whose board the caller may see (another
tenant's, or a hidden one, is NOT_FOUND exactly as a missing one), and per-request loaders
of progress and reward statuses (one ranking read per season and batch)."""

from __future__ import annotations

from strawberry.dataloader import DataLoader

from app.context import Context
from app.leaderboards.definition import BoardDefinition
from app.seasons import rewards as season_rewards
from app.seasons import service
from app.seasons.rewards import RewardStatusView
from app.seasons.service import ProgressView, SeasonView
from app.tenancy.access import can_see

ProgressKey = tuple[str, int]  # (season key, participant id)


async def visible(ctx: Context, key: str) -> tuple[SeasonView, BoardDefinition]:
    """The tenant's season ``key`` and its board, if the caller may see the board."""
    season = await service.get_season(ctx.tenant.id, key)
    definition = await service.season_board(ctx.deps, season)
    if not can_see(ctx.caller, definition.visibility):
        raise service.not_found(key)
    return season, definition


async def active(ctx: Context) -> SeasonView | None:
    """The active season now, if the caller may see it. Depends on the clock, so the
    answer is never cached."""
    ctx.uncacheable = True
    season = await service.active_season(ctx.tenant.id, ctx.deps.clock())
    if season is None:
        return None
    definition = await service.season_board(ctx.deps, season)
    return season if can_see(ctx.caller, definition.visibility) else None


def progress(ctx: Context) -> DataLoader[ProgressKey, ProgressView | None]:
    async def load(keys: list[ProgressKey]) -> list[ProgressView | None]:
        found: dict[ProgressKey, ProgressView] = {}
        for key, pids in _by_season(keys).items():
            season, _ = await visible(ctx, key)
            for pid, view in (await service.progress(ctx.deps, season, pids)).items():
                found[(key, pid)] = view
        return [found.get(k) for k in keys]

    return ctx.loader("seasons.progress", load)


def rewards(ctx: Context) -> DataLoader[ProgressKey, list[RewardStatusView]]:
    async def load(keys: list[ProgressKey]) -> list[list[RewardStatusView]]:
        found: dict[ProgressKey, list[RewardStatusView]] = {}
        for key, pids in _by_season(keys).items():
            season, _ = await visible(ctx, key)
            for pid, views in (
                await season_rewards.reward_statuses(ctx.deps, season, pids)
            ).items():
                found[(key, pid)] = views
        return [found.get(k, []) for k in keys]

    return ctx.loader("seasons.rewards", load)


def _by_season(keys: list[ProgressKey]) -> dict[str, list[int]]:
    grouped: dict[str, list[int]] = {}
    for key, pid in keys:
        grouped.setdefault(key, []).append(pid)
    return grouped
