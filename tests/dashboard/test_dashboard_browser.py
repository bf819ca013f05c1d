"""The live dashboard in a real browser (Debian's Chromium, headless, driven by Playwright),
against a real `ranked serve` process on the test database and Redis: rows reorder and show
how far they moved when scores change through the API, the page reconnects by itself when
the server is killed and started again, and it is usable by keyboard, on a phone, and with
the contrast WCAG AA asks for."""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from playwright.async_api import Browser, Locator, Page

from app.deps import Deps
from app.participants.models import Participant
from app.scoring.service import adjust_points
from app.tenancy.scopes import Scope
from app.tenancy.service import TenantRef
from tests.browser import browser, chromium, screenshot, screenshot_if_failed
from tests.conftest import GQL, REDIS_URL
from tests.factories import api_key, participant
from tests.live.conftest import until
from tests.redis_server import free_port
from tests.test_serve import RANKED, wait_healthy

__all__ = ["browser", "chromium"]  # (fixtures)
pytestmark = pytest.mark.slow
DESKTOP = {"width": 1280, "height": 860}
PHONE = {"width": 390, "height": 844}


@dataclass
class Server:
    """A `ranked serve` process on a fixed port, so that it can be killed and started again
    where the page expects it."""

    env: dict[str, str]
    port: int
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        command = [RANKED, "serve", "--port", str(self.port)]
        self.process = subprocess.Popen(command, env=self.env)
        wait_healthy(self.url, self.process)

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)


@pytest.fixture
def server(deps: Deps) -> Iterator[Server]:
    env = {
        **os.environ,
        "DATABASE_URL": deps.settings.database_url,
        "REDIS_URL": REDIS_URL,
        "RANKED_REDIS_PREFIX": deps.settings.redis_prefix,
        "RANKED_KEY_PEPPER": "test-pepper-of-the-test-suite-only",
        "RANKED_LOG_LEVEL": "warning",
    }
    served = Server(env, free_port())
    served.start()
    try:
        yield served
    finally:
        if served.process is not None and served.process.poll() is None:
            served.process.terminate()
            served.process.wait(timeout=20)


@dataclass
class Dashboard:
    page: Page
    elsewhere: list[str]  # requests to anywhere but the server

    async def names(self) -> list[str]:
        names: list[str] = await self.page.eval_on_selector_all(
            "#top-list .row .name", "cells => cells.map(c => c.textContent)"
        )
        return names

    async def move_of(self, name: str) -> str:
        row = self.page.locator("#top-list .row", has_text=name)
        return (await row.locator(".move").text_content() or "").strip()

    async def connection(self) -> str:
        state = await self.page.get_attribute("#connection", "data-state")
        return state or ""


Opener = Callable[..., Awaitable[Dashboard]]


@pytest.fixture
async def open_dashboard(
    browser: Browser, server: Server, request: pytest.FixtureRequest
) -> AsyncIterator[Opener]:
    """Opens the dashboard signed in with a key; every page it opened is screenshotted if
    the test failed, then closed."""
    opened: list[Page] = []

    async def open_one(key: str, viewport: dict[str, int], path: str = "") -> Dashboard:
        page = await browser.new_page(viewport=viewport)  # type: ignore[arg-type]
        opened.append(page)
        elsewhere: list[str] = []
        page.on(
            "request",
            lambda r: None if r.url.startswith((server.url, "data:")) else elsewhere.append(r.url),
        )
        await page.goto(f"{server.url}/dashboard{path}#key={key}")
        await page.wait_for_selector("#connection[data-state=live]", timeout=20_000)
        await page.wait_for_selector("#layout[data-loaded]")
        return Dashboard(page, elsewhere)

    yield open_one
    for page in opened:
        await screenshot_if_failed(page, request)
        await page.close()


@pytest.fixture
async def dashboard(open_dashboard: Opener, deps: Deps, tenant: TenantRef) -> Dashboard:
    """The dashboard of the points board, signed in with a READ key, with three ranked."""
    await participant(deps, tenant.id, "Ada Lovelace", points=1)
    await participant(deps, tenant.id, "Alan Turing", points=5)
    await participant(deps, tenant.id, "Grace Hopper", points=3)
    key = await api_key(deps, tenant.id, Scope.READ)
    return await open_dashboard(key, DESKTOP)


async def ada(deps: Deps, tenant: TenantRef) -> int:
    row = await Participant.get(tenant_id=tenant.id, name="Ada Lovelace")
    return row.id


async def test_rows_reorder_and_show_how_far_they_moved(
    dashboard: Dashboard, deps: Deps, tenant: TenantRef
) -> None:
    await until(dashboard.names, what="the top to show")  # (non-empty)
    assert await dashboard.names() == ["Alan Turing", "Grace Hopper", "Ada Lovelace"]

    await adjust_points(deps, tenant.id, await ada(deps, tenant), 10, None)

    async def reordered() -> bool:
        return await dashboard.names() == ["Ada Lovelace", "Alan Turing", "Grace Hopper"]

    await until(reordered, seconds=10, what="Ada to move to the top")
    assert await dashboard.move_of("Ada Lovelace") == "▲ 2"
    assert await dashboard.move_of("Alan Turing") == "▼ 1"
    assert await dashboard.move_of("Grace Hopper") == "▼ 1"
    announced = dashboard.page.locator("#announce")
    await until(
        lambda: _has(announced, "Ada Lovelace up 2 to rank 1"), seconds=5, what="an announcement"
    )
    assert await announced.get_attribute("aria-live") == "polite"
    assert dashboard.elsewhere == []
    assert "#key=" not in dashboard.page.url


async def _has(locator: Locator, text: str) -> bool:
    return text in (await locator.text_content() or "")


async def test_it_reconnects_by_itself_after_the_server_is_killed_and_restarted(
    dashboard: Dashboard, server: Server, deps: Deps, tenant: TenantRef
) -> None:
    await until(dashboard.names, what="the top to show")

    server.kill()
    await until(
        lambda: _is_down(dashboard), seconds=15, what="the indicator to show the connection lost"
    )
    await adjust_points(deps, tenant.id, await ada(deps, tenant), 10, None)  # while it is down
    server.start()

    async def live() -> bool:
        return await dashboard.connection() == "live"

    await until(live, seconds=30, what="the page to reconnect")

    async def caught_up() -> bool:
        return (await dashboard.names())[:1] == ["Ada Lovelace"]

    await until(caught_up, seconds=10, what="the change made while it was down to show")
    await adjust_points(deps, tenant.id, await ada(deps, tenant), -20, None)  # and live again

    async def live_again() -> bool:
        return (await dashboard.names())[-1:] == ["Ada Lovelace"]

    await until(live_again, seconds=10, what="a change after the restart to show")


async def _is_down(dashboard: Dashboard) -> bool:
    return await dashboard.connection() in ("offline", "reconnecting")


async def test_keyboard_selects_a_row_and_search_shows_around_me_with_a_trend(
    dashboard: Dashboard, deps: Deps, tenant: TenantRef
) -> None:
    page = dashboard.page
    await until(dashboard.names, what="the top to show")
    tab_stops = await page.eval_on_selector_all(
        "#top-list .row", "rows => rows.filter(r => r.tabIndex === 0).length"
    )
    assert tab_stops == 1  # one row in the tab order; the arrows move between them
    await page.focus("#top-list .row >> nth=0")
    await page.keyboard.press("ArrowDown")
    await page.keyboard.press("Enter")
    await page.wait_for_selector("#around-title:has-text('Grace Hopper: rank 2')")
    assert "participant=" in page.url
    focused = await page.evaluate("document.activeElement.closest('#top-list') !== null")
    assert focused  # (Enter left the focus on the row, in the top list)
    await page.evaluate("document.activeElement.dataset.mark = 'kept'")
    alan = await Participant.get(tenant_id=tenant.id, name="Alan Turing")
    await adjust_points(deps, tenant.id, alan.id, 1, None)  # Alan stays first
    await page.wait_for_selector("#top-list .row:has-text('Alan Turing') .score:text-is('6')")
    # The focused row was updated in place, not replaced: focus stays and is not re-read.
    assert await page.evaluate("document.activeElement.dataset.mark") == "kept"

    await page.fill("#search-text", "ada")
    await page.keyboard.press("Enter")
    await page.click("#search-results button:has-text('Ada Lovelace')")
    await page.wait_for_selector("#around-title:has-text('Ada Lovelace: rank 3')")
    assert await page.locator("#around-list .row").count() == 3
    before = await page.get_attribute("#spark-line", "points") or ""

    await adjust_points(deps, tenant.id, await ada(deps, tenant), 3, None)

    async def trend_grew() -> bool:
        now = await page.get_attribute("#spark-line", "points") or ""
        return len(now.split()) == len(before.split()) + 1

    await until(trend_grew, seconds=10, what="the trend to take the change")
    await page.wait_for_selector("#around-title:has-text('Ada Lovelace: rank 2')")
    text = await page.text_content("#spark-text") or ""
    assert "from 0 to 4" in text  # added at 0, then +1, then +3


async def test_a_publishable_key_watches_public_boards_without_searching(
    open_dashboard: Opener, server: Server, deps: Deps, tenant: TenantRef, gql: GQL
) -> None:
    await participant(deps, tenant.id, "Ada Lovelace", points=1)
    made_public = await gql(
        'mutation { updateLeaderboard(key: "points", input: {visibility: PUBLIC}) { key } }'
    )
    assert "errors" not in made_public
    server.kill()  # (a running server sees the change within RANKED_DEFINITION_CACHE_SECONDS)
    server.start()
    key = await api_key(deps, tenant.id, Scope.PUBLIC)
    opened = await open_dashboard(key, DESKTOP)

    await until(opened.names, what="the top to show")
    assert await opened.page.is_disabled("#search-text")
    assert "needs a READ key" in (await opened.page.text_content("#search-note") or "")


async def test_on_a_phone_nothing_scrolls_sideways(
    open_dashboard: Opener, deps: Deps, tenant: TenantRef
) -> None:
    for n in range(12):
        await participant(deps, tenant.id, f"Participant with a rather long name {n}", points=n)
    key = await api_key(deps, tenant.id, Scope.READ)
    opened = await open_dashboard(key, PHONE)

    await until(opened.names, what="the top to show")
    widths = await opened.page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1]
    box = await opened.page.locator("#top-list .row >> nth=0").bounding_box()
    assert box is not None
    assert box["width"] <= PHONE["width"]


# The contrast ratio of every visible text against the background it sits on (WCAG 2).
CONTRAST = """() => {
  const rgb = (c) => c.match(/[\\d.]+/g).map(Number);
  const lum = ([r, g, b]) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const background = (el) => {
    for (; el; el = el.parentElement) {
      const c = rgb(getComputedStyle(el).backgroundColor);
      if (c.length < 4 || c[3] > 0) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const worst = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!node.textContent.trim() || !el.getClientRects().length) continue;
    if (el.closest("[hidden], .sr-only, .skip, option")) continue;
    const a = lum(rgb(getComputedStyle(el).color)), b = lum(background(el));
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    if (ratio < 4.5) worst.push([node.textContent.trim().slice(0, 30), ratio.toFixed(2)]);
  }
  return worst;
}"""


async def test_every_text_passes_wcag_aa_contrast_and_screenshots_are_taken(
    dashboard: Dashboard, deps: Deps, tenant: TenantRef
) -> None:
    page = dashboard.page
    await adjust_points(deps, tenant.id, await ada(deps, tenant), 10, None)
    await page.wait_for_selector("#top-list .row.hot")  # movement shown, highlighted
    await page.click("#top-list .row >> nth=1")
    await page.wait_for_selector("#around-title:has-text('rank 2')")

    assert await page.evaluate(CONTRAST) == []
    await screenshot(page, "dashboard-desktop", full_page=True)
    await page.set_viewport_size(PHONE)  # type: ignore[arg-type]
    assert await page.evaluate(CONTRAST) == []
    await screenshot(page, "dashboard-phone", full_page=True)


async def test_a_windowed_board_offers_its_past_periods_which_are_not_live(
    open_dashboard: Opener, deps: Deps, tenant: TenantRef, gql: GQL
) -> None:
    yesterday = datetime.now(UTC) - timedelta(days=1)
    made = await gql(
        'mutation { defineLeaderboard(key: "daily", input: {name: "Daily", timeWindow: DAILY,'
        ' timezone: "UTC", metrics: [{metric: "points"}]}) { key } }'
    )
    assert "errors" not in made
    ada_id = await participant(deps, tenant.id, "Ada Lovelace")
    score = (
        'mutation($p: ID!, $at: DateTime!) { recordScore(input: {metric: "points", value: 5,'
        ' source: "test", sourceId: "y1", participantId: $p, occurredAt: $at}) { __typename } }'
    )
    assert "errors" not in await gql(score, {"p": str(ada_id), "at": yesterday.isoformat()})
    past = yesterday.date().isoformat()
    run = await gql(f'mutation {{ triggerRun(leaderboard: "daily", period: "{past}") {{ id }} }}')
    assert "errors" not in run
    key = await api_key(deps, tenant.id, Scope.READ)
    opened = await open_dashboard(key, DESKTOP, "/daily")
    page = opened.page
    assert await page.is_visible("#period")
    options = await page.eval_on_selector_all("#period option", "os => os.map(o => o.value)")
    assert options == ["", past]  # the current period (live), then yesterday's

    await page.select_option("#period", past)

    await page.wait_for_selector("#connection[data-state=static]")
    await until(lambda: _names_are(opened, ["Ada Lovelace"]), what="yesterday's top")
    assert f"period={past}" in page.url
    await page.select_option("#period", "")
    await page.wait_for_selector("#connection[data-state=live]")
    assert await opened.names() == []  # nobody scored today


async def _names_are(dashboard: Dashboard, names: list[str]) -> bool:
    return await dashboard.names() == names
