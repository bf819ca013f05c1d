"""The winner check of seed 003, run by a real arq worker at ticks the test chooses."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from arq.connections import ArqRedis

from app.deps import Deps
from app.joblog.models import JobRun
from app.leaderboards.admin import (
    BoardFields,
    MetricFields,
    WeightFields,
    define_leaderboard,
    define_metric,
    update_leaderboard,
)
from app.leaderboards.models import Visibility
from app.leaderboards.service import POINTS
from app.participants.service import delete_participant
from app.tenancy.scopes import Scope
from app.tenancy.service import TenantRef
from app.winners.models import Winner
from app.winners.service import check_tick
from tests.conftest import GQL
from tests.factories import api_key, bearer, participant
from tests.workers import Clock, drain, tick_ms

TICK = datetime(2026, 1, 5, 12, 5, tzinfo=UTC)  # on the points board's 5-minute grid


async def check(deps: Deps, pool: ArqRedis, clock: Clock, tick: datetime, *, after: float = 1):
    """The winner job of ``tick``, queued as the cron would and run by a worker ``after``
    seconds past the tick."""
    clock.now = tick + timedelta(seconds=after)
    await pool.enqueue_job(
        "detect_winners",
        tick_ms(tick),
        _job_id=f"{deps.settings.redis_prefix}:t:{tick_ms(tick)}",
        _queue_name=deps.settings.job_queue,
    )
    await drain(deps)


async def winners() -> list[tuple[int, float, datetime, datetime]]:
    rows = await Winner.all().order_by("id")
    return [(w.participant_id, w.points, w.tick, w.declared_at) for w in rows]  # type: ignore[attr-defined]


async def test_a_unique_top_declares_one_winner(
    job_deps: Deps, tenant: TenantRef, pool: ArqRedis, clock: Clock
) -> None:
    ada = await participant(job_deps, tenant.id, "Ada", points=10)
    await participant(job_deps, tenant.id, "Bob", points=5)

    await check(job_deps, pool, clock, TICK)

    assert await winners() == [(ada, 10.0, TICK, TICK + timedelta(seconds=1))]
    log = await JobRun.get(name="detect_winners")
    assert (log.key, log.outcome, log.detail) == (TICK.isoformat(), "ok", {"declared": 1})


async def test_a_tie_for_the_top_declares_nobody(
    job_deps: Deps, tenant: TenantRef, pool: ArqRedis, clock: Clock
) -> None:
    await participant(job_deps, tenant.id, "Ada", points=10)
    await participant(job_deps, tenant.id, "Bob", points=10)
    await participant(job_deps, tenant.id, "Cy", points=3)

    await check(job_deps, pool, clock, TICK)

    assert await winners() == []
    assert (await JobRun.get(name="detect_winners")).detail == {"tie": 1}


async def test_an_empty_board_declares_nobody(
    job_deps: Deps, tenant: TenantRef, pool: ArqRedis, clock: Clock
) -> None:
    await check(job_deps, pool, clock, TICK)

    assert await winners() == []
    assert (await JobRun.get(name="detect_winners")).detail == {"empty": 1}


async def test_two_workers_on_one_tick_write_one_row(
    job_deps: Deps, tenant: TenantRef, pool: ArqRedis, clock: Clock
) -> None:
    ada = await participant(job_deps, tenant.id, "Ada", points=10)
    clock.now = TICK + timedelta(seconds=1)
    for copy in range(4):  # arq may run a cron twice (upstream issue #196): here, four times
        await pool.enqueue_job(
            "detect_winners",
            tick_ms(TICK),
            _job_id=f"{job_deps.settings.redis_prefix}:{copy}",
            _queue_name=job_deps.settings.job_queue,
        )

    await asyncio.gather(drain(job_deps), drain(job_deps))

    assert [w[:3] for w in await winners()] == [(ada, 10.0, TICK)]
    outcomes = sorted(str(j.detail) for j in await JobRun.filter(name="detect_winners"))
    assert outcomes == sorted(["{'declared': 1}"] + ["{'already_declared': 1}"] * 3)


async def test_a_tick_checked_too_late_declares_nobody(
    job_deps: Deps, tenant: TenantRef, pool: ArqRedis, clock: Clock
) -> None:
    await participant(job_deps, tenant.id, "Ada", points=10)

    await check(job_deps, pool, clock, TICK, after=job_deps.settings.winner_late_seconds + 1)

    assert await winners() == []
    assert (await JobRun.get(name="detect_winners")).outcome == "missed"


async def test_a_deleted_participant_is_never_declared_and_its_wins_go_with_it(
    job_deps: Deps, tenant: TenantRef, pool: ArqRedis, clock: Clock
) -> None:
    ada = await participant(job_deps, tenant.id, "Ada", points=10)
    bob = await participant(job_deps, tenant.id, "Bob", points=5)
    await check(job_deps, pool, clock, TICK)
    assert [w[0] for w in await winners()] == [ada]

    await delete_participant(job_deps, tenant.id, ada)
    await check(job_deps, pool, clock, TICK + timedelta(minutes=5))

    assert [w[0] for w in await winners()] == [bob]


async def test_only_boards_due_at_the_tick_are_checked(
    job_deps: Deps, tenant: TenantRef, pool: ArqRedis, clock: Clock
) -> None:
    await define_metric(job_deps, tenant.id, MetricFields("m", "M"))
    fields = BoardFields(name="Q", metrics=(WeightFields("m"),), winner_every=15)
    await define_leaderboard(job_deps, tenant.id, "quarterly", fields)
    await participant(job_deps, tenant.id, "Ada", points=10)
    await update_leaderboard(job_deps, tenant.id, POINTS, BoardFields(winner_every=0))  # off

    await check(job_deps, pool, clock, TICK)  # 12:05: not on a 15-minute tick
    assert await JobRun.filter(name="detect_winners").count() == 0
    await check(job_deps, pool, clock, TICK + timedelta(minutes=10))  # 12:15

    assert (await JobRun.get(name="detect_winners")).detail == {"empty": 1}  # the board, empty


DETECT = "mutation { detectWinner { tick outcome winner { points participant { name } } } }"


async def test_detect_winner_says_what_happened(gql: GQL, deps: Deps, tenant: TenantRef) -> None:
    await participant(deps, tenant.id, "Ada", points=10)

    first = await gql(DETECT)
    again = await gql(DETECT)

    declared = first["data"]["detectWinner"]
    assert declared["outcome"] == "DECLARED"
    assert declared["winner"] == {"points": 10.0, "participant": {"name": "Ada"}}
    assert again["data"]["detectWinner"] == {**declared, "outcome": "ALREADY_DECLARED"}


async def test_winners_are_listed_newest_first_and_with_their_participant(
    gql: GQL, job_deps: Deps, tenant: TenantRef, pool: ArqRedis, clock: Clock
) -> None:
    ada = await participant(job_deps, tenant.id, "Ada", points=10)
    for i in range(3):
        await check(job_deps, pool, clock, TICK + timedelta(minutes=5 * i))

    page = await gql(
        "{ winners(first: 2) { edges { node { tick } } pageInfo { hasNextPage endCursor } } }"
    )
    cursor = page["data"]["winners"]["pageInfo"]["endCursor"]
    rest = await gql(
        "query($a: String) { winners(first: 2, after: $a) { edges { node { tick } } } }",
        {"a": cursor},
    )
    wins = await gql(
        "query($id: ID!) { participant(id: $id) { wins { tick points } } }", {"id": str(ada)}
    )

    ticks = [
        e["node"]["tick"]
        for e in page["data"]["winners"]["edges"] + rest["data"]["winners"]["edges"]
    ]
    assert ticks == [(TICK + timedelta(minutes=5 * i)).isoformat() for i in (2, 1, 0)]
    assert page["data"]["winners"]["pageInfo"]["hasNextPage"] is True
    assert len(wins["data"]["participant"]["wins"]) == 3


async def test_a_winners_list_read_before_shows_a_new_winner_at_once(
    gql: GQL, job_deps: Deps, tenant: TenantRef, pool: ArqRedis, clock: Clock
) -> None:
    await participant(job_deps, tenant.id, "Ada", points=10)
    query = "{ winners { edges { node { points } } } }"
    assert (await gql(query))["data"]["winners"]["edges"] == []  # now in the result cache

    await check(job_deps, pool, clock, TICK)

    assert (await gql(query))["data"]["winners"]["edges"] == [{"node": {"points": 10.0}}]


async def test_wins_on_a_private_board_are_listed_to_admins_only(
    gql: GQL, job_deps: Deps, tenant: TenantRef, pool: ArqRedis, clock: Clock
) -> None:
    ada = await participant(job_deps, tenant.id, "Ada", points=10)
    await check(job_deps, pool, clock, TICK)  # a win on the points board, then made PRIVATE
    await update_leaderboard(
        job_deps, tenant.id, POINTS, BoardFields(visibility=Visibility.PRIVATE)
    )
    reader = bearer(await api_key(job_deps, tenant.id, Scope.READ))
    query = "query($id: ID!) { participant(id: $id) { wins { leaderboard } } }"

    anyone = await gql(query, {"id": str(ada)}, headers=reader)
    admin = await gql(query, {"id": str(ada)})

    assert anyone["data"]["participant"]["wins"] == []
    assert admin["data"]["participant"]["wins"] == [{"leaderboard": POINTS}]


async def test_wins_on_a_tenant_board_are_not_shown_to_a_key_that_cannot_read_it(
    gql: GQL, job_deps: Deps, tenant: TenantRef, pool: ArqRedis, clock: Clock
) -> None:
    """An INGEST key reads a participant back from its mutations, but not the TENANT
    boards it won on (it may not see those boards)."""
    ada = await participant(job_deps, tenant.id, "Ada", points=10)
    await check(job_deps, pool, clock, TICK)  # a win on the points board (TENANT)
    ingest = bearer(await api_key(job_deps, tenant.id, Scope.INGEST))
    reader = bearer(await api_key(job_deps, tenant.id, Scope.READ))
    mutation = """mutation($id: ID!) {
      updateParticipant(id: $id, input: {}) { wins { leaderboard } } }"""

    feeder = await gql(mutation, {"id": str(ada)}, headers=ingest)
    read = await gql(mutation, {"id": str(ada)}, headers=reader)

    assert feeder["data"]["updateParticipant"]["wins"] == [], feeder
    assert read["errors"][0]["extensions"]["code"] == "FORBIDDEN"  # READ may not update
    admin = await gql("query($id: ID!) { participant(id: $id) { wins { leaderboard } } }",
                      {"id": str(ada)})  # fmt: skip
    assert admin["data"]["participant"]["wins"] == [{"leaderboard": POINTS}]


async def test_a_board_whose_check_fails_costs_the_others_nothing(
    job_deps: Deps, tenant: TenantRef, clock: Clock
) -> None:
    await define_metric(job_deps, tenant.id, MetricFields("m", "M"))
    fields = BoardFields(name="Broken", metrics=(WeightFields("m"),), winner_every=5)
    broken = await define_leaderboard(job_deps, tenant.id, "broken", fields)
    ada = await participant(job_deps, tenant.id, "Ada", points=10)
    keys = job_deps.store.keys(broken.ref(broken.period_at(TICK).key))  # type: ignore[union-attr]
    await job_deps.store.redis.set(keys.ready, 1)
    await job_deps.store.redis.set(keys.scores, "not a sorted set")  # every read of it fails
    boards = [await job_deps.definitions.board(tenant.id, k) for k in ("broken", POINTS)]

    outcome, counts = await check_tick(job_deps, boards, TICK, TICK + timedelta(seconds=1))

    assert (outcome, counts) == ("partial", {"failed": 1, "declared": 1})
    assert [w[0] for w in await winners()] == [ada]
