"""Data versions learned from the change stream (``app.ranking.versions``): a process answers
"has anything changed?" without a Redis round trip while its pub/sub subscription holds,
learns another process's changes through it, and trusts nothing it may have missed."""

from __future__ import annotations

import httpx
from redis.asyncio import Redis

from app.deps import Deps
from app.live.service import LiveService
from app.participants.models import Participant
from app.ranking.store import RankingStore
from app.ranking.versions import KnownVersions
from app.tenancy.scopes import Scope
from app.tenancy.service import TenantRef
from tests.factories import api_key, bearer, participant
from tests.live.conftest import until

TOP = "{ leaderboard { entries(first: 5) { edges { node { participant { name } } } } } }"


def test_only_what_was_learned_while_subscribed_and_since_the_last_gap_is_answered() -> None:
    subscribed = False
    known = KnownVersions()
    known.trust(lambda: subscribed)
    assert known.since() is None  # not subscribed: what a read finds may be missed later
    known.learn(1, "10", known.since())
    known.learn(1, "10", known.epoch)
    assert known.get(1) is None  # not subscribed: nothing is known

    subscribed = True
    began = known.epoch
    known.learn(1, "10", began)
    known.deliver("1 12")
    known.learn(1, "11", began)  # a read that began before a newer message: kept the newer
    assert known.get(1) == "12"

    during = known.epoch
    known.interrupted()  # messages may be missed from here on
    assert known.get(1) is None
    known.learn(1, "13", during)  # a read that began before the gap teaches nothing
    known.resumed()
    assert known.get(1) is None
    known.deliver("1 14")
    known.deliver("garbage")
    assert (known.get(1), known.get(2)) == ("14", None)


async def test_another_process_s_change_reaches_this_one_through_the_change_stream(
    http: httpx.AsyncClient, deps: Deps, tenant: TenantRef, redis: Redis
) -> None:
    ada = await participant(deps, tenant.id, "Ada", points=3)
    reader = bearer(await api_key(deps, tenant.id, Scope.READ))
    await until(lambda: deps.store.versions.trusted(), what="the versions channel subscribed")
    first = await http.post("/graphql", json={"query": TOP}, headers=reader)
    known = deps.store.versions.get(tenant.id)
    assert known is not None  # learned: the next check needs no round trip

    other = RankingStore(redis, deps.store.prefix)  # another process's store: same Redis
    await Participant.filter(id=ada).update(name="Ada Lovelace")
    await other.touch(tenant.id)
    latest = str(await redis.get(f"{deps.store.prefix}:tenant:{tenant.id}:version"))

    await until(lambda: deps.store.versions.get(tenant.id) == latest, what="the bump heard")
    again = await http.post("/graphql", json={"query": TOP}, headers=reader)
    assert again.headers["ranked-cache"] == "miss"
    assert again.json()["data"] != first.json()["data"]
    assert "Ada Lovelace" in again.text


async def test_a_lost_subscription_falls_back_to_asking_redis(
    http: httpx.AsyncClient, deps: Deps, live: LiveService, tenant: TenantRef, redis: Redis
) -> None:
    live.hub.backoff = (2.0, 2.0)  # it reconnects after 1..3 s: the gap is long enough to see
    await participant(deps, tenant.id, "Ada", points=3)
    await until(lambda: deps.store.versions.trusted(), what="the versions channel subscribed")
    await deps.store.data_version(tenant.id)
    assert deps.store.versions.get(tenant.id) is not None

    await redis.client_kill_filter(_type="pubsub")  # this process's pub/sub connection drops

    await until(lambda: not deps.store.versions.trusted(), what="the loss noticed")
    assert deps.store.versions.get(tenant.id) is None
    other = RankingStore(redis, deps.store.prefix)
    await other.touch(tenant.id)  # published while nobody here listens: missed
    assert not deps.store.versions.trusted()
    latest = str(await redis.get(f"{deps.store.prefix}:tenant:{tenant.id}:version"))
    assert await deps.store.data_version(tenant.id) == latest  # asked Redis
    await until(lambda: deps.store.versions.trusted(), 10, what="the subscription back")
    assert deps.store.versions.get(tenant.id) is None  # nothing from before the gap
    assert await deps.store.data_version(tenant.id) == latest
    assert deps.store.versions.get(tenant.id) == latest
