"""The admin token: who may change definitions and see PRIVATE leaderboards."""

from __future__ import annotations

from collections.abc import AsyncIterator
from types import SimpleNamespace

import pytest
from pydantic import SecretStr

from app.context import Context
from app.deps import Deps
from app.graphql.schema import build_schema
from app.leaderboards.models import Visibility
from app.tenancy.access import caller, can_see
from app.tenancy.service import TenantRef
from tests.conftest import GQL, error_code
from tests.leaderboards.test_rankings_api import data

TOKEN = "s3cret-admin-token"
ADMIN = {"authorization": f"Bearer {TOKEN}"}
DEFINE = """mutation($key: String!, $v: Visibility!) {
  defineLeaderboard(key: $key, input: {name: "B", visibility: $v, metrics: [{metric: "points"}]})
  { key visibility } }"""
BOARD = "query($key: String!) { leaderboard(key: $key) { key size } }"
LIST = "{ leaderboards { key } }"


@pytest.fixture
def protected(deps: Deps, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(deps.settings, "admin_token", SecretStr(TOKEN))


@pytest.mark.parametrize(
    ("token", "header", "admin", "presented"),
    [
        (None, None, True, False),  # no token configured: everyone is an admin
        (TOKEN, None, False, False),
        (TOKEN, f"Bearer {TOKEN}", True, True),
        (TOKEN, f"bearer   {TOKEN} ", True, True),
        (TOKEN, "Bearer wrong", False, True),
        (TOKEN, f"Basic {TOKEN}", False, False),
        (TOKEN, "Bearer ", False, False),
    ],
)
def test_who_is_an_admin(
    token: str | None, header: str | None, admin: bool, presented: bool
) -> None:
    who = caller(SecretStr(token) if token else None, header)
    assert (who.admin, who.presented) == (admin, presented)
    assert can_see(who, Visibility.PRIVATE) is admin
    assert can_see(who, Visibility.TENANT)
    assert can_see(who, Visibility.PUBLIC)


@pytest.mark.usefixtures("protected")
async def test_definitions_need_the_admin_token(gql: GQL) -> None:
    variables = {"key": "b", "v": "TENANT"}
    assert error_code(await gql(DEFINE, variables)) == "UNAUTHENTICATED"
    wrong = {"authorization": "Bearer nope"}
    assert error_code(await gql(DEFINE, variables, headers=wrong)) == "FORBIDDEN"
    assert data(await gql(LIST, headers=ADMIN))["leaderboards"] == [{"key": "points"}]
    created = data(await gql(DEFINE, variables, headers=ADMIN))["defineLeaderboard"]
    assert created == {"key": "b", "visibility": "TENANT"}
    assert data(await gql(BOARD, {"key": "b"}))["leaderboard"] == {"key": "b", "size": 0}


@pytest.mark.usefixtures("protected")
async def test_private_boards_are_for_admins_only(gql: GQL, deps: Deps, tenant: TenantRef) -> None:
    data(await gql(DEFINE, {"key": "secret", "v": "PRIVATE"}, headers=ADMIN))
    data(await gql(DEFINE, {"key": "open", "v": "PUBLIC"}, headers=ADMIN))
    # The admin reads it first: a cached answer must not reach anybody else.
    assert data(await gql(BOARD, {"key": "secret"}, headers=ADMIN))["leaderboard"]["key"] == (
        "secret"
    )
    response = await gql(BOARD, {"key": "secret"})
    assert error_code(response) == "NOT_FOUND"
    assert "secret" in response["errors"][0]["message"]  # the same answer as an unknown key
    assert data(await gql(LIST))["leaderboards"] == [{"key": "open"}, {"key": "points"}]
    assert data(await gql(LIST, headers=ADMIN))["leaderboards"] == [
        {"key": "open"}, {"key": "points"}, {"key": "secret"}
    ]  # fmt: skip
    subscription = 'subscription { leaderboardTop(leaderboard: "secret") { rank } }'
    context = Context(deps, tenant, SimpleNamespace(headers={}))
    stream = await build_schema(deps.settings).subscribe(subscription, context_value=context)
    first = await stream.__anext__() if isinstance(stream, AsyncIterator) else stream
    assert first.errors is not None
    assert [e.extensions["code"] for e in first.errors] == ["NOT_FOUND"]  # type: ignore[index]


async def test_without_a_token_everyone_is_an_admin(gql: GQL) -> None:
    data(await gql(DEFINE, {"key": "secret", "v": "PRIVATE"}))
    assert data(await gql(BOARD, {"key": "secret"}))["leaderboard"]["key"] == "secret"
