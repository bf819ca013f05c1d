"""Cached answers served before GraphQL runs (``app.graphql.fastpath``), over HTTP from a
served app: the same bytes while nothing changed, fresh after a write, ETag and 304, and
the checks every request gets (a revoked key, the rate budget, another tenant)."""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from app.deps import Deps, build_deps
from app.graphql.fastpath import Answer, Answers
from app.live.hub import PubSubHub, hub_client
from app.live.service import LiveService
from app.participants.models import Participant
from app.tenancy.keys import revoke_key
from app.tenancy.models import ApiKey
from app.tenancy.scopes import Scope
from app.tenancy.service import TenantRef, ensure_tenant
from tests.conftest import REDIS_URL
from tests.factories import api_key, bearer, participant
from tests.live.conftest import served_http, until

TOP = "{ leaderboard { entries(first: 5) { edges { node { rank score participant { name } } } } } }"
ADJUST = """mutation($id: ID!) { adjustPoints(participantId: $id, delta: 4) { score } }"""


def names(response: httpx.Response) -> list[str]:
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body
    return [
        e["node"]["participant"]["name"] for e in body["data"]["leaderboard"]["entries"]["edges"]
    ]


async def test_a_repeated_query_is_answered_from_its_bytes_until_the_data_changes(
    http: httpx.AsyncClient, deps: Deps, tenant: TenantRef
) -> None:
    ada = await participant(deps, tenant.id, "Ada", points=3)
    reader = bearer(await api_key(deps, tenant.id, Scope.READ))
    admin = bearer(await api_key(deps, tenant.id, Scope.ADMIN))
    first = await http.post("/graphql", json={"query": TOP}, headers=reader)
    assert (names(first), first.headers["ranked-cache"]) == (["Ada"], "miss")
    # Behind the service's back: only an answer kept from before can still say "Ada".
    await Participant.filter(id=ada).update(name="Changed directly")

    again = await http.post("/graphql", json={"query": TOP}, headers=reader)
    assert again.headers["ranked-cache"] == "hit"
    assert again.content == first.content
    assert again.headers["etag"] == first.headers["etag"]

    wrote = await http.post(
        "/graphql", json={"query": ADJUST, "variables": {"id": str(ada)}}, headers=admin
    )
    assert wrote.json() == {"data": {"adjustPoints": {"score": 7.0}}}
    after = await http.post(
        "/graphql", json={"query": TOP}, headers=reader
    )  # its own write, at once
    assert (names(after), after.headers["ranked-cache"]) == (["Changed directly"], "miss")
    assert after.headers["etag"] != first.headers["etag"]


async def test_a_get_with_the_current_etag_is_304_until_the_data_changes(
    http: httpx.AsyncClient, deps: Deps, tenant: TenantRef
) -> None:
    ada = await participant(deps, tenant.id, "Ada", points=3)
    reader = bearer(await api_key(deps, tenant.id, Scope.READ))
    url = f"/graphql?query={quote(TOP)}"
    first = await http.get(url, headers=reader)
    etag = first.headers["etag"]
    assert names(first) == ["Ada"]

    same = await http.get(url, headers={**reader, "if-none-match": etag})
    assert (same.status_code, same.content, same.headers["etag"]) == (304, b"", etag)

    await Participant.filter(id=ada).update(name="Ada Lovelace")
    await deps.store.touch(tenant.id)  # what every committed change does
    changed = await http.get(url, headers={**reader, "if-none-match": etag})
    assert changed.status_code == 200
    assert names(changed) == ["Ada Lovelace"]
    assert changed.headers["etag"] != etag


async def test_a_revoked_key_is_not_answered_from_the_cache(
    http: httpx.AsyncClient, deps: Deps, tenant: TenantRef
) -> None:
    await participant(deps, tenant.id, "Ada", points=3)
    key = await api_key(deps, tenant.id, Scope.READ, name="soon revoked")
    assert names(await http.post("/graphql", json={"query": TOP}, headers=bearer(key))) == ["Ada"]
    assert (await http.post("/graphql", json={"query": TOP}, headers=bearer(key))).headers[
        "ranked-cache"
    ] == "hit"
    record = await ApiKey.get(name="soon revoked")

    await revoke_key(deps.keys, tenant.id, record.id)

    refused = await http.post("/graphql", json={"query": TOP}, headers=bearer(key))
    assert refused.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert "ranked-cache" not in refused.headers


async def test_cached_answers_are_paid_from_the_rate_budget(
    http: httpx.AsyncClient, deps: Deps, tenant: TenantRef, monkeypatch: pytest.MonkeyPatch
) -> None:
    await participant(deps, tenant.id, "Ada", points=3)
    monkeypatch.setattr(deps.settings, "rate_reads_burst", 3)
    monkeypatch.setattr(deps.settings, "rate_reads_per_second", 0.01)
    reader = bearer(await api_key(deps, tenant.id, Scope.READ))
    answered = [await http.post("/graphql", json={"query": TOP}, headers=reader) for _ in range(4)]

    assert [r.headers.get("ranked-cache") for r in answered[:3]] == ["miss", "hit", "hit"]
    assert answered[3].json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"


async def test_identical_reads_at_once_run_the_query_once(
    http: httpx.AsyncClient, deps: Deps, tenant: TenantRef
) -> None:
    await participant(deps, tenant.id, "Ada", points=3)
    reader = bearer(await api_key(deps, tenant.id, Scope.READ))

    answers = await asyncio.gather(
        *(http.post("/graphql", json={"query": TOP}, headers=reader) for _ in range(20))
    )

    assert {names(a)[0] for a in answers} == {"Ada"}
    assert sorted(a.headers["ranked-cache"] for a in answers) == ["hit"] * 19 + ["miss"]
    assert len({a.headers["etag"] for a in answers}) == 1


async def test_another_tenant_or_key_never_gets_an_answer_kept_for_one(
    http: httpx.AsyncClient, deps: Deps, tenant: TenantRef
) -> None:
    await participant(deps, tenant.id, "Ada", points=3)
    other = await ensure_tenant("other")
    await participant(deps, other.id, "Zed", points=9)
    ours = bearer(await api_key(deps, tenant.id, Scope.READ))
    theirs = bearer(await api_key(deps, other.id, Scope.READ))
    assert names(await http.post("/graphql", json={"query": TOP}, headers=ours)) == ["Ada"]

    answered = await http.post("/graphql", json={"query": TOP}, headers=theirs)

    assert (names(answered), answered.headers["ranked-cache"]) == (["Zed"], "miss")
    anonymous = await http.post("/graphql", json={"query": TOP})
    assert anonymous.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_answers_are_bounded_by_count_and_by_bytes() -> None:
    answers = Answers(size=3, held=10_000)
    for n in range(5):
        answers.put((1, "READ", "", b"q%d" % n), Answer("1", b"x" * 100, [], b'"e"'))
    assert [answers.get((1, "READ", "", b"q%d" % n)) is not None for n in range(5)] == [
        False, False, True, True, True,
    ]  # fmt: skip
    answers.put((1, "READ", "", b"big"), Answer("1", b"x" * 9_900, [], b'"e"'))
    kept = [answers.get((1, "READ", "", b"q%d" % n)) is not None for n in range(5)]
    assert kept == [False] * 5  # the big one pushed the others out
    assert answers.get((1, "READ", "", b"big")) is not None


async def test_within_the_staleness_bound_others_may_read_the_answer_before_a_write_but_not_the_writer(
    http: httpx.AsyncClient, deps: Deps, tenant: TenantRef, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(deps.settings, "read_staleness_ms", 2_000)  # long enough to see
    await participant(deps, tenant.id, "Ada", points=3)
    bob = await participant(deps, tenant.id, "Bob", points=1)
    admin = bearer(await api_key(deps, tenant.id, Scope.ADMIN))
    reader = bearer(await api_key(deps, tenant.id, Scope.READ))
    for who in (admin, reader):
        assert names(await http.post("/graphql", json={"query": TOP}, headers=who)) == [
            "Ada", "Bob",
        ]  # fmt: skip

    variables = {"id": str(bob)}  # Bob +4: 5 points, above Ada
    wrote = await http.post(
        "/graphql", json={"query": ADJUST, "variables": variables}, headers=admin
    )
    assert wrote.json() == {"data": {"adjustPoints": {"score": 5.0}}}

    mine = await http.post("/graphql", json={"query": TOP}, headers=admin)
    assert (names(mine), mine.headers["ranked-cache"]) == (["Bob", "Ada"], "miss")  # its write
    theirs = await http.post("/graphql", json={"query": TOP}, headers=reader)
    assert (names(theirs), theirs.headers["ranked-cache"]) == (["Ada", "Bob"], "stale")

    async def caught_up() -> bool:
        answer = await http.post("/graphql", json={"query": TOP}, headers=reader)
        return names(answer) == ["Bob", "Ada"]

    await until(caught_up, seconds=10, what="the reader's answer recomputed")


async def test_a_process_that_has_not_heard_of_a_write_answers_at_the_version_the_writer_sends(
    http: httpx.AsyncClient, deps: Deps, tenant: TenantRef
) -> None:
    """Another process (its own services and app) that trusts what it knows of versions but
    has not heard of a write yet, as when its pub/sub message is still on its way."""
    await participant(deps, tenant.id, "Ada", points=3)
    bob = await participant(deps, tenant.id, "Bob", points=1)
    admin = bearer(await api_key(deps, tenant.id, Scope.ADMIN))
    other = build_deps(deps.settings, deps.store.redis)
    pubsub = hub_client(REDIS_URL)
    live = LiveService(other, PubSubHub(pubsub))
    try:
        async with served_http(other, live, tenant) as elsewhere:
            live.hub.unlisten(other.store.versions_channel, other.store.versions)
            other.store.versions.trust(lambda: True)  # it hears nothing from here on
            for hit in ("miss", "hit"):
                read = await elsewhere.post("/graphql", json={"query": TOP}, headers=admin)
                assert (names(read), read.headers["ranked-cache"]) == (["Ada", "Bob"], hit)

            variables = {"id": str(bob)}  # Bob +4: 5 points, above Ada
            wrote = await http.post(
                "/graphql", json={"query": ADJUST, "variables": variables}, headers=admin
            )
            token = wrote.headers["ranked-version"]
            assert int(token) > await _version_of(other, tenant)

            unaware = await elsewhere.post("/graphql", json={"query": TOP}, headers=admin)
            assert (names(unaware), unaware.headers["ranked-cache"]) == (["Ada", "Bob"], "hit")
            caught = {**admin, "ranked-min-version": token}
            mine = await elsewhere.post("/graphql", json={"query": TOP}, headers=caught)
            assert (names(mine), mine.headers["ranked-cache"]) == (["Bob", "Ada"], "miss")
            again = await elsewhere.post("/graphql", json={"query": TOP}, headers=caught)
            assert (names(again), again.headers["ranked-cache"]) == (["Bob", "Ada"], "hit")
            junk = {**admin, "ranked-min-version": "soon"}  # not digits: ignored
            assert names(await elsewhere.post("/graphql", json={"query": TOP}, headers=junk)) == [
                "Bob", "Ada",
            ]  # fmt: skip
    finally:
        await other.keeper.close()
        await pubsub.aclose()


async def _version_of(deps: Deps, tenant: TenantRef) -> int:
    """The version that process knows (it has not heard of the write)."""
    return int(await deps.store.data_version(tenant.id))
