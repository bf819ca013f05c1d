"""GraphiQL in a real browser (Debian's Chromium, headless, driven by Playwright), as a
newcomer meets it: opened from the link `make run` prints, it loads with nothing from the
network, runs a query with the key from the link, and follows a subscription live."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from playwright.async_api import Browser, Page

from app.deps import Deps
from app.live.service import LiveService
from app.scoring.service import adjust_points
from app.tenancy.scopes import Scope
from app.tenancy.service import TenantRef
from tests.browser import browser, chromium, screenshot_if_failed
from tests.factories import api_key, participant
from tests.live.conftest import serving, until

__all__ = ["browser", "chromium"]  # (fixtures)
pytestmark = pytest.mark.slow


@pytest.fixture
async def page(
    browser: Browser,
    deps: Deps,
    live: LiveService,
    tenant: TenantRef,
    request: pytest.FixtureRequest,
) -> AsyncIterator[tuple[Page, str, list[str]]]:
    """GraphiQL opened from a signed-in link, and the requests it made elsewhere."""
    key = await api_key(deps, tenant.id, Scope.ADMIN)
    async with serving(deps, live, tenant) as ws:
        base = ws.replace("ws://", "http://").removesuffix("/graphql")
        opened = await browser.new_page(viewport={"width": 1400, "height": 900})
        elsewhere: list[str] = []
        opened.on(
            "request",
            lambda r: None if r.url.startswith((base, "data:")) else elsewhere.append(r.url),
        )
        await opened.goto(f"{base}/graphql#key={key}")
        await opened.wait_for_selector(".graphiql-editor", timeout=20_000)
        try:
            yield opened, base, elsewhere
        finally:
            await screenshot_if_failed(opened, request)
            await opened.close()


async def run_operation(page: Page, line: str) -> None:
    """Put the cursor on ``line`` of the document and run the operation it is in."""
    await page.click(f".graphiql-query-editor >> text={line}")
    await page.keyboard.press("Control+Enter")


async def result_text(page: Page) -> str:
    return await page.inner_text(".graphiql-response")


async def test_graphiql_loads_offline_and_runs_a_query_with_the_links_key(
    page: tuple[Page, str, list[str]], deps: Deps, tenant: TenantRef
) -> None:
    opened, _, elsewhere = page
    await participant(deps, tenant.id, "Grace Hopper", points=7)

    await run_operation(opened, "name size")

    await opened.wait_for_function(
        "document.querySelector('.graphiql-response')?.innerText.includes('Grace Hopper')",
        timeout=10_000,
    )
    assert elsewhere == []
    assert "#key=" not in opened.url  # moved into the tab's session storage
    assert "UNAUTHENTICATED" not in await result_text(opened)


async def test_graphiql_follows_a_subscription_live(
    page: tuple[Page, str, list[str]], deps: Deps, tenant: TenantRef
) -> None:
    opened, _, _ = page
    ada = await participant(deps, tenant.id, "Ada Lovelace", points=1)
    await participant(deps, tenant.id, "Alan Turing", points=5)

    await run_operation(opened, "subscription LiveTop")
    await opened.wait_for_function(
        "document.querySelector('.graphiql-response')?.innerText.includes('Alan Turing')",
        timeout=10_000,
    )
    await adjust_points(deps, tenant.id, ada, 10, None)  # Ada takes the lead

    async def ada_first() -> bool:
        text = await result_text(opened)
        return text.find("Ada Lovelace") != -1 and text.find("Ada Lovelace") < text.find(
            "Alan Turing"
        )

    await until(ada_first, seconds=10, what="the live top to show Ada first")
