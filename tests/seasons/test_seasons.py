"""Seasons: points from weighted metrics (seed 004), levels, dates, activity, visibility.

Time is driven: events carry their occurredAt, and "now" is the clock of ``job_deps``
(tests/workers.py) where an answer depends on it.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from arq.connections import ArqRedis
from redis.asyncio import Redis
from tortoise.exceptions import IntegrityError

from app.deps import Deps
from app.runs.models import LeaderboardRun, RunStatus
from app.seasons.models import Season
from app.tenancy.scopes import Scope
from app.tenancy.service import TenantRef, ensure_tenant
from tests.conftest import GQL, error_code
from tests.factories import api_key, bearer
from tests.leaderboards.test_rankings_api import data
from tests.runs.test_schedule import GRACE, close_periods
from tests.seasons.conftest import (
    CHALLENGES,
    CREATE,
    ENDS,
    INSIDE,
    STARTS,
    add,
    challenges,
    create_season,
    progress,
    record,
    season_input,
)
from tests.tenancy.test_matrix import state
from tests.workers import Clock

ACTIVATE = "mutation($s: String!) { activateSeason(season: $s) { key isActive } }"
ACTIVE = "{ activeSeason { key name isActive } }"
SEASONS = "{ seasons { key isActive } }"


async def seed_example(gql: GQL) -> tuple[str, str]:
    """Seed 004's test: Ada and Bob with known progress in the three challenges."""
    await challenges(gql)
    ada, bob = await add(gql, "Ada"), await add(gql, "Bob")
    for pid, values in ((ada, (10, 100, 300)), (bob, (5, 20, 50))):
        for metric, value in zip(CHALLENGES, values, strict=True):
            await record(gql, pid, metric, value, INSIDE)
    return ada, bob


def summary(p: dict[str, Any]) -> tuple[Any, ...]:
    return (p["points"], p["level"], p["nextLevelThreshold"], p["pointsToNextLevel"], p["rank"])


async def test_seed_004_points_are_the_weighted_sum_and_the_level_is_per_1000(
    gql: GQL,
) -> None:
    ada, bob = await seed_example(gql)
    created = await create_season(gql)  # after the events: scored from the event log
    assert created["weights"] == [
        {"metric": "hero-riser", "weight": 1},
        {"metric": "hunters-triumph", "weight": 2},
        {"metric": "lp-depth", "weight": 3},
    ]
    assert created["levels"] == {"step": 1000, "thresholds": None}
    assert created["isActive"] is False

    found = await progress(gql, ada)
    # 10 x 1 + 100 x 2 + 300 x 3 = 1110: level floor(1110 / 1000) = 1
    assert summary(found) == (1110.0, 1, 2000.0, 890.0, 1)
    assert found["progress"] == pytest.approx(0.11)
    assert found["participant"] == {"name": "Ada"}
    assert summary(await progress(gql, bob)) == (195.0, 0, 1000.0, 805.0, 2)

    await record(gql, bob, "lp-depth", 300, INSIDE)  # kept up to date as events arrive
    assert summary(await progress(gql, bob)) == (1095.0, 1, 2000.0, 905.0, 2)


async def test_the_same_example_with_an_explicit_threshold_list(gql: GQL) -> None:
    ada, bob = await seed_example(gql)
    created = await create_season(gql, levelThresholds=[100, 500, 1000, 2000])
    assert created["levels"] == {"step": None, "thresholds": [100.0, 500.0, 1000.0, 2000.0]}
    found = await progress(gql, ada)
    assert summary(found) == (1110.0, 3, 2000.0, 890.0, 1)
    assert found["progress"] == pytest.approx(0.11)
    found = await progress(gql, bob)
    assert summary(found) == (195.0, 1, 500.0, 305.0, 2)
    assert found["progress"] == pytest.approx((195 - 100) / 400)

    await record(gql, ada, "lp-depth", 400, INSIDE)  # 2310: above the last threshold
    found = await progress(gql, ada)
    assert summary(found) == (2310.0, 4, None, None, 1)
    assert found["progress"] == 1.0


async def test_an_event_at_starts_at_counts_and_one_at_ends_at_does_not(gql: GQL) -> None:
    await challenges(gql)
    await create_season(gql)
    ada = await add(gql, "Ada")
    micro = timedelta(microseconds=1)
    await record(gql, ada, "hero-riser", 1, STARTS)  # counts
    await record(gql, ada, "hero-riser", 10, ENDS - micro)  # counts
    await record(gql, ada, "hero-riser", 100, ENDS)  # does not
    await record(gql, ada, "hero-riser", 1000, STARTS - micro)  # does not
    await record(gql, ada, "hero-riser", 10000, ENDS + timedelta(days=1))  # does not

    assert (await progress(gql, ada))["points"] == 11.0
    history = data(await gql(f'{{ participant(id: "{ada}") {{ scoreHistory {{ value }} }} }}'))
    assert len(history["participant"]["scoreHistory"]) == 5  # every event is recorded


async def test_a_participant_without_events_has_no_points_and_no_rank(gql: GQL) -> None:
    await challenges(gql)
    await create_season(gql)
    ada = await add(gql, "Ada")
    assert summary(await progress(gql, ada)) == (0.0, 0, 1000.0, 1000.0, None)
    missing = await gql(
        'query { seasonProgress(season: "S1-2025", participantId: "987654") { points } }'
    )
    assert error_code(missing) == "NOT_FOUND"


async def test_a_weight_changed_mid_season_rescores_as_if_defined_so(gql: GQL, deps: Deps) -> None:
    ada, _ = await seed_example(gql)
    await create_season(gql)
    changed = data(
        await gql(
            'mutation { setSeasonWeights(season: "S1-2025", weights: [{metric: "hero-riser",'
            ' weight: 5}, {metric: "lp-depth", weight: 1}]) { metric weight } }'
        )
    )
    assert changed["setSeasonWeights"] == [
        {"metric": "hero-riser", "weight": 5},
        {"metric": "lp-depth", "weight": 1},
    ]
    rescored = await progress(gql, ada)
    assert rescored["points"] == 10 * 5 + 300 * 1

    # From scratch: another tenant, the same events, a season with those weights at once.
    other = await ensure_tenant("from-scratch")
    again = _as(gql, other)
    await challenges(again)
    ada_again, bob_again = await add(again, "Ada"), await add(again, "Bob")
    for pid, values in ((ada_again, (10, 100, 300)), (bob_again, (5, 20, 50))):
        for metric, value in zip(CHALLENGES, values, strict=True):
            await record(again, pid, metric, value, INSIDE)
    await create_season(again, weights={"hero-riser": 5, "lp-depth": 1})
    scratch = await progress(again, ada_again)
    assert summary(scratch) == summary(rescored)
    weights = data(await gql('{ seasonWeights(season: "S1-2025") { metric weight } }'))
    assert weights["seasonWeights"] == changed["setSeasonWeights"]


def _as(gql: GQL, tenant: TenantRef) -> GQL:
    async def execute(query: str, variables: dict[str, Any] | None = None, **kw: Any) -> Any:
        return await gql(query, variables, as_tenant=tenant, **kw)

    return execute


async def test_moving_a_seasons_dates_rescores_it_and_leaves_other_seasons_alone(
    gql: GQL,
) -> None:
    await challenges(gql)
    await create_season(gql)
    await create_season(gql, key="S2-2025", starts=ENDS, ends=ENDS + timedelta(days=90))
    ada = await add(gql, "Ada")
    await record(gql, ada, "hero-riser", 7, INSIDE)
    await record(gql, ada, "hero-riser", 9, ENDS + timedelta(days=1))
    assert (await progress(gql, ada))["points"] == 7.0
    assert (await progress(gql, ada, "S2-2025"))["points"] == 9.0

    moved = await gql(
        'mutation($e: DateTime!) { updateSeason(season: "S1-2025", input: {endsAt: $e})'
        " { endsAt } }",
        {"e": (INSIDE - timedelta(days=1)).isoformat()},
    )
    assert "errors" not in moved, moved
    assert (await progress(gql, ada))["points"] == 0.0  # its event is now after its end
    assert (await progress(gql, ada, "S2-2025"))["points"] == 9.0


async def test_overlapping_seasons_are_refused_and_nothing_is_written(
    gql: GQL, deps: Deps, redis: Redis
) -> None:
    await challenges(gql)
    await create_season(gql)
    before = await state(redis, deps.settings.redis_prefix)
    overlapping = season_input("S2-2025", STARTS + timedelta(days=30), ENDS + timedelta(days=30))
    assert error_code(await gql(CREATE, {"input": overlapping})) == "CONFLICT"
    again = season_input("S1-2025", ENDS, ENDS + timedelta(days=30))  # the same key
    assert error_code(await gql(CREATE, {"input": again})) == "CONFLICT"
    assert await state(redis, deps.settings.redis_prefix) == before
    await create_season(gql, key="S2-2025", starts=ENDS, ends=ENDS + timedelta(days=90))
    before = await state(redis, deps.settings.redis_prefix)
    moved = await gql(  # S2 moved to start within S1
        'mutation($s: DateTime!) { updateSeason(season: "S2-2025", input: {startsAt: $s,'
        ' name: "Moved"}) { key } }',
        {"s": (ENDS - timedelta(days=1)).isoformat()},
    )
    assert error_code(moved) == "CONFLICT"
    assert await state(redis, deps.settings.redis_prefix) == before


async def test_activating_outside_the_dates_is_refused_and_changes_nothing(
    gql: GQL, deps: Deps, job_deps: Deps, clock: Clock, redis: Redis
) -> None:
    await challenges(gql)
    await create_season(gql)
    clock.now = ENDS  # the end is excluded
    before = await state(redis, deps.settings.redis_prefix)
    refused = await gql(ACTIVATE, {"s": "S1-2025"}, context_deps=job_deps)
    assert error_code(refused) == "BAD_USER_INPUT"
    clock.now = STARTS - timedelta(microseconds=1)
    refused = await gql(ACTIVATE, {"s": "S1-2025"}, context_deps=job_deps)
    assert error_code(refused) == "BAD_USER_INPUT"
    assert await state(redis, deps.settings.redis_prefix) == before


async def test_activating_one_season_deactivates_the_other(
    gql: GQL, job_deps: Deps, clock: Clock
) -> None:
    await challenges(gql)
    await create_season(gql)
    await create_season(gql, key="S2-2025", starts=ENDS, ends=ENDS + timedelta(days=90))
    clock.now = INSIDE
    assert data(await gql(ACTIVATE, {"s": "S1-2025"}, context_deps=job_deps)) == {
        "activateSeason": {"key": "S1-2025", "isActive": True}
    }
    found = data(await gql(ACTIVE, context_deps=job_deps))["activeSeason"]
    assert found == {"key": "S1-2025", "name": "Season S1-2025", "isActive": True}

    clock.now = ENDS + timedelta(days=1)  # S1 ended: its flag is kept, it is not active
    assert data(await gql(ACTIVE, context_deps=job_deps))["activeSeason"] is None
    data(await gql(ACTIVATE, {"s": "S2-2025"}, context_deps=job_deps))
    assert data(await gql(SEASONS, context_deps=job_deps))["seasons"] == [
        {"key": "S1-2025", "isActive": False},
        {"key": "S2-2025", "isActive": True},
    ]
    assert await Season.filter(is_active=True).values_list("key", flat=True) == ["S2-2025"]

    off = await gql(
        'mutation { updateSeason(season: "S2-2025", input: {isActive: false}) { isActive } }',
        context_deps=job_deps,
    )
    assert data(off) == {"updateSeason": {"isActive": False}}
    assert data(await gql(ACTIVE, context_deps=job_deps))["activeSeason"] is None


async def test_the_database_refuses_a_second_active_season_of_a_tenant(
    gql: GQL, tenant: TenantRef
) -> None:
    await challenges(gql)
    await create_season(gql)
    await create_season(gql, key="S2-2025", starts=ENDS, ends=ENDS + timedelta(days=90))
    await Season.filter(tenant_id=tenant.id, key="S1-2025").update(is_active=True)
    with pytest.raises(IntegrityError):
        await Season.filter(tenant_id=tenant.id, key="S2-2025").update(is_active=True)
    first = await Season.get(tenant_id=tenant.id, key="S1-2025")
    with pytest.raises(IntegrityError):  # a new row, directly
        await Season.create(
            tenant_id=tenant.id, key="S3-2025", name="S3", is_active=True,
            leaderboard_id=first.leaderboard_id, calendar_period_id=first.calendar_period_id,  # type: ignore[attr-defined]
        )  # fmt: skip


async def test_without_an_active_season_reads_say_so_and_events_are_recorded(
    gql: GQL, job_deps: Deps, clock: Clock
) -> None:
    await challenges(gql)
    await create_season(gql)
    ada = await add(gql, "Ada")
    clock.now = INSIDE  # within the dates, but not activated
    await record(gql, ada, "hero-riser", 5, INSIDE)
    assert data(await gql(ACTIVE, context_deps=job_deps))["activeSeason"] is None
    found = await gql(
        f'{{ participant(id: "{ada}") {{ seasonProgress {{ points }} '
        ' named: seasonProgress(season: "S1-2025") { points level } } }',
        context_deps=job_deps,
    )
    assert data(found)["participant"] == {
        "seasonProgress": None,
        "named": {"points": 5.0, "level": 0},
    }
    data(await gql(ACTIVATE, {"s": "S1-2025"}, context_deps=job_deps))
    found = await gql(
        f'{{ participant(id: "{ada}") {{ seasonProgress {{ season {{ key }} points }} }} }}',
        context_deps=job_deps,
    )
    assert data(found)["participant"]["seasonProgress"] == {
        "season": {"key": "S1-2025"},
        "points": 5.0,
    }


async def test_a_season_that_ended_scores_no_more_stays_readable_and_gets_its_run(
    gql: GQL, job_deps: Deps, clock: Clock, pool: ArqRedis
) -> None:
    ada, _ = await seed_example(gql)
    await create_season(gql)
    await record(gql, ada, "lp-depth", 1000, ENDS + timedelta(hours=1))  # after the end
    assert (await progress(gql, ada))["points"] == 1110.0

    await close_periods(job_deps, pool, clock, ENDS + GRACE)
    runs = await LeaderboardRun.filter(leaderboard__key="season-S1-2025").values(
        "period", "status", "row_count"
    )
    assert runs == [{"period": "S1-2025", "status": RunStatus.COMPLETE, "row_count": 2}]
    board = data(
        await gql(
            "{ seasons { leaderboard { key period latestRun { period entries { edges { node { rank score } } } } }"
            " } }"
        )
    )["seasons"][0]["leaderboard"]
    assert board["key"] == "season-S1-2025"
    assert board["period"] == "S1-2025"
    assert [e["node"] for e in board["latestRun"]["entries"]["edges"]] == [
        {"rank": 1, "score": 1110.0},
        {"rank": 2, "score": 195.0},
    ]
    assert (await progress(gql, ada))["points"] == 1110.0


async def test_a_publishable_key_sees_a_season_only_when_its_board_is_public(
    gql: GQL, deps: Deps, tenant: TenantRef, job_deps: Deps, clock: Clock
) -> None:
    ada, _ = await seed_example(gql)
    await create_season(gql)
    await create_season(
        gql, key="S2-2025", starts=ENDS, ends=ENDS + timedelta(days=90), visibility="PUBLIC"
    )
    public = bearer(await api_key(deps, tenant.id, Scope.PUBLIC))
    hidden = await gql(
        'query($p: ID!) { seasonProgress(season: "S1-2025", participantId: $p) { points } }',
        {"p": ada},
        headers=public,
    )
    missing = await gql(
        'query($p: ID!) { seasonProgress(season: "S9-2099", participantId: $p) { points } }',
        {"p": ada},
        headers=public,
    )
    assert error_code(hidden) == error_code(missing) == "NOT_FOUND"
    assert (
        hidden["errors"][0]["message"].replace("S1-2025", "S9-2099")
        == (missing["errors"][0]["message"])
    )
    shown = await gql(
        'query($p: ID!) { seasonProgress(season: "S2-2025", participantId: $p)'
        " { points participant { name } } }",
        {"p": ada},
        headers=public,
    )
    assert data(shown)["seasonProgress"] == {"points": 0.0, "participant": {"name": "Ada"}}
    # A participant's own fields stay closed to publishable keys (display fields only).
    closed = await gql(
        f'{{ participant(id: "{ada}") {{ seasonProgress(season: "S2-2025") {{ points }} }} }}',
        headers=public,
    )
    assert error_code(closed) == "FORBIDDEN"

    clock.now = INSIDE
    data(await gql(ACTIVATE, {"s": "S1-2025"}, context_deps=job_deps))
    seen = await gql(ACTIVE, context_deps=job_deps, headers=public)
    assert data(seen)["activeSeason"] is None  # active, but not public
    read = bearer(await api_key(deps, tenant.id, Scope.READ))
    seen = await gql(ACTIVE, context_deps=job_deps, headers=read)
    assert data(seen)["activeSeason"]["key"] == "S1-2025"


async def test_another_tenants_season_answers_as_a_missing_one(gql: GQL, deps: Deps) -> None:
    ada, _ = await seed_example(gql)
    await create_season(gql)
    other = await ensure_tenant("other-school")
    theirs = _as(gql, other)
    for document in (
        'query($p: ID!) { seasonProgress(season: "$S", participantId: $p) { points } }',
        '{ seasonWeights(season: "$S") { metric } }',
        'mutation($p: ID!) { claimReward(season: "$S", participantId: $p, level: 1) { level } }',
        'mutation { activateSeason(season: "$S") { key } }',
    ):
        given = {"p": ada} if "$p" in document else None
        seen = await theirs(document.replace("$S", "S1-2025"), given)
        missing = await theirs(document.replace("$S", "S9-2099"), given)
        assert error_code(seen) == "NOT_FOUND"
        assert (
            seen["errors"][0]["message"].replace("S1-2025", "S9-2099")
            == (missing["errors"][0]["message"])
        )
    assert data(await theirs(SEASONS)) == {"seasons": []}


BAD_CREATE = [
    {"key": "S1 2025"},
    {"key": "S1-2025-and-far-too-long"},
    {"key": ""},
    {"name": ""},
    {"name": "x" * 201},
    {"endsAt": STARTS.isoformat()},
    {"startsAt": "2025-01-01T00:00:00"},  # no offset
    {"levelStep": 0},
    {"levelStep": -1000},
    {"levelStep": 100, "levelThresholds": [100]},
    {"levelThresholds": []},
    {"levelThresholds": [100, 50]},
    {"levelThresholds": [0, 50]},
    {"weights": []},
    {"weights": [{"metric": "hero-riser", "weight": 0}]},
    {"weights": [{"metric": "hero-riser", "weight": -2}]},
    {"weights": [{"metric": "hero-riser", "weight": 1.5}]},
    {"weights": [{"metric": "no-such-metric", "weight": 1}]},
    {"weights": [{"metric": "hero-riser", "weight": 1}, {"metric": "hero-riser", "weight": 2}]},
]


async def test_bad_input_for_every_rule_is_refused_and_changes_nothing(
    gql: GQL, deps: Deps, redis: Redis
) -> None:
    await challenges(gql)
    await create_season(gql)
    ada = await add(gql, "Ada")
    before = await state(redis, deps.settings.redis_prefix)
    refused = []
    for bad in BAD_CREATE:
        given = season_input("S2-2025", ENDS, ENDS + timedelta(days=30)) | bad
        refused.append((bad, await gql(CREATE, {"input": given})))
    for weights in (
        [],
        [{"metric": "hero-riser", "weight": 0}],
        [{"metric": "hero-riser", "weight": -1}],
        [{"metric": "hero-riser", "weight": 2.5}],
        [{"metric": "nope", "weight": 1}],
        [{"metric": "lp-depth", "weight": 1}, {"metric": "lp-depth", "weight": 1}],
    ):
        document = (
            'mutation($w: [SeasonWeightInput!]!) { setSeasonWeights(season: "S1-2025",'
            " weights: $w) { metric } }"
        )
        refused.append((weights, await gql(document, {"w": weights})))
    for update in (
        {"name": ""},
        {"endsAt": STARTS.isoformat()},
        {"levelStep": 0},
        {"levelThresholds": [5, 5]},
        {"levelStep": 5, "levelThresholds": [5]},
        {"isActive": True},  # now is after the season
    ):
        document = (
            'mutation($u: SeasonUpdate!) { updateSeason(season: "S1-2025", input: $u) { key } }'
        )
        refused.append((update, await gql(document, {"u": update})))
    for reward in (
        {"level": 0, "key": "r", "name": "R"},
        {"level": 1, "key": "bad key", "name": "R"},
        {"level": 1, "key": "r", "name": ""},
        {"level": 1, "key": "r", "name": "R", "payload": {"x": "y" * 17_000}},
        {"level": 1, "key": "r", "name": "R", "payload": {"x": "\u0000"}},
    ):
        document = (
            'mutation($r: [SeasonRewardInput!]!) { setSeasonRewards(season: "S1-2025",'
            " rewards: $r) { key } }"
        )
        refused.append((reward, await gql(document, {"r": [reward]})))
    twice = [{"level": 1, "key": "r", "name": "R"}, {"level": 2, "key": "r", "name": "S"}]
    refused.append((twice, await gql(document, {"r": twice})))
    wrong = [(given, r) for given, r in refused if error_code(r) != "BAD_USER_INPUT"]
    assert wrong == []
    assert await state(redis, deps.settings.redis_prefix) == before
    assert ada
