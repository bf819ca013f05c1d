"""GraphiQL works with no network: its page loads nothing from elsewhere, every asset it
names is served here and is the file its integrity hash names, and its example document is
valid against the schema."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import AsyncIterator

import httpx
import pytest
from graphql import parse, validate

from app.deps import Deps
from app.graphql.schema import build_schema
from app.live.service import LiveService
from app.main import GRAPHIQL_PAGE
from app.tenancy.service import TenantRef
from tests.live.conftest import serving

ASSET = re.compile(r'(?:src|href)="([^"]+)"\s+integrity="(sha384-[^"]+)"')


@pytest.fixture
async def base_url(deps: Deps, live: LiveService, tenant: TenantRef) -> AsyncIterator[str]:
    async with serving(deps, live, tenant) as ws:
        yield ws.replace("ws://", "http://").removesuffix("/graphql")


async def test_the_page_loads_only_assets_served_here_and_they_match_their_hashes(
    base_url: str,
) -> None:
    async with httpx.AsyncClient(base_url=base_url) as client:
        page = await client.get("/graphql", headers={"accept": "text/html"})
        assets = ASSET.findall(page.text)
        fetched = {path: await client.get(path) for path, _ in assets}

    assert page.status_code == 200
    assert "unpkg.com" not in page.text
    assert not re.search(r'(?:src|href)="(?:https?:)?//', page.text)  # nothing from elsewhere
    assert len(assets) == 6  # react, react-dom, graphiql (js, css), the explorer (js, css)
    for path, integrity in assets:
        response = fetched[path]
        assert response.status_code == 200, path
        digest = base64.b64encode(hashlib.sha384(response.content).digest()).decode()
        assert integrity == f"sha384-{digest}", path


def test_the_example_document_is_valid(deps: Deps) -> None:
    text = GRAPHIQL_PAGE.read_text()
    document = re.search(r"const EXAMPLE_QUERY = `(.*?)`;", text, re.S)
    assert document is not None
    parsed = parse(document.group(1))
    names = {d.name.value for d in parsed.definitions if d.name}  # type: ignore[attr-defined]

    assert validate(build_schema(deps.settings)._schema, parsed) == []
    assert {"Top10", "AddPoints", "LiveTop", "Winners", "Runs"} <= names
