"""Past periods' rankings leave Redis once their period is closed (plus the grace) and
their run is COMPLETE; reads of them are answered from the database, unchanged."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from arq.connections import ArqRedis
from redis.asyncio import Redis

from app.deps import Deps
from app.joblog.models import JobRun
from app.leaderboards.admin import BoardFields, WeightFields, define_leaderboard
from app.leaderboards.keeper import mark_dirty
from app.leaderboards.models import TimeWindow
from app.leaderboards.release import release_past_rankings
from app.leaderboards.service import board_in, get_definition
from app.participants.service import delete_participant
from app.runs.models import RunTrigger
from app.runs.service import trigger_run
from app.scoring.service import ScoreInput, record_scores
from app.tenancy.service import TenantRef
from tests.conftest import GQL
from tests.factories import participant
from tests.leaderboards.test_rankings_api import data
from tests.workers import Clock, drain

DAY = datetime(2026, 1, 3, 12, tzinfo=UTC)  # its period, 2026-01-03, closes at midnight
LATER = datetime(2026, 1, 5, 12, tzinfo=UTC)  # two days on: past the hour of grace
BOARD = """query($period: String) { leaderboard(key: "daily", period: $period) {
  period size entries(first: 10) { edges { node { rank score participant { name } } } } } }"""


async def score(deps: Deps, tenant: TenantRef, pid: int, value: float, at: datetime) -> None:
    event = ScoreInput("points", value, "test", f"{pid}:{at}:{value}", participant_id=pid,
                       occurred_at=at)  # fmt: skip
    await record_scores(deps, tenant.id, [event])


async def ranking(gql: GQL, deps: Deps, period: str | None) -> dict[str, object]:
    found: dict[str, object] = data(await gql(BOARD, {"period": period}, context_deps=deps))
    return found


async def test_a_past_ranking_is_released_once_its_run_is_complete_and_still_read(
    gql: GQL, job_deps: Deps, clock: Clock, tenant: TenantRef, redis: Redis, pool: ArqRedis
) -> None:
    fields = BoardFields(name="Daily", metrics=(WeightFields("points"),),
                         time_window=TimeWindow.DAILY)  # fmt: skip
    await define_leaderboard(job_deps, tenant.id, "daily", fields)
    ada, bob = [await participant(job_deps, tenant.id, n) for n in ("Ada", "Bob")]
    clock.now = DAY
    await score(job_deps, tenant, ada, 5, DAY)
    await score(job_deps, tenant, bob, 7, DAY)
    definition = await get_definition(tenant.id, "daily")
    past = board_in(definition, "2026-01-03").ref
    keys = job_deps.store.keys(past)
    await job_deps.keeper.rebuild(past)  # complete and ready in Redis, as a current one is
    assert await redis.exists(keys.scores, keys.versions, keys.ready) == 3
    while_current = await ranking(gql, job_deps, "2026-01-03")

    clock.now = LATER
    await score(job_deps, tenant, ada, 1, LATER)  # today's period, in Redis
    assert await ranking(gql, job_deps, "2026-01-03") == while_current  # now from the database
    assert (await release_past_rankings(job_deps, LATER)).rankings == 0  # no run yet
    assert await redis.exists(keys.scores) == 1

    await trigger_run(job_deps, definition, "2026-01-03", LATER, trigger=RunTrigger.SCHEDULE)
    await drain(job_deps)
    assert (await release_past_rankings(job_deps, LATER)).rankings == 0  # just completed
    clock.now = LATER + timedelta(minutes=2)  # every process knows of the run by then
    name = f"{job_deps.settings.redis_prefix}:release_rankings"
    await pool.enqueue_job(name, _job_id=f"{name}:1", _queue_name=job_deps.settings.job_queue)
    assert await drain(job_deps) == 1
    assert await redis.exists(keys.scores, keys.versions, keys.ready) == 0
    logged = await JobRun.filter(name="release_rankings").values_list("detail", flat=True)
    assert logged == [{"rankings": 1, "keys": 3}]  # scores, versions, ready
    assert await ranking(gql, job_deps, "2026-01-03") == while_current
    today = job_deps.store.keys(board_in(definition, at=LATER).ref)
    assert await redis.exists(today.scores) == 1  # the current period stays
    assert (await release_past_rankings(job_deps, clock.now)).rankings == 0  # idempotent

    # A late event for the released day is recorded, read, and brings nothing back to Redis;
    # neither do the keeper's checks and repairs.
    await score(job_deps, tenant, ada, 10, DAY)
    after = await ranking(gql, job_deps, "2026-01-03")
    entries = after["leaderboard"]["entries"]["edges"]  # type: ignore[index]
    assert [(e["node"]["participant"]["name"], e["node"]["score"]) for e in entries] == [
        ("Ada", 15.0), ("Bob", 7.0),
    ]  # fmt: skip
    await mark_dirty(definition.id)
    await job_deps.keeper.check()
    await delete_participant(job_deps, tenant.id, bob)  # its tombstone is not written there
    assert await redis.exists(keys.scores, keys.versions, keys.ready, keys.gone) == 0
    gone = await ranking(gql, job_deps, "2026-01-03")
    assert gone["leaderboard"]["size"] == 1  # type: ignore[index]
