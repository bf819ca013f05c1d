"""/healthz and /readyz, over HTTP from a served app."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from app import main
from app.deps import Deps
from app.live.service import LiveService
from app.tenancy.service import TenantRef
from tests.live.conftest import served_http, until

CHECKS = {"database", "migrations", "redis", "pubsub", "rankings"}


@pytest.fixture
async def client(
    deps: Deps, live: LiveService, tenant: TenantRef
) -> AsyncIterator[httpx.AsyncClient]:
    async with served_http(deps, live, tenant) as client:
        yield client


async def test_healthz_says_the_process_is_up(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz")

    assert (response.status_code, response.json()) == (200, {"status": "ok"})


async def test_readyz_is_200_once_every_dependency_answers(client: httpx.AsyncClient) -> None:
    async def ready() -> bool:
        return (await client.get("/readyz")).status_code == 200

    await until(ready, what="the process to be ready (its points ranking built)")
    body = (await client.get("/readyz")).json()

    assert body["status"] == "ready"
    assert set(body["checks"]) == CHECKS
    assert all(c["ok"] for c in body["checks"].values())
    assert body["checks"]["migrations"]["detail"] == main.LATEST_MIGRATION


async def test_readyz_is_503_and_says_why_when_migrations_are_behind(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(main, "LATEST_MIGRATION", "99_20991231000000_future.py")

    response = await client.get("/readyz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "not ready"
    assert body["checks"]["migrations"]["ok"] is False
    assert "run `ranked migrate`" in body["checks"]["migrations"]["detail"]
    assert body["checks"]["database"]["ok"] is True
