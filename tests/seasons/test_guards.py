"""What guards a season: publishable keys read display fields only, generic board
mutations cannot change a season's board, concurrent overlapping seasons cannot both be
created, a refused update changes nothing, and the slug is also ``id``."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from redis.asyncio import Redis

from app.deps import Deps
from app.leaderboards.models import CalendarPeriod, Leaderboard
from app.seasons.models import Season
from app.tenancy.scopes import Scope
from app.tenancy.service import TenantRef
from tests.conftest import GQL, error_code
from tests.factories import api_key, bearer
from tests.leaderboards.test_rankings_api import data
from tests.seasons.conftest import CREATE, ENDS, INSIDE, STARTS, challenges, create_season
from tests.seasons.conftest import season_input as given
from tests.tenancy.test_matrix import state
from tests.workers import Clock

UPDATE = 'mutation($u: SeasonUpdate!) { updateSeason(season: "S1-2025", input: $u) { key } }'


async def test_a_publishable_key_reads_a_seasons_display_fields_only(
    gql: GQL, deps: Deps, tenant: TenantRef, job_deps: Deps, clock: Clock
) -> None:
    await challenges(gql)
    await create_season(gql, visibility="PUBLIC")
    rewards = '[{level: 1, key: "code", name: "Code", payload: {secret: "X-1"}}]'
    data(
        await gql(
            f'mutation {{ setSeasonRewards(season: "S1-2025", rewards: {rewards}) {{ key }} }}'
        )
    )
    clock.now = INSIDE
    data(await gql('mutation { activateSeason(season: "S1-2025") { key } }', context_deps=job_deps))
    public = bearer(await api_key(deps, tenant.id, Scope.PUBLIC))
    shown = await gql(
        "{ activeSeason { id key name startsAt endsAt isActive levels { step } __typename } }",
        context_deps=job_deps,
        headers=public,
    )
    assert data(shown)["activeSeason"]["id"] == "S1-2025"
    for document in (
        "{ activeSeason { weights { metric weight } } }",
        "{ activeSeason { rewards { key payload } } }",
        '{ seasonProgress(season: "S1-2025", participantId: "1") { season { rewards { payload } } } }',
        "{ activeSeason { ... on Season { weights { metric } } } }",
    ):
        refused = await gql(document, context_deps=job_deps, headers=public)
        assert error_code(refused) == "FORBIDDEN", document
    read = bearer(await api_key(deps, tenant.id, Scope.READ))
    seen = await gql(
        "{ activeSeason { weights { weight } rewards { payload } } }",
        context_deps=job_deps,
        headers=read,
    )
    assert data(seen)["activeSeason"]["rewards"] == [{"payload": {"secret": "X-1"}}]


async def test_generic_board_mutations_cannot_change_a_seasons_board(
    gql: GQL, deps: Deps, redis: Redis
) -> None:
    await challenges(gql)
    await create_season(gql)
    before = await state(redis, deps.settings.redis_prefix)
    update = (
        'mutation($i: LeaderboardInput!) { updateLeaderboard(key: "season-S1-2025",'
        " input: $i) { key } }"
    )
    for change in (
        {"timeWindow": "ALL_TIME"},
        {"startsAt": STARTS.isoformat()},
        {"endsAt": ENDS.isoformat()},
        {"metrics": [{"metric": "hero-riser", "weight": 9}]},
        {"filter": {"participantType": "team"}},
    ):
        assert error_code(await gql(update, {"i": change})) == "BAD_USER_INPUT", change
    weights = (
        'mutation { setLeaderboardWeights(key: "season-S1-2025", weights: [{metric:'
        ' "hero-riser", weight: 9}]) { key } }'
    )
    assert error_code(await gql(weights)) == "BAD_USER_INPUT"
    off = 'mutation { deactivateLeaderboard(key: "season-S1-2025") }'
    assert error_code(await gql(off)) == "BAD_USER_INPUT"
    moved = (
        "mutation($s: DateTime!, $e: DateTime!) { defineCalendarPeriod(kind: SEASON,"
        ' key: "S1-2025", name: "Moved", startsAt: $s, endsAt: $e) { key } }'
    )
    later = {"s": (STARTS + timedelta(days=1)).isoformat(), "e": ENDS.isoformat()}
    assert error_code(await gql(moved, later)) == "BAD_USER_INPUT"  # updateSeason moves it
    assert await state(redis, deps.settings.redis_prefix) == before
    renamed = await gql(update, {"i": {"name": "Spring", "maxEntries": 50}})
    assert "errors" not in renamed, renamed  # display and limits stay the admin's


async def test_concurrent_overlapping_seasons_make_exactly_one(gql: GQL, tenant: TenantRef) -> None:
    await challenges(gql)
    answers = await asyncio.gather(
        *(
            gql(CREATE, {"input": given(f"S{n}", STARTS + timedelta(days=n), ENDS)})
            for n in range(6)
        )
    )
    codes = sorted(error_code(a) if "errors" in a else "OK" for a in answers)
    assert codes == ["CONFLICT"] * 5 + ["OK"], answers
    assert await Season.filter(tenant_id=tenant.id).count() == 1
    assert await CalendarPeriod.filter(tenant_id=tenant.id, kind="SEASON").count() == 1
    assert await Leaderboard.filter(tenant_id=tenant.id, calendar_key__isnull=False).count() == 1


async def test_a_refused_update_changes_nothing(
    gql: GQL, deps: Deps, job_deps: Deps, clock: Clock, redis: Redis
) -> None:
    await challenges(gql)
    await create_season(gql)
    clock.now = INSIDE
    before = await state(redis, deps.settings.redis_prefix)
    moved = {  # new dates that do not contain now, and activation: refused as a whole
        "name": "Renamed",
        "startsAt": ENDS.isoformat(),
        "endsAt": (ENDS + timedelta(days=30)).isoformat(),
        "isActive": True,
        "levelStep": 50,
    }
    refused = await gql(UPDATE, {"u": moved}, context_deps=job_deps)
    assert error_code(refused) == "BAD_USER_INPUT"
    assert await state(redis, deps.settings.redis_prefix) == before
    seasons = data(await gql("{ seasons { id key name startsAt isActive levels { step } } }"))
    assert seasons["seasons"] == [
        {
            "id": "S1-2025", "key": "S1-2025", "name": "Season S1-2025",
            "startsAt": STARTS.isoformat(), "isActive": False, "levels": {"step": 1000},
        }
    ]  # fmt: skip


async def test_an_update_of_everything_is_applied_at_once(
    gql: GQL, job_deps: Deps, clock: Clock
) -> None:
    await challenges(gql)
    await create_season(gql)
    clock.now = INSIDE
    changed = {"name": "Renamed", "endsAt": (ENDS + timedelta(days=1)).isoformat(),
               "isActive": True, "levelStep": 50}  # fmt: skip
    done = await gql(
        'mutation($u: SeasonUpdate!) { updateSeason(season: "S1-2025", input: $u)'
        " { name endsAt isActive levels { step } leaderboard { name } } }",
        {"u": changed},
        context_deps=job_deps,
    )
    assert data(done)["updateSeason"] == {
        "name": "Renamed", "endsAt": (ENDS + timedelta(days=1)).isoformat(), "isActive": True,
        "levels": {"step": 50}, "leaderboard": {"name": "Renamed"},
    }  # fmt: skip
