"""``make bench`` (last part): how long the live dashboard takes to show a committed change.

A demo ``ranked serve`` on the embedded default (a fresh data directory, 200 participants)
and the dashboard opened in Debian's Chromium (headless, Playwright). Then, ``CHANGES``
times: the participant 10th in the top gets enough points to lead (``adjustPoints`` over
HTTP); measured on the machine's one wall clock, from the moment the mutation is sent (its
commit is in between; the push may arrive before the mutation's own answer does):

- ``frame``: until the page's websocket receives the first ``leaderboardTop`` frame with
  that participant first (the server's part: pub/sub, fan-out, the top's 100 ms pacing);
- ``row``: until the first row of the page shows them (the page's part added: parsing,
  the rows' update, layout).

Each is printed with p50/p99, and ``row`` as a ratio to ``frame`` of the same changes: the
limit the page is compared with is the socket that feeds it. Results go to
``bench/results/dashboard.json``.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from playwright.async_api import Page, async_playwright

CHANGES = int(os.environ.get("BENCH_DASHBOARD_CHANGES", "40"))
CHROMIUM = os.environ.get("RANKED_CHROMIUM", "/usr/bin/chromium")
RANKED = str(Path(sys.executable).with_name("ranked"))
RESULTS = Path(__file__).parent / "results" / "dashboard.json"
PORT = int(os.environ.get("BENCH_DASHBOARD_PORT", "8790"))

# Before the page's own script: every websocket frame's arrival time, and the time the
# first row last changed hands.
WATCH = """
window.__frames = [];
window.__leaders = [];
window.WebSocket = class extends window.WebSocket {
  constructor(...args) {
    super(...args);
    this.addEventListener("message", (event) => {
      const top = JSON.parse(event.data).payload?.data?.leaderboardTop;
      if (top?.length) window.__frames.push([Date.now(), top[0].participant.id]);
    });
  }
};
document.addEventListener("DOMContentLoaded", () => {
  new MutationObserver(() => {
    const id = document.querySelector("#top-list .row")?.dataset.id;
    if (id && id !== window.__leaders.at(-1)?.[1]) window.__leaders.push([Date.now(), id]);
  }).observe(document.getElementById("top-list"), { childList: true });
});
"""
ADJUST = "mutation($id: ID!, $d: Float!) { adjustPoints(participantId: $id, delta: $d) { rank } }"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def first_after(events: list[list[Any]], since_ms: float, pid: str) -> float | None:
    return next((t for t, who in events if t >= since_ms and who == pid), None)


async def measure(page: Page, http: httpx.AsyncClient, key: str) -> tuple[list[float], list[float]]:
    frames, rows = [], []
    for _ in range(CHANGES):
        top = await page.eval_on_selector_all(
            "#top-list .row",
            "rows => rows.map(r => [r.dataset.id, Number(r.querySelector('.score')"
            ".textContent.replace(/[^0-9.-]/g, ''))])",
        )
        (_, lead), (climber, score) = top[0], top[-1]
        body = {"query": ADJUST, "variables": {"id": climber, "d": lead - score + 1}}
        sent = time.time() * 1000
        answer = await http.post("/graphql", json=body, headers={"Authorization": f"Bearer {key}"})
        assert "errors" not in answer.json(), answer.text
        await page.wait_for_function(
            "(id) => document.querySelector('#top-list .row')?.dataset.id === id", arg=climber
        )
        frame = first_after(await page.evaluate("window.__frames"), sent, climber)
        row = first_after(await page.evaluate("window.__leaders"), sent, climber)
        if frame is not None and row is not None:
            frames.append(frame - sent)
            rows.append(row - sent)
    return frames, rows


async def browse(url: str, key: str) -> tuple[list[float], list[float]]:
    async with async_playwright() as playwright, httpx.AsyncClient(base_url=url) as http:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = await browser.new_page()
        await page.add_init_script(WATCH)
        await page.goto(f"{url}/dashboard#key={key}")
        await page.wait_for_selector("#connection[data-state=live]")
        await page.wait_for_selector("#layout[data-loaded]")
        measured = await measure(page, http, key)
        await browser.close()
        return measured


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="ranked-bench-dashboard-") as data:
        env = {**os.environ, "RANKED_DATA_DIR": data, "RANKED_LOG_LEVEL": "warning"}
        env.pop("DATABASE_URL", None)
        env.pop("REDIS_URL", None)
        subprocess.run([RANKED, "migrate"], env=env, check=True, capture_output=True)
        seed = [RANKED, "seed", "--participants", "200", "--if-empty"]
        subprocess.run(seed, env=env, check=True, capture_output=True)
        command = [RANKED, "serve", "--demo", "--port", str(PORT)]
        server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
        url = f"http://127.0.0.1:{PORT}"
        try:
            for _ in range(300):  # the server starting: polled, bounded
                try:
                    if httpx.get(f"{url}/readyz").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                time.sleep(0.1)
            key = (Path(data) / "demo-admin-key").read_text().strip()
            frames, rows = asyncio.run(browse(url, key))
        finally:
            server.terminate()
            server.wait(timeout=30)
    report(frames, rows)


def report(frames: list[float], rows: list[float]) -> None:
    result = {
        "changes": CHANGES,
        "measured": len(rows),
        "frame_ms": {"p50": percentile(frames, 0.5), "p99": percentile(frames, 0.99)},
        "row_ms": {"p50": percentile(rows, 0.5), "p99": percentile(rows, 0.99)},
        "row_over_frame_p50": statistics.median(rows) / max(statistics.median(frames), 0.001),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print("\nLive dashboard: adjustPoints sent -> the new leader received and shown")
    print(f"{'':<28}{'p50 ms':>10}{'p99 ms':>10}")
    for name, row in (("websocket frame received", "frame_ms"), ("first row shows it", "row_ms")):
        print(f"{name:<28}{result[row]['p50']:>10.1f}{result[row]['p99']:>10.1f}")  # type: ignore[index]
    print(
        f"row / frame (p50): {result['row_over_frame_p50']:.2f}x"
        f"  ({len(rows)} of {CHANGES} changes measured) -> {RESULTS}"
    )


if __name__ == "__main__":
    main()
