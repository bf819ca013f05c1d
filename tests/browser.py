"""A real headless browser for the tests of pages (Debian's Chromium, driven by
Playwright): the ``browser`` fixture, and screenshots of what a failed test left on screen.

`make test` installs Chromium when it is missing; ``RANKED_CHROMIUM`` points elsewhere.
Screenshots go to ``RANKED_SCREENSHOTS`` (default /tmp/ranked-screenshots).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, async_playwright

CHROMIUM = os.environ.get("RANKED_CHROMIUM", "/usr/bin/chromium")
SHOTS = Path(os.environ.get("RANKED_SCREENSHOTS", "/tmp/ranked-screenshots"))


@pytest.fixture
def chromium() -> str:
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: make test installs it"
    return CHROMIUM


@pytest.fixture
async def browser(chromium: str) -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        yield launched
        await launched.close()


async def screenshot(page: Page, name: str, *, full_page: bool = False) -> Path:
    """Save what ``page`` shows as ``SHOTS/name.png``."""
    await asyncio.to_thread(SHOTS.mkdir, parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    await page.screenshot(path=str(path), full_page=full_page)
    return path


async def screenshot_if_failed(page: Page, request: pytest.FixtureRequest) -> None:
    """In a fixture's teardown: a screenshot of what went wrong, if the test failed."""
    report = getattr(request.node, "rep_call", None)  # (tests/conftest.py keeps it)
    if report is None or report.failed:
        await screenshot(page, request.node.name)
