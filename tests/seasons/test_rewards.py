"""Rewards per level of a season, and their claims: once per participant and level."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from app.deps import Deps
from app.seasons.models import RewardClaim
from app.tenancy.scopes import Scope
from app.tenancy.service import TenantRef
from tests.conftest import GQL, error_code
from tests.factories import api_key, bearer
from tests.leaderboards.test_rankings_api import data
from tests.seasons.conftest import (
    ENDS,
    INSIDE,
    add,
    challenges,
    create_season,
    progress,
    record,
)
from tests.workers import Clock

REWARDS = """
mutation($r: [SeasonRewardInput!]!) {
  setSeasonRewards(season: "S1-2025", rewards: $r) { level key name payload }
}"""
CLAIM = """
mutation($p: ID!, $level: Int!) {
  claimReward(season: "S1-2025", participantId: $p, level: $level) {
    season { key } participantId level rewards { key } claimedAt
  }
}"""
STATUSES = """
query($p: ID!) {
  participant(id: $p) { rewards(season: "S1-2025") { level key status claimedAt payload } }
}"""
GIVEN = [
    {"level": 1, "key": "badge", "name": "Badge", "payload": {"icon": "star"}},
    {"level": 1, "key": "frame", "name": "Frame"},
    {"level": 2, "key": "skin", "name": "Skin", "payload": {"rarity": "epic"}},
    {"level": 5, "key": "crown", "name": "Crown"},
]


async def season_with_rewards(gql: GQL) -> str:
    """A season with rewards at levels 1, 2 and 5, and Ada at level 1 (1110 points)."""
    await challenges(gql)
    await create_season(gql)
    set_ = data(await gql(REWARDS, {"r": GIVEN}))["setSeasonRewards"]
    assert [r["key"] for r in set_] == ["badge", "frame", "skin", "crown"]
    assert set_[1]["payload"] == {}
    ada = await add(gql, "Ada")
    await record(gql, ada, "lp-depth", 370, INSIDE)  # 1110 points
    return ada


def statuses(response: dict[str, Any]) -> list[tuple[str, str, bool]]:
    rows = data(response)["participant"]["rewards"]
    return [(r["key"], r["status"], r["claimedAt"] is not None) for r in rows]


async def test_rewards_are_locked_claimable_then_claimed(gql: GQL, deps: Deps) -> None:
    ada = await season_with_rewards(gql)
    assert statuses(await gql(STATUSES, {"p": ada})) == [
        ("badge", "CLAIMABLE", False),
        ("frame", "CLAIMABLE", False),
        ("skin", "LOCKED", False),
        ("crown", "LOCKED", False),
    ]
    claim = data(await gql(CLAIM, {"p": ada, "level": 1}))["claimReward"]
    assert claim["season"] == {"key": "S1-2025"}
    assert (claim["participantId"], claim["level"]) == (ada, 1)
    assert claim["rewards"] == [{"key": "badge"}, {"key": "frame"}]
    assert statuses(await gql(STATUSES, {"p": ada})) == [
        ("badge", "CLAIMED", True),
        ("frame", "CLAIMED", True),
        ("skin", "LOCKED", False),
        ("crown", "LOCKED", False),
    ]
    await record(gql, ada, "lp-depth", 300, INSIDE)  # 2010: level 2
    assert statuses(await gql(STATUSES, {"p": ada}))[2] == ("skin", "CLAIMABLE", False)


async def test_a_claim_below_the_level_is_a_conflict_and_a_level_without_rewards_not_found(
    gql: GQL,
) -> None:
    ada = await season_with_rewards(gql)
    assert error_code(await gql(CLAIM, {"p": ada, "level": 2})) == "CONFLICT"
    assert error_code(await gql(CLAIM, {"p": ada, "level": 3})) == "NOT_FOUND"
    assert error_code(await gql(CLAIM, {"p": "987654", "level": 1})) == "NOT_FOUND"
    assert await RewardClaim.all().count() == 0


async def test_a_repeated_claim_returns_the_first(gql: GQL, job_deps: Deps, clock: Clock) -> None:
    ada = await season_with_rewards(gql)
    first = data(await gql(CLAIM, {"p": ada, "level": 1}, context_deps=job_deps))
    clock.now += timedelta(days=3)
    again = data(await gql(CLAIM, {"p": ada, "level": 1}, context_deps=job_deps))
    assert again == first
    assert await RewardClaim.all().count() == 1


async def test_concurrent_claims_of_one_reward_make_one_claim(
    gql: GQL, deps: Deps, tenant: TenantRef
) -> None:
    ada = await season_with_rewards(gql)
    ingest = bearer(await api_key(deps, tenant.id, Scope.INGEST))
    answers = await asyncio.gather(
        *(gql(CLAIM, {"p": ada, "level": 1}, headers=ingest) for _ in range(20))
    )
    assert all("errors" not in a for a in answers), answers
    assert len({str(a["data"]) for a in answers}) == 1
    assert await RewardClaim.filter(level=1).count() == 1


async def test_rewards_stay_claimable_after_the_season_ended(
    gql: GQL, job_deps: Deps, clock: Clock
) -> None:
    ada = await season_with_rewards(gql)
    clock.now = ENDS + timedelta(days=30)
    claim = data(await gql(CLAIM, {"p": ada, "level": 1}, context_deps=job_deps))
    assert claim["claimReward"]["claimedAt"].startswith("2025-05-01")


OPT = (
    "mutation($id: ID!, $o: Boolean!) { updateParticipant(id: $id, input: {optedOut: $o}) { id } }"
)


async def test_an_opted_out_participant_keeps_their_points_and_can_claim(gql: GQL) -> None:
    ada = await season_with_rewards(gql)
    data(await gql(OPT, {"id": ada, "o": True}))
    found = await progress(gql, ada)
    assert (found["points"], found["level"], found["rank"]) == (1110.0, 1, None)
    assert statuses(await gql(STATUSES, {"p": ada}))[0] == ("badge", "CLAIMABLE", False)
    assert data(await gql(CLAIM, {"p": ada, "level": 1}))["claimReward"]["level"] == 1


async def test_a_claim_needs_the_level_now_and_a_first_claim_stands(gql: GQL) -> None:
    ada = await season_with_rewards(gql)
    await record(gql, ada, "lp-depth", 300, INSIDE)  # 2010: level 2
    data(await gql(CLAIM, {"p": ada, "level": 1}))
    await record(gql, ada, "lp-depth", -400, INSIDE)  # 810: level 0
    assert error_code(await gql(CLAIM, {"p": ada, "level": 2})) == "CONFLICT"
    assert data(await gql(CLAIM, {"p": ada, "level": 1}))["claimReward"]["level"] == 1
    assert statuses(await gql(STATUSES, {"p": ada}))[:3] == [
        ("badge", "CLAIMED", True),
        ("frame", "CLAIMED", True),
        ("skin", "LOCKED", False),
    ]
