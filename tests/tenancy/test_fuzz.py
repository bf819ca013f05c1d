"""Fuzzing every operation over HTTP with documents generated from the schema
(hypothesis-graphql): valid ones, with arbitrary arguments, and ones that break the schema
in one place. Whatever comes, the server answers 200 or a 4xx with coded errors, never a
5xx and never an unmasked internal error; a request it refuses before running changes
nothing (the database's rows and Redis's keys, as the matrix compares them).

``RANKED_FUZZ_EXAMPLES`` sets the examples per operation and mode (CI: the default).
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import httpx
import pytest
from graphql import ObjectValueNode, StringValueNode
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import Mode, mutations, queries
from redis.asyncio import Redis

from app.deps import Deps
from app.graphql.schema import build_schema
from app.live.service import LiveService
from app.settings import Settings
from app.tenancy.scopes import Scope
from app.tenancy.service import TenantRef
from tests.factories import api_key, participant
from tests.live.conftest import serving
from tests.tenancy.test_matrix import root_fields, state

EXAMPLES = int(os.environ.get("RANKED_FUZZ_EXAMPLES", "12"))
SCALARS = {
    "DateTime": st.datetimes(
        min_value=datetime(1960, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
    ).map(lambda moment: StringValueNode(value=moment.isoformat())),
    "JSON": st.just(ObjectValueNode(fields=())),
}
SCHEMA = build_schema(Settings())._schema
RESPONSES: dict[str, int] = {}  # status code -> count, over the whole run (for the summary)


class Target:
    """The served app, a key of each scope, and what a refused request must leave alone."""

    def __init__(self, url: str, keys: dict[Scope, str], deps: Deps, redis: Redis) -> None:
        self.url = url
        self.keys = keys
        self.deps = deps
        self.redis = redis
        self.client = httpx.AsyncClient(timeout=30)

    async def check(self, document: str, scope: Scope) -> None:
        before = await state(self.redis, self.deps.settings.redis_prefix)
        response = await self.client.post(
            self.url,
            json={"query": document},
            headers={"authorization": f"Bearer {self.keys[scope]}"},
        )
        assert response.status_code < 500, (document, response.text)
        body = response.json()
        errors = body.get("errors") or []
        assert response.status_code == 200 or errors, (document, response.text)
        for error in errors:
            code = (error.get("extensions") or {}).get("code")
            assert code not in (None, "INTERNAL"), (document, error)
        if errors and body.get("data") is None and all("path" not in e for e in errors):
            after = await state(self.redis, self.deps.settings.redis_prefix)
            assert after == before, ("a refused request changed something", document)


@pytest.fixture
async def target(
    deps: Deps, live: LiveService, tenant: TenantRef, redis: Redis
) -> AsyncIterator[Target]:
    for name in ("Ada", "Bob"):
        await participant(deps, tenant.id, name, points=5)
    keys = {scope: await api_key(deps, tenant.id, scope) for scope in Scope}
    async with serving(deps, live, tenant) as ws:
        found = Target(ws.replace("ws://", "http://"), keys, deps, redis)
        yield found
        await found.client.aclose()


def documents(kind: str, name: str) -> st.SearchStrategy[str]:
    """Documents of root field ``name``: valid ones (arbitrary arguments) and, one in
    four, ones that break the schema somewhere."""
    make = queries if kind == "query" else mutations
    valid = make(SCHEMA, fields=[name], custom_scalars=SCALARS, mode=Mode.POSITIVE)
    if not root_fields(SCHEMA, kind)[name].args:  # nothing to break but its selection
        return valid  # type: ignore[return-value]
    broken = make(SCHEMA, fields=[name], custom_scalars=SCALARS, mode=Mode.NEGATIVE)
    return st.one_of(valid, valid, valid, broken)  # type: ignore[return-value]


OPERATIONS = [
    (kind, name) for kind in ("query", "mutation") for name in sorted(root_fields(SCHEMA, kind))
]


@pytest.mark.slow
@pytest.mark.parametrize(("kind", "name"), OPERATIONS)
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
async def test_no_request_hurts_the_service(
    target: Target, kind: str, name: str, data: st.DataObject
) -> None:
    document = data.draw(documents(kind, name), label="document")
    scope = data.draw(st.sampled_from(list(Scope)), label="scope")
    await target.check(document, scope)
