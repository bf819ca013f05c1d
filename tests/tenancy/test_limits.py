"""The limits: each refuses what exceeds it, lets through what is just inside it, and
changes nothing when it refuses. Over real HTTP and websockets where the limit lives there
(body size, connections, message size, batching), through the schema otherwise."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
from graphql import parse
from websockets.exceptions import ConnectionClosed

from app.context import Context
from app.deps import Deps
from app.errors import RateLimited
from app.graphql.cost import operation_cost
from app.graphql.schema import build_schema
from app.live.service import LiveService
from app.ranking.keys import rate_key
from app.tenancy.access import identify
from app.tenancy.rates import Budget, RateLimiter
from app.tenancy.scopes import Scope
from app.tenancy.service import TenantRef, configure
from tests.conftest import error_code
from tests.factories import api_key, participant
from tests.live.conftest import serving, until
from tests.live.wsclient import WsClient

HEAVY = """{ leaderboard { entries(first: 1000) { edges { node {
  participant { scoreHistory(first: 1000) { value } } } } } } }"""
TOP = "{ leaderboard { entries(first: 10) { edges { node { rank } } } } }"
ADJUST = "mutation($id: ID!) { adjustPoints(participantId: $id, delta: 1) { score } }"


async def execute(deps: Deps, key: str, query: str, variables: dict[str, Any] | None = None) -> Any:
    caller = await identify(deps.keys, f"Bearer {key}")
    context = Context(deps, caller, SimpleNamespace(headers={}))
    result = await build_schema(deps.settings).execute(
        query, variable_values=variables, context_value=context
    )
    response: dict[str, Any] = {"data": result.data}
    if result.errors:
        response["errors"] = [e.formatted for e in result.errors]
    return response


# Query cost


def cost_of(deps: Deps, query: str) -> int:
    schema = build_schema(deps.settings)._schema
    document = parse(query)
    return operation_cost(schema, document.definitions[0], {}, {}, deps.settings.max_page_size)  # type: ignore[arg-type]


async def test_the_issues_example_is_refused_before_it_runs_with_its_cost(
    deps: Deps, tenant: TenantRef
) -> None:
    key = await api_key(deps, tenant.id, Scope.READ)

    response = await execute(deps, key, HEAVY)

    assert error_code(response) == "BAD_USER_INPUT"
    extensions = response["errors"][0]["extensions"]
    assert extensions["cost"] > 1_000_000
    assert extensions["maxCost"] == deps.settings.max_query_cost
    assert response["data"] is None


async def test_an_operation_at_the_cost_limit_runs_and_one_above_does_not(
    deps: Deps, tenant: TenantRef, monkeypatch: pytest.MonkeyPatch
) -> None:
    await participant(deps, tenant.id, "Ada", points=1)
    key = await api_key(deps, tenant.id, Scope.READ)
    cost = cost_of(deps, TOP)
    assert cost == 1 + 1 + 1 + 10 * (1 + 1)  # leaderboard, entries, edges, 10 x (node, rank)

    monkeypatch.setattr(deps.settings, "max_query_cost", cost)
    inside = await execute(deps, key, TOP)
    monkeypatch.setattr(deps.settings, "max_query_cost", cost - 1)
    above = await execute(deps, key, TOP)

    assert "errors" not in inside, inside
    assert error_code(above) == "BAD_USER_INPUT"
    assert above["errors"][0]["extensions"]["cost"] == cost


def test_a_connections_page_size_multiplies_its_edges_only(deps: Deps) -> None:
    counted = cost_of(deps, "{ participants(first: 100) { totalCount pageInfo { hasNextPage } } }")
    listed = cost_of(deps, "{ participants(first: 100) { edges { node { id } } } }")

    assert counted == 1 + 1 + (1 + 1)  # participants, totalCount, pageInfo and its field
    assert listed == 1 + 1 + 100 * (1 + 1)


# Rates


async def test_reads_beyond_the_burst_are_rate_limited_with_retry_after(
    deps: Deps, tenant: TenantRef, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(deps.settings, "rate_reads_per_second", 0.1)
    monkeypatch.setattr(deps.settings, "rate_reads_burst", 3)
    pid = await participant(deps, tenant.id, "Ada", points=1)
    key = await api_key(deps, tenant.id, Scope.ADMIN)
    other = await api_key(deps, tenant.id, Scope.ADMIN)

    inside = [await execute(deps, key, TOP) for _ in range(3)]
    above = await execute(deps, key, TOP)
    writes = await execute(deps, key, ADJUST, {"id": str(pid)})  # a budget of its own
    others = await execute(deps, other, TOP)  # a bucket per key

    assert all("errors" not in r for r in inside), inside
    assert error_code(above) == "RATE_LIMITED"
    assert 1 <= above["errors"][0]["extensions"]["retryAfter"] <= 10
    assert above["data"] is None
    assert writes["data"] == {"adjustPoints": {"score": 2}}, writes
    assert "errors" not in others, others


async def test_every_api_process_draws_on_the_same_bucket(
    deps: Deps, tenant: TenantRef, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two processes' limiters (two Deps over one Redis) share the key's budget."""
    from app.deps import build_deps

    monkeypatch.setattr(deps.settings, "rate_writes_per_second", 0.1)
    monkeypatch.setattr(deps.settings, "rate_writes_burst", 2)
    second = build_deps(deps.settings, deps.store.redis, jobs=deps.jobs)
    pid = await participant(deps, tenant.id, "Ada")
    key = await api_key(deps, tenant.id, Scope.INGEST)
    reader = await api_key(deps, tenant.id, Scope.READ)

    first = await execute(deps, key, ADJUST, {"id": str(pid)})
    again = await execute(second, key, ADJUST, {"id": str(pid)})
    refused = await execute(deps, key, ADJUST, {"id": str(pid)})

    assert "errors" not in first, first
    assert "errors" not in again, again
    assert error_code(refused) == "RATE_LIMITED"
    assert (await execute(deps, reader, f"{{ participant(id: {pid}) {{ points }} }}"))["data"] == {
        "participant": {"points": 2}
    }  # the refused write changed nothing


async def test_a_bulk_write_spends_one_token_per_hundred_events(
    deps: Deps, tenant: TenantRef, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(deps.settings, "rate_writes_per_second", 0.1)
    monkeypatch.setattr(deps.settings, "rate_writes_burst", 5)
    pid = await participant(deps, tenant.id, "Ada")
    key = await api_key(deps, tenant.id, Scope.INGEST)
    record = "mutation($inputs: [ScoreInput!]!) { recordScores(inputs: $inputs) { recorded } }"

    def events(count: int, start: int) -> dict[str, Any]:
        return {
            "inputs": [
                {
                    "participantId": str(pid),
                    "metric": "points",
                    "value": 1,
                    "source": "t",
                    "sourceId": f"e{start + i}",
                }
                for i in range(count)
            ]
        }

    big = await execute(deps, key, record, events(300, 0))  # 1 + 3 tokens of 5
    refused = await execute(deps, key, record, events(199, 300))  # 1 + 1 tokens: 1 left
    single = await execute(deps, key, record, events(1, 300))  # 1 token

    assert big["data"] == {"recordScores": {"recorded": 300}}, big
    assert error_code(refused) == "RATE_LIMITED"
    assert single["data"] == {"recordScores": {"recorded": 1}}, single


async def test_a_tenants_own_limits_override_the_defaults(
    deps: Deps, tenant: TenantRef, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(deps.settings, "rate_reads_per_second", 0.1)
    monkeypatch.setattr(deps.settings, "rate_reads_burst", 1)
    await configure(tenant.slug, {"rate_reads_burst": 5})
    deps.keys.forget()
    key = await api_key(deps, tenant.id, Scope.READ)

    answers = [await execute(deps, key, TOP) for _ in range(6)]

    assert ["errors" in a for a in answers] == [False] * 5 + [True]


# Over the wire: body size, batching, websocket connections and messages


@pytest.fixture
async def served(
    deps: Deps, live: LiveService, tenant: TenantRef, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[str]:
    monkeypatch.setattr(deps.settings, "max_body_bytes", 10_000)
    monkeypatch.setattr(deps.settings, "ws_max_bytes", 8_192)
    monkeypatch.setattr(deps.settings, "max_connections_per_key", 2)
    async with serving(deps, live, tenant) as url:
        yield url


def padded(size: int) -> bytes:
    """A valid request body of exactly ``size`` bytes (a comment pads the query)."""
    bare = json.dumps({"query": "{ viewer { scopes } }\n#"}).encode()
    body = json.dumps({"query": "{ viewer { scopes } }\n#" + "x" * (size - len(bare))}).encode()
    assert len(body) == size
    return body


async def test_a_body_just_over_the_limit_is_413_and_one_at_it_is_answered(
    served: str, deps: Deps, tenant: TenantRef
) -> None:
    url = served.replace("ws://", "http://")
    key = await api_key(deps, tenant.id, Scope.READ)
    headers = {"authorization": f"Bearer {key}", "content-type": "application/json"}
    async with httpx.AsyncClient() as client:
        at = await client.post(url, content=padded(10_000), headers=headers)
        over = await client.post(url, content=padded(10_001), headers=headers)

        async def streamed() -> AsyncIterator[bytes]:  # no content-length: counted as it comes
            body = padded(50_000)
            for start in range(0, len(body), 4096):
                yield body[start : start + 4096]

        chunked = await client.post(url, content=streamed(), headers=headers)

    assert at.status_code == 200
    assert at.json()["data"] == {"viewer": {"scopes": ["READ"]}}
    for refused in (over, chunked):
        assert refused.status_code == 413
        assert refused.json()["errors"][0]["extensions"] == {
            "code": "BAD_USER_INPUT",
            "maxBytes": 10_000,
        }


async def test_batched_operations_are_not_run(served: str, deps: Deps, tenant: TenantRef) -> None:
    url = served.replace("ws://", "http://")
    pid = await participant(deps, tenant.id, "Ada")
    key = await api_key(deps, tenant.id, Scope.ADMIN)
    one = {"query": ADJUST, "variables": {"id": str(pid)}}
    async with httpx.AsyncClient() as client:
        response = await client.post(
            url, json=[one, one], headers={"authorization": f"Bearer {key}"}
        )

    assert 400 <= response.status_code < 500
    assert (await execute(deps, key, f"{{ participant(id: {pid}) {{ points }} }}"))["data"] == {
        "participant": {"points": 0}
    }


async def test_a_key_holds_at_most_its_connections_and_gets_one_back_when_one_closes(
    served: str, deps: Deps, tenant: TenantRef
) -> None:
    key = await api_key(deps, tenant.id, Scope.READ)
    first = await WsClient.open(served, key=key)
    second = await WsClient.open(served, key=key)

    third = await WsClient.connect(served)
    await third.send({"type": "connection_init", "payload": {"Authorization": f"Bearer {key}"}})
    with pytest.raises(ConnectionClosed) as closed:
        await third.receive()
    await first.close()
    fourth = await WsClient.open(served, key=key)  # acknowledged: its place was given back

    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 4403
    assert closed.value.rcvd.reason.startswith("RATE_LIMITED: ")
    await second.close()
    await fourth.close()


async def test_a_websocket_without_a_valid_key_is_closed_saying_why(
    served: str, deps: Deps, tenant: TenantRef
) -> None:
    for key, code in ((None, "UNAUTHENTICATED"), ("rks_" + "x" * 43, "UNAUTHENTICATED")):
        client = await WsClient.connect(served)
        await client.send({"type": "connection_init", "payload": (
            {"Authorization": f"Bearer {key}"} if key else {})})  # fmt: skip
        with pytest.raises(ConnectionClosed) as closed:
            await client.receive()
        assert closed.value.rcvd is not None
        assert closed.value.rcvd.code == 4403
        assert closed.value.rcvd.reason.startswith(f"{code}: "), closed.value.rcvd.reason


async def test_a_websocket_message_over_the_limit_ends_the_connection(
    served: str, deps: Deps, tenant: TenantRef
) -> None:
    key = await api_key(deps, tenant.id, Scope.READ)
    inside = await WsClient.open(served, key=key)
    query = "subscription { leaderboardTop(first: 1) { rank } }\n#"
    at = {"id": "a", "type": "subscribe", "payload": {"query": query}}
    at["payload"]["query"] += "x" * (8_192 - len(json.dumps(at)))
    assert len(json.dumps(at)) == 8_192
    await inside.send(at)
    assert (await inside.receive())["id"] == "a"  # answered: the subscription runs

    over = await WsClient.open(served, key=key)
    big = {"id": "b", "type": "subscribe", "payload": {"query": query + "x" * 9_000}}
    await over.send(big)
    with pytest.raises(ConnectionClosed) as closed:
        await over.receive()

    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 1009  # message too big
    await inside.close()


HEAVY_BY_VARIABLE = """query($n: Int! = 1000) { leaderboard { entries(first: $n) { edges {
  node { participant { scoreHistory(first: $n) { value } } } } } } }"""


@pytest.mark.parametrize(
    "variables", [{}, {"n": 1000.0}, {"n": 1000}], ids=["default", "float", "int"]
)
async def test_the_cost_counts_variables_as_they_will_run(
    deps: Deps, tenant: TenantRef, variables: dict[str, Any]
) -> None:
    """A variable's default, or an Int sent as 1000.0, is what runs: it is what is counted."""
    key = await api_key(deps, tenant.id, Scope.READ)

    response = await execute(deps, key, HEAVY_BY_VARIABLE, variables)

    assert error_code(response) == "BAD_USER_INPUT"
    assert response["errors"][0]["extensions"]["cost"] == 1_003_003


async def test_introspection_needs_a_key_and_counts_toward_the_cost(
    deps: Deps, tenant: TenantRef
) -> None:
    from graphql import get_introspection_query

    key = await api_key(deps, tenant.id, Scope.PUBLIC)
    caller = await identify(deps.keys, None)
    context = Context(deps, caller, SimpleNamespace(headers={}))
    anonymous = await build_schema(deps.settings).execute(
        "{ __schema { queryType { name } } }", context_value=context
    )
    full = await execute(deps, key, get_introspection_query())
    many = " ".join(f"a{i}: __schema {{ types {{ name }} }}" for i in range(6))
    aliased = await execute(deps, key, f"{{ {many} }}")

    assert anonymous.errors is not None
    assert anonymous.errors[0].original_error.code == "UNAUTHENTICATED"  # type: ignore[union-attr]
    assert "errors" not in full
    assert error_code(aliased) == "BAD_USER_INPUT"
    assert aliased["errors"][0]["extensions"]["cost"] == 60_000


async def test_refused_requests_spend_the_budget_and_are_audited_once_without_arguments(
    deps: Deps, tenant: TenantRef, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.tenancy.models import AuditEntry

    monkeypatch.setattr(deps.settings, "rate_writes_per_second", 0.01)
    monkeypatch.setattr(deps.settings, "rate_writes_burst", 3)
    key = await api_key(deps, tenant.id, Scope.PUBLIC)
    weights = [{"metric": "points", "weight": 1}] * 500
    aliased = " ".join(
        f'a{i}: setLeaderboardWeights(key: "points", weights: $w) {{ key }}' for i in range(5)
    )
    query = f"mutation($w: [WeightInput!]!) {{ {aliased} }}"

    answers = [error_code(await execute(deps, key, query, {"w": weights})) for _ in range(4)]

    assert answers == ["FORBIDDEN", "RATE_LIMITED", "RATE_LIMITED", "RATE_LIMITED"]
    rows = await AuditEntry.all().values("operation", "arguments", "outcome")
    assert rows == [{"operation": "setLeaderboardWeights", "arguments": {}, "outcome": "FORBIDDEN"}]


async def test_an_audit_entry_keeps_bounded_arguments(deps: Deps, tenant: TenantRef) -> None:
    from app.tenancy.models import AuditEntry

    key = await api_key(deps, tenant.id, Scope.ADMIN)
    weights = [{"metric": "points", "weight": 1, "displayPriority": i} for i in range(300)]
    query = """mutation($w: [WeightInput!]!) {
      setLeaderboardWeights(key: "points", weights: $w) { key } }"""

    await execute(deps, key, query, {"w": weights})

    row = await AuditEntry.get(operation="setLeaderboardWeights")
    assert len(json.dumps(row.arguments)) < 10_000
    assert row.arguments["weights"][-1] == "… 280 more"


async def test_a_publishable_key_has_a_bucket_per_client_address(
    deps: Deps, tenant: TenantRef, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(deps.settings, "rate_reads_per_second", 0.01)
    monkeypatch.setattr(deps.settings, "rate_reads_burst", 2)
    key = await api_key(deps, tenant.id, Scope.PUBLIC)
    query = "{ viewer { scopes } }"

    async def read(client: str) -> str:
        caller = await identify(deps.keys, f"Bearer {key}", client)
        context = Context(deps, caller, SimpleNamespace(headers={}))
        result = await build_schema(deps.settings).execute(query, context_value=context)
        return "ok" if not result.errors else result.errors[0].original_error.code  # type: ignore[union-attr]

    flooder = [await read("10.0.0.1") for _ in range(3)]
    visitor = [await read("10.0.0.2") for _ in range(2)]

    assert flooder == ["ok", "ok", "RATE_LIMITED"]
    assert visitor == ["ok", "ok"]  # one visitor's flood costs the others nothing


async def test_callers_without_a_valid_key_are_limited_by_address(
    deps: Deps, tenant: TenantRef, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(deps.settings, "rate_reads_per_second", 0.01)
    monkeypatch.setattr(deps.settings, "rate_reads_burst", 2)

    async def read(authorization: str | None) -> str:
        caller = await identify(deps.keys, authorization, "10.0.0.9")
        context = Context(deps, caller, SimpleNamespace(headers={}))
        result = await build_schema(deps.settings).execute("{ leaderboards { key } }",
                                                           context_value=context)  # fmt: skip
        return result.errors[0].original_error.code  # type: ignore[index, union-attr]

    codes = [await read(a) for a in (None, "Bearer rks_" + "x" * 43, None)]

    assert codes == ["UNAUTHENTICATED", "UNAUTHENTICATED", "RATE_LIMITED"]


async def test_a_second_connection_init_is_counted_once(
    served: str, deps: Deps, tenant: TenantRef
) -> None:
    """The legacy graphql-ws protocol accepts connection_init again on one socket: each
    releases the count of the one before, so the key holds one connection, not several."""
    from websockets.asyncio.client import connect

    key = await api_key(deps, tenant.id, Scope.READ)
    init = json.dumps({"type": "connection_init", "payload": {"Authorization": f"Bearer {key}"}})
    async with connect(served, subprotocols=["graphql-ws"]) as socket:  # type: ignore[list-item]
        for _ in range(4):
            await socket.send(init)
            answers = [json.loads(await socket.recv()) for _ in range(2)]  # ack, keep-alive
            assert "connection_ack" in [a["type"] for a in answers], answers
        counted = await connections_of(deps, key)
    assert counted == 1

    async def released() -> bool:
        return await connections_of(deps, key) == 0

    await until(released, what="the connection's count to be released")


async def connections_of(deps: Deps, key: str) -> int:
    from app.ranking.keys import connections_key
    from app.tenancy.models import ApiKey

    row = await ApiKey.get(digest=deps.keys.digest(key))
    return int(
        await deps.store.redis.zcard(connections_key(deps.settings.redis_prefix, str(row.id)))
    )


async def test_processes_lease_tokens_and_together_never_exceed_the_burst(
    deps: Deps, tenant: TenantRef, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(deps.settings, "rate_reads_burst", 40)  # leases of 2
    monkeypatch.setattr(deps.settings, "rate_reads_per_second", 0.001)
    key = await api_key(deps, tenant.id, Scope.READ)
    caller = await identify(deps.keys, f"Bearer {key}")
    one, two = (RateLimiter(deps.store, deps.settings) for _ in range(2))  # two processes
    bucket = rate_key(deps.store.prefix, str(caller.bucket), Budget.READS.value)

    await one.spend(caller, Budget.READS)
    assert float(await deps.store.redis.hget(bucket, "tokens")) == pytest.approx(38, abs=0.1)
    await one.spend(caller, Budget.READS)  # its lease's second token: Redis not asked
    assert float(await deps.store.redis.hget(bucket, "tokens")) == pytest.approx(38, abs=0.1)
    admitted, refused = 2, 0
    while refused < 2:
        for limiter in (two, one):
            try:
                await limiter.spend(caller, Budget.READS)
                admitted += 1
            except RateLimited:
                refused += 1
    assert admitted == 40  # the burst exactly, between the two of them


async def test_concurrent_requests_share_one_lease_and_none_is_refused_within_the_burst(
    deps: Deps, tenant: TenantRef, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(deps.settings, "rate_reads_burst", 1000)  # leases of 50
    monkeypatch.setattr(deps.settings, "rate_reads_per_second", 0.001)
    key = await api_key(deps, tenant.id, Scope.READ)
    caller = await identify(deps.keys, f"Bearer {key}")
    limiter = RateLimiter(deps.store, deps.settings)
    bucket = rate_key(deps.store.prefix, str(caller.bucket), Budget.READS.value)

    spent = await asyncio.gather(
        *(limiter.spend(caller, Budget.READS) for _ in range(500)), return_exceptions=True
    )

    assert [s for s in spent if s is not None] == []  # half the burst: none refused
    assert float(await deps.store.redis.hget(bucket, "tokens")) == pytest.approx(500, abs=0.1)
