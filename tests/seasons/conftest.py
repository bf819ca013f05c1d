"""Seasons over the real services: helpers that define the seed's challenges, seasons and
events through the GraphQL API (as an admin), with event times given, never waited for."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from app.deps import Deps
from app.ranking.keys import BoardRef
from app.tenancy.service import TenantRef
from tests.conftest import GQL
from tests.leaderboards.test_rankings_api import data

# Seed 004: Hero Riser (weight 1), Hunter's Triumph (weight 2), LP Depth (weight 3).
CHALLENGES = {"hero-riser": 1, "hunters-triumph": 2, "lp-depth": 3}
STARTS = datetime(2025, 1, 1, tzinfo=UTC)
ENDS = datetime(2025, 4, 1, tzinfo=UTC)
INSIDE = datetime(2025, 2, 1, tzinfo=UTC)

CREATE = """
mutation($input: SeasonInput!) {
  createSeason(input: $input) {
    key name startsAt endsAt isActive levels { step thresholds } weights { metric weight }
  }
}"""
PROGRESS = """
query($season: String!, $pid: ID!) {
  seasonProgress(season: $season, participantId: $pid) {
    season { key } participantId participant { name } points level nextLevelThreshold
    pointsToNextLevel progress rank
  }
}"""


async def challenges(gql: GQL) -> None:
    for key in CHALLENGES:
        data(
            await gql(
                "mutation($k: String!) { defineMetric(input: {key: $k, name: $k}) { key } }",
                {"k": key},
            )
        )


def season_input(
    key: str = "S1-2025",
    starts: datetime = STARTS,
    ends: datetime = ENDS,
    weights: dict[str, int] | None = None,
    **more: Any,
) -> dict[str, Any]:
    given = weights if weights is not None else CHALLENGES
    return {
        "key": key,
        "name": f"Season {key}",
        "startsAt": starts.isoformat(),
        "endsAt": ends.isoformat(),
        "weights": [{"metric": m, "weight": w} for m, w in given.items()],
        **more,
    }


async def create_season(gql: GQL, **given: Any) -> dict[str, Any]:
    return data(await gql(CREATE, {"input": season_input(**given)}))["createSeason"]


async def add(gql: GQL, name: str) -> str:
    found = data(
        await gql("mutation($n: String!) { addParticipant(input: {name: $n}) { id } }", {"n": name})
    )
    pid: str = found["addParticipant"]["id"]
    return pid


_counter = iter(range(1, 1_000_000))


async def record(gql: GQL, pid: str, metric: str, value: float, at: datetime) -> None:
    """One score event of ``metric`` at ``at`` (a fresh source id each time)."""
    data(
        await gql(
            "mutation($i: [ScoreInput!]!) { recordScores(inputs: $i) { recorded } }",
            {
                "i": [
                    {
                        "metric": metric, "value": value, "source": "etl",
                        "sourceId": str(next(_counter)), "participantId": pid,
                        "occurredAt": at.isoformat(),
                    }
                ]
            },
        )
    )  # fmt: skip


async def progress(gql: GQL, pid: str, season: str = "S1-2025", **kw: Any) -> dict[str, Any]:
    found: dict[str, Any] = data(await gql(PROGRESS, {"season": season, "pid": pid}, **kw))
    return found["seasonProgress"]


async def season_board(deps: Deps, tenant: TenantRef, key: str = "S1-2025") -> BoardRef:
    definition = await deps.definitions.board(tenant.id, f"season-{key}")
    return definition.ref(key)
