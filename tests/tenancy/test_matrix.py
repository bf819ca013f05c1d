"""Every operation of the schema x every way of not being allowed to run it.

The operations are enumerated from the schema itself, so a new one without an access rule
fails ``test_every_operation_has_a_rule`` and then meets the matrix. Each is run with
generated arguments (the ids and keys of tenant A's objects where it takes them) as:

- no key, an unknown key, a revoked key: UNAUTHENTICATED;
- a key of a suspended tenant: FORBIDDEN;
- a key of A with less than the operation's scope: FORBIDDEN;
- an admin key of tenant B: the answer it would get for objects that do not exist.

In every case nothing changes: the database's rows and Redis's keys are compared before
and after (but for the caller's own audit entries, its key's last use and its rate bucket,
which are the bookkeeping of the request itself; and, for tenant B, only A's share).
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import pytest
from graphql import (
    GraphQLArgument,
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    OperationType,
    get_named_type,
    parse,
    validate,
)
from graphql.pyutils import Undefined
from redis.asyncio import Redis
from tortoise import Tortoise

from app.context import Context
from app.deps import Deps
from app.graphql.permissions import RULES
from app.graphql.schema import build_schema
from app.tenancy.access import identify
from app.tenancy.keys import revoke_key
from app.tenancy.models import ApiKey, TenantStatus
from app.tenancy.scopes import Scope
from app.tenancy.service import TenantRef, create_tenant, set_status
from tests.conftest import GQL, TABLES
from tests.factories import api_key, participant
from tests.leaderboards.test_rankings_api import data

KINDS = ("query", "mutation", "subscription")
SECRET = "Alice-of-A"  # a name only tenant A's participant has: never in B's answers
# The argument values that name tenant A's objects, and the same for objects that do not
# exist (what B's answers are compared with).
BOARD, MISSING_BOARD = "a-only", "no-such-board"
SEASON, MISSING_SEASON = "S1-2025", "no-such-season"
GROUP, MISSING_GROUP = "a-class", "no-such-group"
MISSING_ID = "987654"
LOWER = {Scope.ADMIN: Scope.INGEST, Scope.INGEST: Scope.READ, Scope.READ: Scope.PUBLIC}
DUMMY_SCALARS: dict[str, Any] = {
    "String": "x",
    "ID": "1",
    "Int": 1,
    "Float": 1.0,
    "Boolean": True,
    "DateTime": "2026-01-01T00:00:00+00:00",
    "JSON": {},
}


def graphql_schema(deps: Deps) -> GraphQLSchema:
    return build_schema(deps.settings)._schema


def root_fields(schema: GraphQLSchema, kind: str) -> dict[str, Any]:
    root = schema.get_root_type(OperationType(kind))
    return dict(root.fields) if root else {}


def test_every_operation_has_a_rule(deps: Deps) -> None:
    schema = graphql_schema(deps)
    for kind in KINDS:
        assert sorted(root_fields(schema, kind)) == sorted(RULES[kind]), kind


@dataclass(frozen=True)
class World:
    """Tenant A's objects and the callers of the matrix."""

    a: TenantRef
    participant_id: str
    run_id: str
    key_id: str
    keys: dict[str, str]  # caller name -> authorization header value ("" for none)


@pytest.fixture
async def world(gql: GQL, deps: Deps, tenant: TenantRef) -> World:
    pid = await participant(deps, tenant.id, SECRET, points=3)
    data(
        await gql(
            'mutation { defineLeaderboard(key: "a-only", input: {name: "A only",'
            ' metrics: [{metric: "points"}]}) { key } }'
        )
    )
    data(await gql('mutation { defineMetric(input: {key: "a-metric", name: "M"}) { key } }'))
    run = data(await gql('mutation { triggerRun(leaderboard: "a-only") { id } }'))
    data(
        await gql(
            'mutation { createSeason(input: {key: "S1-2025", name: "S1",'
            ' startsAt: "2025-01-01T00:00:00Z", endsAt: "2025-04-01T00:00:00Z",'
            ' weights: [{metric: "a-metric", weight: 2}]}) { key } }'
        )
    )
    data(
        await gql(
            'mutation { setSeasonRewards(season: "S1-2025", rewards: [{level: 1, key: "r",'
            ' name: "R"}]) { key } }'
        )
    )
    data(
        await gql(
            'mutation { defineGroups(groups: [{key: "a-class", kind: "CLASS", name: "A"}])'
            " { key } }"
        )
    )
    data(
        await gql(
            "mutation($p: ID!) { setMemberships(memberships: [{participantId: $p, kind:"
            ' "CLASS", groups: ["a-class"]}]) { added } }',
            {"p": str(pid)},
        )
    )
    keys = {scope.value: await api_key(deps, tenant.id, scope) for scope in Scope}
    revoked = await api_key(deps, tenant.id, Scope.ADMIN)
    revoked_row = await ApiKey.get(digest=deps.keys.digest(revoked))
    await revoke_key(deps.keys, tenant.id, revoked_row.id)
    target = await ApiKey.get(digest=deps.keys.digest(keys[Scope.INGEST.value]))
    other = await create_tenant("other-school")
    suspended = await create_tenant("suspended-school")
    keys["suspended"] = await api_key(deps, suspended.id, Scope.ADMIN)
    await set_status("suspended-school", TenantStatus.SUSPENDED)
    deps.keys.forget()
    keys["other"] = await api_key(deps, other.id, Scope.ADMIN)
    keys["revoked"] = revoked
    keys["unknown"] = "rks_" + "A" * 43
    return World(tenant, str(pid), str(run["triggerRun"]["id"]), str(target.id), keys)


# Operations with generated arguments


def operation(
    schema: GraphQLSchema, kind: str, name: str, world: World, missing: bool = False
) -> tuple[str, dict[str, Any]]:
    """A document running root field ``name`` once, and its variables."""
    field = root_fields(schema, kind)[name]
    declared: list[str] = []
    passed: list[str] = []
    variables: dict[str, Any] = {}
    for arg_name, arg in field.args.items():
        value = argument(name, arg_name, arg, world, missing)
        if value is _OMIT:
            continue
        declared.append(f"${arg_name}: {arg.type}")
        passed.append(f"{arg_name}: ${arg_name}")
        variables[arg_name] = value
    head = f"{kind} M({', '.join(declared)})" if declared else kind
    call = f"{name}({', '.join(passed)})" if passed else name
    return f"{head} {{ {call}{selection(field.type)} }}", variables


_OMIT = object()


def argument(field: str, name: str, arg: GraphQLArgument, world: World, missing: bool) -> Any:
    if name in ("leaderboard",) or (field == "leaderboard" and name == "key"):
        return MISSING_BOARD if missing else BOARD
    if name == "season":
        return MISSING_SEASON if missing else SEASON
    if (field, name) == ("group", "key"):
        return MISSING_GROUP if missing else GROUP
    if field == "searchParticipants" and name == "query":
        return "no-such-name" if missing else SECRET
    if field == "run" and name == "id":
        return MISSING_ID if missing else world.run_id
    if field == "revokeApiKey" and name == "id":
        return MISSING_ID if missing else world.key_id
    if name in ("id", "participantId"):
        return MISSING_ID if missing else world.participant_id
    if name == "participantIds":
        return [MISSING_ID if missing else world.participant_id]
    if not isinstance(arg.type, GraphQLNonNull) or arg.default_value is not Undefined:
        return _OMIT
    return dummy(arg.type)


def dummy(kind: Any) -> Any:
    if isinstance(kind, GraphQLNonNull):
        return dummy(kind.of_type)
    if isinstance(kind, GraphQLList):
        return [dummy(kind.of_type)]
    if isinstance(kind, GraphQLEnumType):
        return next(iter(kind.values))
    if isinstance(kind, GraphQLScalarType):
        return DUMMY_SCALARS[kind.name]
    assert isinstance(kind, GraphQLInputObjectType), kind
    return {
        name: dummy(f.type)
        for name, f in kind.fields.items()
        if isinstance(f.type, GraphQLNonNull) and f.default_value is Undefined
    }


def selection(kind: Any) -> str:
    return " { __typename }" if not isinstance(get_named_type(kind), GraphQLScalarType) else ""


# Running them, and what they leave behind


async def run(
    deps: Deps, kind: str, document: str, variables: dict[str, Any], authorization: str
) -> dict[str, Any]:
    caller = await identify(deps.keys, f"Bearer {authorization}" if authorization else None)
    context = Context(deps, caller, SimpleNamespace(headers={}))
    schema = build_schema(deps.settings)
    if kind != "subscription":
        result = await schema.execute(document, variable_values=variables, context_value=context)
    else:
        stream = await schema.subscribe(document, variable_values=variables, context_value=context)
        if isinstance(stream, AsyncIterator):
            async with asyncio.timeout(5):  # a refused subscription answers at once
                result = await stream.__anext__()
            await stream.aclose()  # type: ignore[attr-defined]
        else:
            result = stream
    response: dict[str, Any] = {"data": result.data}
    if result.errors:
        response["errors"] = [e.formatted for e in result.errors]
    return response


def codes(response: dict[str, Any]) -> list[str]:
    return [e.get("extensions", {}).get("code", "?") for e in response.get("errors") or []]


UNTENANTED = {"job_runs"}  # the worker's log of its jobs (a tick spans every tenant)
BOOKKEEPING = (":rate:", ":connections:", ":processes")


async def state(redis: Redis, prefix: str, tenant_id: int | None = None) -> dict[str, Any]:
    """Every row and Redis key (of ``tenant_id`` only, when given), but bookkeeping."""
    conn = Tortoise.get_connection("default")
    rows: dict[str, Any] = {}
    for table in (t.strip() for t in TABLES.split(",")):
        if table == "audit_log":
            continue
        where = ""
        if tenant_id is not None and table not in UNTENANTED:
            where = f" WHERE {'id' if table == 'tenants' else 'tenant_id'} = {tenant_id}"
        found = await conn.execute_query_dict(f"SELECT * FROM {table}{where} ORDER BY 1")
        if table == "api_keys":
            found = [{k: v for k, v in r.items() if k != "last_used_at"} for r in found]
        rows[table] = found
    keys: dict[str, Any] = {}
    async for raw in redis.scan_iter(match=f"{prefix}:*", count=1000):
        name = raw.decode() if isinstance(raw, bytes) else raw
        if any(b in name for b in BOOKKEEPING):
            continue
        if tenant_id is not None and f"{{{tenant_id}:" not in name and f":{tenant_id}:" not in name:
            continue
        keys[name] = await redis_value(redis, name)
    return {"rows": rows, "redis": keys}


async def redis_value(redis: Redis, name: str) -> Any:
    kind = await redis.type(name)
    kind = kind.decode() if isinstance(kind, bytes) else kind
    if kind == "zset":
        return await redis.zrange(name, 0, -1, withscores=True)
    if kind == "hash":
        return await redis.hgetall(name)
    if kind == "set":
        return sorted(await redis.smembers(name))
    if kind == "list":
        return await redis.lrange(name, 0, -1)
    if kind == "string":
        return await redis.get(name)
    return kind


def every_operation(schema: GraphQLSchema) -> list[tuple[str, str]]:
    return [(kind, name) for kind in KINDS for name in sorted(root_fields(schema, kind))]


@pytest.mark.parametrize(
    ("caller", "code"),
    [
        ("", "UNAUTHENTICATED"),
        ("unknown", "UNAUTHENTICATED"),
        ("revoked", "UNAUTHENTICATED"),
        ("suspended", "FORBIDDEN"),
    ],
    ids=["no key", "unknown key", "revoked key", "suspended tenant"],
)
async def test_without_a_valid_key_no_operation_runs(
    deps: Deps, redis: Redis, world: World, caller: str, code: str
) -> None:
    schema = graphql_schema(deps)
    authorization = world.keys.get(caller, "")
    failures = []
    for kind, name in every_operation(schema):
        document, variables = operation(schema, kind, name, world)
        before = await state(redis, deps.settings.redis_prefix)
        response = await run(deps, kind, document, variables, authorization)
        if codes(response) != [code] or response["data"] is not None:
            failures.append((name, response))
        if await state(redis, deps.settings.redis_prefix) != before:
            failures.append((name, "changed something"))
    assert failures == []


async def test_a_key_below_the_operations_scope_runs_nothing(
    deps: Deps, redis: Redis, world: World
) -> None:
    schema = graphql_schema(deps)
    failures = []
    tried = 0
    for kind, name in every_operation(schema):
        lower = LOWER.get(RULES[kind][name])
        if lower is None:
            continue  # open to every valid key
        document, variables = operation(schema, kind, name, world)
        before = await state(redis, deps.settings.redis_prefix)
        response = await run(deps, kind, document, variables, world.keys[lower.value])
        tried += 1
        if codes(response) != ["FORBIDDEN"] or response["data"] is not None:
            failures.append((name, lower, response))
        if await state(redis, deps.settings.redis_prefix) != before:
            failures.append((name, "changed something"))
    assert failures == []
    assert tried >= 20


async def test_another_tenants_admin_meets_tenant_a_as_if_nothing_existed(
    deps: Deps, redis: Redis, world: World
) -> None:
    """B's admin, given A's ids and keys, gets exactly the answer it gets for ids and keys
    that do not exist; A's rows and keys stay as they were."""
    schema = graphql_schema(deps)
    prefix = deps.settings.redis_prefix
    failures = []
    for kind, name in every_operation(schema):
        document, variables = operation(schema, kind, name, world)
        before = await state(redis, prefix, world.a.id)
        response = await run(deps, kind, document, variables, world.keys["other"])
        if await state(redis, prefix, world.a.id) != before:
            failures.append((name, "changed tenant A"))
        if SECRET in json.dumps(response):
            failures.append((name, "leaked A's participant", response))
        if variables == operation(schema, kind, name, world, missing=True)[1]:
            continue  # it names nothing of A's
        if "INTERNAL" in codes(response):
            failures.append((name, response))
        document, missing = operation(schema, kind, name, world, missing=True)
        expected = await run(deps, kind, document, missing, world.keys["other"])
        if normalised(response, variables, missing) != normalised(expected, missing, missing):
            failures.append((name, response, expected))
    assert failures == []


def normalised(
    response: dict[str, Any], used: dict[str, Any], missing: dict[str, Any]
) -> tuple[Any, ...]:
    """The response with the values of ``used`` in its messages written as ``missing``'s."""
    messages = []
    for error in response.get("errors") or []:
        message = error["message"]
        for name, value in used.items():
            for given, instead in zip(_flat(value), _flat(missing[name]), strict=True):
                message = re.sub(rf"\b{re.escape(str(given))}\b", str(instead), message)
        messages.append((message, error.get("extensions"), error.get("path")))
    return response["data"], messages


def _flat(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else [value]


def test_generated_operations_are_valid(deps: Deps) -> None:
    """The matrix's operations pass validation (their refusal is about access, not shape)."""
    schema = graphql_schema(deps)
    world = World(TenantRef(1, "a"), "1", "1", "1", {})
    for kind, name in every_operation(schema):
        document, _ = operation(schema, kind, name, world)
        assert validate(schema, parse(document)) == [], document
    assert isinstance(schema.query_type, GraphQLObjectType)
