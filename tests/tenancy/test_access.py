"""API keys and scopes: who may read and change what, in which tenant."""

from __future__ import annotations

from collections.abc import AsyncIterator
from types import SimpleNamespace

import pytest

from app.context import Context
from app.deps import Deps
from app.graphql.schema import build_schema
from app.tenancy.access import identify
from app.tenancy.keys import revoke_key
from app.tenancy.models import ApiKey, TenantStatus
from app.tenancy.scopes import Scope
from app.tenancy.service import TenantRef, create_tenant, set_status
from tests.conftest import GQL, error_code
from tests.factories import api_key, bearer, participant
from tests.leaderboards.test_rankings_api import data

DEFINE = """mutation($key: String!, $v: Visibility!) {
  defineLeaderboard(key: $key, input: {name: "B", visibility: $v, metrics: [{metric: "points"}]})
  { key visibility } }"""
BOARD = "query($key: String!) { leaderboard(key: $key) { key size } }"
LIST = "{ leaderboards { key } }"


@pytest.fixture
async def boards(gql: GQL) -> None:
    """A PUBLIC, a TENANT and a PRIVATE board besides the points board (TENANT)."""
    for key, visibility in (("open", "PUBLIC"), ("inside", "TENANT"), ("secret", "PRIVATE")):
        data(await gql(DEFINE, {"key": key, "v": visibility}))


@pytest.mark.usefixtures("boards")
@pytest.mark.parametrize(
    ("scopes", "seen"),
    [
        ((Scope.PUBLIC,), ["open"]),
        ((Scope.READ,), ["inside", "open", "points"]),
        ((Scope.ADMIN,), ["inside", "open", "points", "secret"]),
    ],
)
async def test_each_scope_sees_its_boards_and_no_others(
    gql: GQL, deps: Deps, tenant: TenantRef, scopes: tuple[Scope, ...], seen: list[str]
) -> None:
    key = bearer(await api_key(deps, tenant.id, *scopes))

    listed = data(await gql(LIST, headers=key))["leaderboards"]
    read = {b: await gql(BOARD, {"key": b}, headers=key) for b in ("open", "inside", "secret")}

    assert sorted(b["key"] for b in listed) == seen
    for board, response in read.items():
        if board in seen:
            assert data(response)["leaderboard"]["key"] == board
        else:  # the same answer as for a board that does not exist
            assert error_code(response) == "NOT_FOUND"
            assert board in response["errors"][0]["message"]


async def test_without_a_valid_key_nothing_is_answered(
    gql: GQL, deps: Deps, tenant: TenantRef
) -> None:
    revoked = await api_key(deps, tenant.id, Scope.ADMIN)
    row = await ApiKey.get(digest=deps.keys.digest(revoked))
    await revoke_key(deps.keys, tenant.id, row.id)

    answers = {
        "none": await gql(LIST, headers={}),
        "not bearer": await gql(LIST, headers={"authorization": f"Basic {revoked}"}),
        "unknown": await gql(LIST, headers=bearer("rks_" + "x" * 43)),
        "revoked": await gql(LIST, headers=bearer(revoked)),
    }

    assert {k: error_code(v) for k, v in answers.items()} == dict.fromkeys(
        answers, "UNAUTHENTICATED"
    )
    assert "revoked" in answers["revoked"]["errors"][0]["message"]
    assert all(v["data"] is None for v in answers.values())


async def test_a_suspended_tenants_keys_are_forbidden_until_it_is_active_again(
    gql: GQL, deps: Deps
) -> None:
    school = await create_tenant("school")
    key = bearer(await api_key(deps, school.id, Scope.READ))

    await set_status("school", TenantStatus.SUSPENDED)
    deps.keys.forget()  # here at once (elsewhere: within RANKED_KEY_CACHE_SECONDS)
    suspended = await gql(LIST, headers=key)
    await set_status("school", TenantStatus.ACTIVE)
    deps.keys.forget()

    assert error_code(suspended) == "FORBIDDEN"
    assert "suspended" in suspended["errors"][0]["message"]
    assert data(await gql(LIST, headers=key))["leaderboards"] == [{"key": "points"}]


async def test_a_key_works_in_its_own_tenant_only(gql: GQL, deps: Deps, tenant: TenantRef) -> None:
    ada = await participant(deps, tenant.id, "Ada", points=5)
    other = await create_tenant("other")
    theirs = bearer(await api_key(deps, other.id, Scope.ADMIN))
    query = "query($id: ID!) { participant(id: $id) { name } }"
    delete = "mutation($id: ID!) { deleteParticipant(id: $id) }"

    read = await gql(query, {"id": str(ada)}, headers=theirs)
    deleted = await gql(delete, {"id": str(ada)}, headers=theirs)
    missing = await gql(query, {"id": "999999"}, headers=theirs)

    assert read["data"]["participant"] is None  # exactly as for an id that does not exist
    assert missing["data"]["participant"] is None
    assert error_code(deleted) == error_code(await gql(delete, {"id": "999999"}, headers=theirs))
    assert error_code(deleted) == "NOT_FOUND"
    assert data(await gql(query, {"id": str(ada)}))["participant"] == {"name": "Ada"}


@pytest.mark.parametrize(
    ("scopes", "allowed"),
    [
        ((Scope.PUBLIC,), set()),
        ((Scope.READ,), {"read"}),
        ((Scope.INGEST,), {"score"}),
        ((Scope.READ, Scope.INGEST), {"read", "score"}),
        ((Scope.ADMIN,), {"read", "score", "define"}),
    ],
)
async def test_scopes_allow_reading_scoring_and_defining(
    gql: GQL, deps: Deps, tenant: TenantRef, scopes: tuple[Scope, ...], allowed: set[str]
) -> None:
    ada = await participant(deps, tenant.id, "Ada", points=1)
    key = bearer(await api_key(deps, tenant.id, *scopes))
    operations = {
        "read": ("{ participants { totalCount } }", {}),
        "score": ("mutation($id: ID!) { adjustPoints(participantId: $id, delta: 1) { score } }",
                  {"id": str(ada)}),
        "define": (DEFINE, {"key": "new", "v": "TENANT"}),
    }  # fmt: skip

    answers = {n: await gql(q, v, headers=key) for n, (q, v) in operations.items()}

    assert {n for n, a in answers.items() if "errors" not in a} == allowed
    assert {error_code(a) for n, a in answers.items() if n not in allowed} <= {"FORBIDDEN"}


async def test_a_publishable_key_reads_public_boards_with_display_fields_only(
    gql: GQL, deps: Deps, tenant: TenantRef
) -> None:
    data(await gql(DEFINE, {"key": "open", "v": "PUBLIC"}))
    await participant(deps, tenant.id, "Ada", points=3)
    key = bearer(await api_key(deps, tenant.id, Scope.PUBLIC))
    shown = '{ leaderboard(key: "open") { entries { edges { node { participant { id name avatarUrl } } } } } }'
    private = '{ leaderboard(key: "open") { entries { edges { node { participant { age } } } } } }'

    assert "errors" not in await gql(shown, headers=key)
    refused = await gql(private, headers=key)
    assert error_code(refused) == "FORBIDDEN"
    assert "Participant.age" in refused["errors"][0]["message"]
    assert error_code(await gql("{ participants { totalCount } }", headers=key)) == "FORBIDDEN"


async def test_a_cached_answer_reaches_only_callers_who_see_as_much(
    gql: GQL, deps: Deps, tenant: TenantRef
) -> None:
    data(await gql(DEFINE, {"key": "secret", "v": "PRIVATE"}))
    admin = bearer(await api_key(deps, tenant.id, Scope.ADMIN))
    reader = bearer(await api_key(deps, tenant.id, Scope.READ))

    first = data(await gql(LIST, headers=admin))["leaderboards"]  # now cached for admins
    second = data(await gql(LIST, headers=reader))["leaderboards"]

    assert {"key": "secret"} in first
    assert {"key": "secret"} not in second


async def test_a_private_board_cannot_be_followed_without_admin(
    gql: GQL, deps: Deps, tenant: TenantRef
) -> None:
    data(await gql(DEFINE, {"key": "secret", "v": "PRIVATE"}))
    reader = await identify(deps.keys, f"Bearer {await api_key(deps, tenant.id, Scope.READ)}")
    subscription = 'subscription { leaderboardTop(leaderboard: "secret") { rank } }'
    context = Context(deps, reader, SimpleNamespace(headers={}))

    stream = await build_schema(deps.settings).subscribe(subscription, context_value=context)
    first = await stream.__anext__() if isinstance(stream, AsyncIterator) else stream

    assert first.errors is not None
    assert [e.extensions["code"] for e in first.errors] == ["NOT_FOUND"]  # type: ignore[index]
