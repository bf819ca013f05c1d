"""Rewards per level of a season, and their claims: once per participant and level.

A first claim needs the level *now*, by the participant's stored points (opted out or
beyond the board's maxEntries, they still count): rewards of a level reached can be claimed
after the season ended, as long as the points have not fallen below it since. A claim is a
row unique per (tenant, season, participant, level), so a repeated or concurrent claim
finds the first one and answers with it (whatever the points are then).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from app.deps import Deps
from app.errors import Conflict, NotFound
from app.seasons.models import RewardClaim, SeasonReward
from app.seasons.service import SeasonView, get_season, progress, progress_of_one
from app.seasons.validation import RewardFields, check_rewards


@dataclass(frozen=True, slots=True)
class RewardView:
    level: int
    key: str
    name: str
    payload: Any


@dataclass(frozen=True, slots=True)
class ClaimView:
    season: SeasonView
    participant_id: int
    level: int
    rewards: list[RewardView]
    claimed_at: datetime


class RewardStatus(StrEnum):
    LOCKED = "LOCKED"  # its level is not reached
    CLAIMABLE = "CLAIMABLE"
    CLAIMED = "CLAIMED"


@dataclass(frozen=True, slots=True)
class RewardStatusView:
    reward: RewardView
    status: RewardStatus
    claimed_at: datetime | None


async def rewards_of(season: SeasonView) -> list[RewardView]:
    rows = await SeasonReward.filter(tenant_id=season.tenant_id, season_id=season.id).order_by(
        "level", "key"
    )
    return [RewardView(r.level, r.key, r.name, r.payload) for r in rows]


async def set_rewards(
    deps: Deps, tenant_id: int, key: str, rewards: Sequence[RewardFields]
) -> list[RewardView]:
    """Replace the season's rewards (claims made stay: they are of levels)."""
    season = await get_season(tenant_id, key)
    check_rewards(rewards)
    async with in_transaction():
        await SeasonReward.filter(tenant_id=tenant_id, season_id=season.id).delete()
        rows = [
            SeasonReward(
                tenant_id=tenant_id,
                season_id=season.id,
                level=r.level,
                key=r.key,
                name=r.name,
                payload=r.payload,
            )
            for r in rewards
        ]
        await SeasonReward.bulk_create(rows)
    await deps.keeper.touch(tenant_id)
    return await rewards_of(season)


async def claim_reward(
    deps: Deps, tenant_id: int, key: str, participant_id: int, level: int, at: datetime
) -> ClaimView:
    """Record the participant's claim of the season's rewards at ``level``, once: a repeated
    (or concurrent) claim returns the first. NOT_FOUND without a reward at that level,
    CONFLICT below that level."""
    season = await get_season(tenant_id, key)
    reached = await progress_of_one(deps, season, participant_id)
    rewards = [r for r in await rewards_of(season) if r.level == level]
    if not rewards:
        raise NotFound(f"Season {key!r} has no reward at level {level}.", field="level")
    where: dict[str, Any] = {
        "tenant_id": tenant_id, "season_id": season.id, "participant_id": participant_id,
        "level": level,
    }  # fmt: skip
    claim = await RewardClaim.get_or_none(**where)
    if claim is None:
        if reached.level.level < level:
            raise Conflict(
                f"Participant {participant_id} is at level {reached.level.level} of season"
                f" {key!r}, below {level}.",
                field="level",
            )
        try:
            claim = await RewardClaim.create(**where, claimed_at=at)
            await deps.keeper.touch(tenant_id)
        except IntegrityError:  # claimed at the same time: the first claim stands
            claim = await RewardClaim.get(**where)
    return ClaimView(season, participant_id, level, rewards, claim.claimed_at)


async def reward_statuses(
    deps: Deps, season: SeasonView, participant_ids: Sequence[int]
) -> dict[int, list[RewardStatusView]]:
    """Each reward of the season per participant: LOCKED, CLAIMABLE or CLAIMED."""
    rewards = await rewards_of(season)
    reached = await progress(deps, season, participant_ids)
    claims: dict[tuple[int, int], datetime] = {}
    rows = await RewardClaim.filter(
        tenant_id=season.tenant_id, season_id=season.id, participant_id__in=list(reached)
    ).values("participant_id", "level", "claimed_at")
    for r in rows:
        claims[(int(r["participant_id"]), int(r["level"]))] = r["claimed_at"]
    found: dict[int, list[RewardStatusView]] = {}
    for pid, p in reached.items():
        found[pid] = [_status(r, p.level.level, claims.get((pid, r.level))) for r in rewards]
    return found


def _status(reward: RewardView, level: int, claimed_at: datetime | None) -> RewardStatusView:
    if claimed_at is not None:
        return RewardStatusView(reward, RewardStatus.CLAIMED, claimed_at)
    reachable = RewardStatus.CLAIMABLE if reward.level <= level else RewardStatus.LOCKED
    return RewardStatusView(reward, reachable, None)
