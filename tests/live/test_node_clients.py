"""The npm subscription clients frontends use, against a real server.

``tests/live/node/client.mjs`` runs one client (``graphql-ws``, or the legacy
``subscriptions-transport-ws``) in a Node process that takes commands on stdin and reports
every callback of the library on stdout, one JSON object a line. Node.js and npm are
required: without them these tests fail, they do not skip.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from redis.asyncio import Redis

from app.deps import Deps
from app.live.service import LiveService
from app.participants.service import delete_participant
from app.scoring.service import adjust_points
from app.tenancy.service import TenantRef
from tests.factories import participant
from tests.live.conftest import channel_of, numsub, until

NODE_PROJECT = Path(__file__).parent / "node"
TIMEOUT = 10.0

RANK_CHANGED = """
subscription($ids: [ID!]) {
  rankChanged(participantIds: $ids) {
    leaderboard participantId participant { id name } oldRank newRank oldScore newScore at merged
  }
}"""
TOP = """
subscription($first: Int!) {
  leaderboardTop(first: $first) { rank score participant { id name } }
}"""


def _executable(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(
            f"`{name}` is not on PATH: tests/live/test_node_clients.py tests the npm GraphQL"
            " clients and needs Node.js (>= 18) with npm installed.",
            pytrace=False,
        )
    return path


@pytest.fixture(scope="session")
def node() -> str:
    """The ``node`` executable, with tests/live/node's locked packages installed."""
    node = _executable("node")
    npm = _executable("npm")
    installed = NODE_PROJECT / "node_modules" / ".package-lock.json"  # written by npm last
    lock = NODE_PROJECT / "package-lock.json"
    if not installed.exists() or installed.stat().st_mtime < lock.stat().st_mtime:
        result = subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund"],
            cwd=NODE_PROJECT,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        if result.returncode != 0:
            pytest.fail(
                f"`npm ci` failed in {NODE_PROJECT}:\n{result.stdout}\n{result.stderr}",
                pytrace=False,
            )
    return node


class NodeClient:
    """The test's end of one ``client.mjs`` process."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process

    async def send(self, op: str, **command: Any) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps({"op": op, **command}).encode() + b"\n")
        await self.process.stdin.drain()

    async def subscribe(self, op_id: str, query: str, **variables: Any) -> None:
        await self.send("subscribe", id=op_id, query=query, variables=variables)

    async def event(self) -> dict[str, Any]:
        """The next thing the library reported (fails after ``TIMEOUT`` seconds)."""
        assert self.process.stdout is not None
        try:
            line = await asyncio.wait_for(self.process.stdout.readline(), TIMEOUT)
        except TimeoutError:
            raise AssertionError(f"the Node client reported nothing for {TIMEOUT} s") from None
        if not line:
            await self.process.wait()
            assert self.process.stderr is not None
            stderr = (await self.process.stderr.read()).decode()
            raise AssertionError(f"the Node client exited ({self.process.returncode}): {stderr}")
        event: dict[str, Any] = json.loads(line)
        return event

    async def expect(self, name: str, op_id: str | None = None) -> dict[str, Any]:
        """The next event, which must be ``name`` (of operation ``op_id``, when given)."""
        event = await self.event()
        assert event["event"] == name, event
        if op_id is not None:
            assert event["id"] == op_id, event
        return event

    async def next_data(self, op_id: str) -> dict[str, Any]:
        """The data of the next result of ``op_id``, which must carry no errors."""
        payload: dict[str, Any] = (await self.expect("next", op_id))["payload"]
        assert "errors" not in payload, payload
        data: dict[str, Any] = payload["data"]
        return data

    async def close(self) -> int:
        """Close the client, which must see a clean close; returns the close code."""
        await self.send("close")
        closed = await self.expect("closed")
        assert closed["clean"] is True, closed  # both close frames were exchanged
        assert await asyncio.wait_for(self.process.wait(), TIMEOUT) == 0
        code: int = closed["code"]
        return code


@asynccontextmanager
async def node_client(node: str, library: str, url: str) -> AsyncIterator[NodeClient]:
    """A connected client of ``library``; the Node process is killed on the way out."""
    process = await asyncio.create_subprocess_exec(
        node,
        str(NODE_PROJECT / "client.mjs"),
        library,
        url,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        client = NodeClient(process)
        await client.expect("connected")
        yield client
    finally:
        if process.returncode is None:
            process.kill()
        await process.wait()


async def cleaned_up(live: LiveService, redis: Redis, channel: str) -> None:
    """Wait until the server holds no feed and no Redis subscription for ``channel``."""
    await until(lambda: live.feed_count() == 0, what="the server's feeds to close")

    async def unsubscribed() -> bool:
        return await numsub(redis, channel) == 0

    await until(unsubscribed, what=f"PUBSUB NUMSUB {channel} to be 0")


def change(data: dict[str, Any]) -> tuple[Any, ...]:
    c = data["rankChanged"]
    return (c["participantId"], c["oldRank"], c["newRank"], c["oldScore"], c["newScore"])


def top(data: dict[str, Any]) -> list[tuple[str, str, int, float]]:
    return [
        (e["participant"]["id"], e["participant"]["name"], e["rank"], e["score"])
        for e in data["leaderboardTop"]
    ]


@dataclass(frozen=True)
class Library:
    """What an npm client does, by its own code, on unsubscribe and on close."""

    # graphql-ws sends "complete" and completes the sink; subscriptions-transport-ws sends
    # "stop" and calls nothing.
    completes_on_unsubscribe: bool
    # graphql-ws closes with 1000. subscriptions-transport-ws sends connection_terminate
    # (the server closes with 1000) and at once closes its socket with no status (1005):
    # which close frame crosses first is a race.
    close_codes: frozenset[int]


LIBRARIES = {
    "graphql-ws": Library(completes_on_unsubscribe=True, close_codes=frozenset({1000})),
    "subscriptions-transport-ws": Library(
        completes_on_unsubscribe=False, close_codes=frozenset({1000, 1005})
    ),
}


@pytest.mark.parametrize("library", list(LIBRARIES))
async def test_client_receives_rank_changes_then_unsubscribes_cleanly(
    node: str,
    ws_url: str,
    deps: Deps,
    live: LiveService,
    tenant: TenantRef,
    redis: Redis,
    library: str,
) -> None:
    ada = await participant(deps, tenant.id, "Ada", points=10)
    channel = await channel_of(deps, tenant)
    async with node_client(node, library, ws_url) as client:
        await client.subscribe("ranks", RANK_CHANGED)

        async def subscribed() -> bool:
            return await numsub(redis, channel) == 1

        await until(subscribed, what="the server to subscribe to the board's changes")
        now = datetime.now(UTC)
        before = now.replace(microsecond=now.microsecond // 1000 * 1000)  # `at` is in ms
        bob = await participant(deps, tenant.id, "Bob")
        await adjust_points(deps, tenant.id, bob, 15, None)
        await delete_participant(deps, tenant.id, ada)

        added = await client.next_data("ranks")
        assert change(added) == (str(bob), None, 2, None, 0.0)
        assert added["rankChanged"]["participant"] == {"id": str(bob), "name": "Bob"}
        assert added["rankChanged"]["leaderboard"] == "points"
        assert added["rankChanged"]["merged"] == 1
        at = datetime.fromisoformat(added["rankChanged"]["at"])
        assert before <= at <= datetime.now(UTC), (before, at)
        moved = await client.next_data("ranks")
        assert change(moved) == (str(bob), 2, 1, 0.0, 15.0)
        assert moved["rankChanged"]["participant"] == {"id": str(bob), "name": "Bob"}
        deleted = await client.next_data("ranks")
        assert change(deleted) == (str(ada), 2, None, 10.0, None)
        assert deleted["rankChanged"]["participant"] is None  # gone with its row

        await client.send("unsubscribe", id="ranks")
        await client.expect("unsubscribed", "ranks")
        if LIBRARIES[library].completes_on_unsubscribe:
            await client.expect("complete", "ranks")
        await cleaned_up(live, redis, channel)
        # Nothing else arrived for the operation: the next event is the close.
        assert await client.close() in LIBRARIES[library].close_codes


async def test_graphql_ws_gets_the_top_at_once_then_when_a_change_enters_it(
    node: str, ws_url: str, deps: Deps, live: LiveService, tenant: TenantRef, redis: Redis
) -> None:
    ids = {n: str(await participant(deps, tenant.id, n, points=p)) for n, p in
           [("A", 40), ("B", 30), ("C", 20), ("D", 10), ("E", 5)]}  # fmt: skip
    channel = await channel_of(deps, tenant)
    async with node_client(node, "graphql-ws", ws_url) as client:
        await client.subscribe("top", TOP, first=3)

        # The first push needs no change: it is the current top.
        assert top(await client.next_data("top")) == [
            (ids["A"], "A", 1, 40.0),
            (ids["B"], "B", 2, 30.0),
            (ids["C"], "C", 3, 20.0),
        ]
        await adjust_points(deps, tenant.id, int(ids["E"]), 1, None)  # 5 -> 6: still 5th
        await adjust_points(deps, tenant.id, int(ids["D"]), 25, None)  # 10 -> 35: 2nd
        # The next push is the second change: the first one could not alter the top 3.
        assert top(await client.next_data("top")) == [
            (ids["A"], "A", 1, 40.0),
            (ids["D"], "D", 2, 35.0),
            (ids["B"], "B", 3, 30.0),
        ]

        await client.send("unsubscribe", id="top")
        await client.expect("unsubscribed", "top")
        await client.expect("complete", "top")
        await cleaned_up(live, redis, channel)
        assert await client.close() == 1000


async def test_graphql_ws_reports_a_top_above_the_cap_to_the_error_callback(
    node: str, ws_url: str, deps: Deps, live: LiveService
) -> None:
    cap = deps.settings.live_max_top
    assert cap == 100
    async with node_client(node, "graphql-ws", ws_url) as client:
        await client.subscribe("top", TOP, first=1000)

        error = (await client.expect("error", "top"))["error"]
        assert [e["extensions"]["code"] for e in error["errors"]] == ["BAD_USER_INPUT"], error
        assert error["errors"][0]["message"] == f"first must be at most {cap}.", error
        assert live.feed_count() == 0
        # One failed operation leaves the connection open and usable: it closes normally.
        assert await client.close() == 1000
