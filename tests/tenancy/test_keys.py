"""API keys through the admin mutations, their life on open subscriptions, and the audit
log of admin operations."""

from __future__ import annotations

from typing import Any

import pytest

from app.deps import Deps
from app.live.service import LiveService
from app.tenancy.models import ApiKey, AuditEntry, TenantStatus
from app.tenancy.scopes import Scope
from app.tenancy.service import TenantRef, set_status
from tests.conftest import GQL, error_code
from tests.factories import api_key, bearer
from tests.leaderboards.test_rankings_api import data
from tests.live.conftest import serving, until
from tests.live.wsclient import WsClient

CREATE = """mutation($name: String!, $scopes: [Scope!]!) {
  createApiKey(name: $name, scopes: $scopes) { key apiKey { id name scopes hint } } }"""
REVOKE = "mutation($id: ID!) { revokeApiKey(id: $id) { id revokedAt } }"
KEYS = "{ apiKeys { edges { node { id name scopes hint createdAt lastUsedAt revokedAt } } } }"
AUDIT = "{ auditLog(first: 20) { edges { node { keyId actor operation arguments outcome at } } } }"
VIEWER = "{ viewer { tenant keyName scopes } }"
TOP = "subscription { leaderboardTop(first: 1) { rank } }"


async def test_a_created_key_is_shown_once_and_stored_as_a_digest(
    gql: GQL, deps: Deps, tenant: TenantRef
) -> None:
    admin = bearer(await api_key(deps, tenant.id, Scope.ADMIN, name="boss"))

    created = data(await gql(CREATE, {"name": "board", "scopes": ["READ"]}, headers=admin))
    key = created["createApiKey"]["key"]
    listed = data(await gql(KEYS, headers=admin))["apiKeys"]["edges"]
    row = await ApiKey.get(id=int(created["createApiKey"]["apiKey"]["id"]))

    assert key.startswith("rks_")
    assert len(key) > 40
    assert created["createApiKey"]["apiKey"]["hint"] in key
    assert key not in str(listed)  # listed with its hint, never itself
    assert key not in str(await ApiKey.all().values())
    assert row.digest == deps.keys.digest(key)
    assert row.digest != key
    assert data(await gql(VIEWER, headers=bearer(key)))["viewer"] == {
        "tenant": tenant.slug,
        "keyName": "board",
        "scopes": ["READ"],
    }


async def test_a_publishable_key_can_be_made_and_has_its_own_prefix(
    gql: GQL, deps: Deps, tenant: TenantRef
) -> None:
    admin = bearer(await api_key(deps, tenant.id, Scope.ADMIN))

    created = data(await gql(CREATE, {"name": "web", "scopes": ["PUBLIC"]}, headers=admin))

    assert created["createApiKey"]["key"].startswith("rkp_")


async def test_a_key_records_when_it_was_last_used(gql: GQL, deps: Deps, tenant: TenantRef) -> None:
    key = await api_key(deps, tenant.id, Scope.READ)
    row = await ApiKey.get(digest=deps.keys.digest(key))
    assert row.last_used_at is None

    deps.keys.forget()
    data(await gql(VIEWER, headers=bearer(key)))

    await row.refresh_from_db()
    assert row.last_used_at is not None


async def test_keys_of_another_tenant_cannot_be_revoked(
    gql: GQL, deps: Deps, tenant: TenantRef
) -> None:
    from app.tenancy.service import create_tenant

    other = await create_tenant("other")
    theirs = await api_key(deps, other.id, Scope.ADMIN)
    row = await ApiKey.get(digest=deps.keys.digest(theirs))
    admin = bearer(await api_key(deps, tenant.id, Scope.ADMIN))

    response = await gql(REVOKE, {"id": str(row.id)}, headers=admin)

    assert error_code(response) == "NOT_FOUND"
    await row.refresh_from_db()
    assert row.revoked_at is None


@pytest.fixture
async def served(deps: Deps, live: LiveService, tenant: TenantRef) -> Any:
    async with serving(deps, live, tenant) as url:
        await until(lambda: live.hub.connected, what="the pub/sub connection")
        yield url


async def test_revoking_a_key_ends_its_open_subscriptions_with_unauthenticated(
    gql: GQL, deps: Deps, tenant: TenantRef, served: str
) -> None:
    admin = bearer(await api_key(deps, tenant.id, Scope.ADMIN))
    reader = await api_key(deps, tenant.id, Scope.READ)
    other = await api_key(deps, tenant.id, Scope.READ)
    row = await ApiKey.get(digest=deps.keys.digest(reader))
    doomed = await WsClient.open(served, key=reader)
    kept = await WsClient.open(served, key=other)
    for client in (doomed, kept):
        await client.subscribe("t", TOP)
        await client.next_data("t")

    data(await gql(REVOKE, {"id": str(row.id)}, headers=admin))
    message = await doomed.receive(seconds=5)  # within twice key_cache_seconds

    assert message["type"] == "next", message
    assert message["payload"]["data"] is None
    assert [e["extensions"]["code"] for e in message["payload"]["errors"]] == ["UNAUTHENTICATED"]
    assert (await doomed.receive())["type"] == "complete"
    await kept.subscribe("u", TOP)  # the other key's connection goes on
    assert (await kept.next_data("u"))["data"]["leaderboardTop"] == []
    await kept.close()
    await doomed.close()


async def test_suspending_a_tenant_ends_its_subscriptions_with_forbidden(
    deps: Deps, tenant: TenantRef, served: str
) -> None:
    reader = await api_key(deps, tenant.id, Scope.READ)
    client = await WsClient.open(served, key=reader)
    await client.subscribe("t", TOP)
    await client.next_data("t")

    await set_status(tenant.slug, TenantStatus.SUSPENDED)
    message = await client.receive(seconds=5)

    assert message["type"] == "next", message
    assert [e["extensions"]["code"] for e in message["payload"]["errors"]] == ["FORBIDDEN"]
    assert (await client.receive())["type"] == "complete"
    await client.close()
    await set_status(tenant.slug, TenantStatus.ACTIVE)


# The audit log


async def test_admin_operations_are_audited_with_key_arguments_and_outcome(
    gql: GQL, deps: Deps, tenant: TenantRef
) -> None:
    key = await api_key(deps, tenant.id, Scope.ADMIN, name="boss")
    admin = bearer(key)
    row = await ApiKey.get(digest=deps.keys.digest(key))
    ingest = bearer(await api_key(deps, tenant.id, Scope.INGEST, name="feeder"))

    made = data(await gql(CREATE, {"name": "board", "scopes": ["READ"]}, headers=admin))
    await gql('mutation { deleteMetric(key: "nope") }', headers=admin)  # NOT_FOUND
    await gql('mutation { deleteMetric(key: "points") }', headers=ingest)  # refused scope
    await gql(VIEWER, headers=admin)  # a read: not audited
    entries = [e["node"] for e in data(await gql(AUDIT, headers=admin))["auditLog"]["edges"]]

    assert [(e["operation"], e["outcome"], e["actor"]) for e in entries] == [
        ("deleteMetric", "FORBIDDEN", "feeder"),
        ("deleteMetric", "NOT_FOUND", "boss"),
        ("createApiKey", "ok", "boss"),
    ]
    assert entries[2]["keyId"] == str(row.id)
    assert entries[2]["arguments"] == {"name": "board", "scopes": ["READ"]}
    assert made["createApiKey"]["key"] not in str(await AuditEntry.all().values())


async def test_only_admins_read_the_audit_log(gql: GQL, deps: Deps, tenant: TenantRef) -> None:
    reader = bearer(await api_key(deps, tenant.id, Scope.READ))

    assert error_code(await gql(AUDIT, headers=reader)) == "FORBIDDEN"


async def test_answers_about_keys_are_never_served_from_the_cache(
    gql: GQL, deps: Deps, tenant: TenantRef
) -> None:
    """``viewer`` is of the key, not of what it sees; keys and the audit log change without
    changing the tenant's data: none of them is cached."""
    alice = bearer(await api_key(deps, tenant.id, Scope.READ, name="alice"))
    bob = bearer(await api_key(deps, tenant.id, Scope.READ, Scope.INGEST, name="bob"))
    admin = bearer(await api_key(deps, tenant.id, Scope.ADMIN, name="boss"))
    keys_query = "{ apiKeys { edges { node { name revokedAt } } } }"

    first = data(await gql(VIEWER, headers=alice))["viewer"]["keyName"]
    second = data(await gql(VIEWER, headers=bob))["viewer"]["keyName"]
    before = data(await gql(keys_query, headers=admin))["apiKeys"]["edges"]
    log_before = data(await gql(AUDIT, headers=admin))["auditLog"]["edges"]
    data(await gql(CREATE, {"name": "new", "scopes": ["READ"]}, headers=admin))
    after = data(await gql(keys_query, headers=admin))["apiKeys"]["edges"]
    log_after = data(await gql(AUDIT, headers=admin))["auditLog"]["edges"]

    assert (first, second) == ("alice", "bob")
    assert len(after) == len(before) + 1
    assert len(log_after) == len(log_before) + 1
