"""The dashboard's page and assets as a server sends them: nothing from elsewhere, a policy
that forbids loading anything from elsewhere, and every operation it runs valid against the
schema (a schema change that would break the page fails here, not in a browser)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import httpx
import pytest
from graphql import parse, validate

from app.dashboard import STATIC
from app.deps import Deps
from app.graphql.schema import build_schema
from app.live.service import LiveService
from app.tenancy.service import TenantRef
from tests.live.conftest import serving

OPERATION = re.compile(r"= `((?:query|subscription) [^`]+)`", re.S)
ELSEWHERE = re.compile(r"(?:https?:|wss?:)?//[a-z0-9.-]+\.[a-z]{2,}", re.I)


@pytest.fixture
async def base_url(deps: Deps, live: LiveService, tenant: TenantRef) -> AsyncIterator[str]:
    async with serving(deps, live, tenant) as ws:
        yield ws.replace("ws://", "http://").removesuffix("/graphql")


async def test_the_page_is_served_for_the_dashboard_and_any_board(base_url: str) -> None:
    async with httpx.AsyncClient(base_url=base_url) as client:
        pages = [await client.get(path) for path in ("/dashboard", "/dashboard/weekly-xp")]
        slash = await client.get("/dashboard/")
        assets = [
            await client.get(f"/dashboard-assets/{name}")
            for name in ("dashboard.js", "dashboard.css")
        ]

    for page in pages:
        assert page.status_code == 200
        assert page.headers["content-type"].startswith("text/html")
        assert '<script type="module" src="/dashboard-assets/dashboard.js">' in page.text
        policy = page.headers["content-security-policy"]
        assert "default-src 'self'" in policy
        assert "connect-src 'self' ws://127.0.0.1:" in policy
        assert "frame-ancestors 'none'" in policy
    assert slash.status_code == 308
    assert slash.headers["location"] == "/dashboard"
    assert [a.status_code for a in assets] == [200, 200]
    assert (
        assets[0].headers["content-type"].startswith(("text/javascript", "application/javascript"))
    )


def test_nothing_in_the_page_or_its_assets_comes_from_elsewhere() -> None:
    for path in STATIC.iterdir():
        text = path.read_text(encoding="utf-8")
        assert not ELSEWHERE.findall(text), path.name


def test_every_operation_the_dashboard_runs_is_valid_against_the_schema(deps: Deps) -> None:
    script = (STATIC / "dashboard.js").read_text(encoding="utf-8")
    operations = OPERATION.findall(script)
    schema = build_schema(deps.settings)._schema

    assert len(operations) == 10
    for operation in operations:
        assert validate(schema, parse(operation)) == [], operation
