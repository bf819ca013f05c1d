"""Structured logs: JSON lines that name the request they were written for, request ids
that round-trip through X-Request-ID and reach the worker, and the slow-operation log."""

from __future__ import annotations

import dataclasses
import io
import json
import logging
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import connect

from app.deps import Deps
from app.live.service import LiveService
from app.ops.logs import JsonFormatter, TextFormatter, logging_config
from app.settings import Settings
from app.tenancy.scopes import Scope
from app.tenancy.service import TenantRef
from tests.factories import api_key, bearer
from tests.live.conftest import serving
from tests.workers import drain


@contextmanager
def json_log() -> Iterator[list[dict[str, Any]]]:
    """Every log line written meanwhile, as the JSON format writes it (parsed)."""
    buffer, lines = io.StringIO(), []
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield lines
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
        lines.extend(json.loads(line) for line in buffer.getvalue().splitlines())


@dataclasses.dataclass
class Served:
    http: httpx.AsyncClient
    ws_url: str
    key: str


@pytest.fixture
async def served(deps: Deps, live: LiveService, tenant: TenantRef) -> AsyncIterator[Served]:
    """The app with a slow-operation threshold every operation exceeds."""
    slow = dataclasses.replace(
        deps, settings=deps.settings.model_copy(update={"slow_query_ms": 0.001})
    )
    key = await api_key(deps, tenant.id, Scope.ADMIN)
    async with serving(slow, live, tenant) as ws:
        base = ws.replace("ws://", "http://").removesuffix("/graphql")
        async with httpx.AsyncClient(base_url=base, headers=bearer(key)) as http:
            yield Served(http, ws, key)


QUERY = {"query": "query Size { leaderboard { size } }"}


@pytest.mark.parametrize(
    ("given", "kept"),
    [("trace-4b1c.9:x/y=z+1", True), ("bad id <script>", False), ("a" * 129, False)],
)
async def test_a_sane_request_id_round_trips_and_any_other_is_replaced(
    served: Served, given: str, kept: bool
) -> None:
    response = await served.http.post("/graphql", json=QUERY, headers={"X-Request-ID": given})
    fresh = await served.http.post("/graphql", json=QUERY)

    returned = response.headers["x-request-id"]
    assert (returned == given) is kept
    assert len(returned) <= 128
    assert returned.replace("-", "").isalnum() or kept
    assert fresh.headers["x-request-id"] not in (returned, "")


async def test_a_websocket_handshake_returns_its_request_id(served: Served) -> None:
    async with connect(
        served.ws_url,
        subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
        additional_headers={"X-Request-ID": "socket-1"},
    ) as socket:
        assert socket.response is not None
        assert socket.response.headers["x-request-id"] == "socket-1"


async def test_a_slow_operation_is_logged_as_json_with_its_name_and_request_id_not_variables(
    served: Served,
) -> None:
    secret = "s3cr3t-in-a-variable"
    body = {
        "query": "query Named($key: String) { leaderboard(key: $key) { size } }",
        "variables": {"key": secret},
    }
    with json_log() as lines:
        await served.http.post("/graphql", json=body, headers={"X-Request-ID": "slow-1"})

    slow = [line for line in lines if line["logger"] == "app.graphql.slow"]
    assert len(slow) == 1, lines
    line = slow[0]
    assert line["level"] == "WARNING"
    assert (line["operation"], line["operation_type"]) == ("Named", "query")
    assert line["request_id"] == "slow-1"
    assert line["duration_ms"] > 0
    assert {"time", "message"} <= set(line)
    assert not any(secret in json.dumps(x) for x in lines)


async def test_a_job_enqueued_by_a_request_logs_in_the_worker_under_its_request_id(
    served: Served, job_deps: Deps
) -> None:
    trigger = {"query": 'mutation { triggerRun(leaderboard: "points") { id status } }'}
    response = await served.http.post("/graphql", json=trigger, headers={"X-Request-ID": "run-7"})
    assert "errors" not in response.json(), response.json()

    with json_log() as lines:
        assert await drain(job_deps) == 1

    jobs = [line for line in lines if line.get("job") == "make_run"]
    assert [(j["status"], j["request_id"]) for j in jobs] == [("ok", "run-7")]
    assert all(line["request_id"] == "run-7" for line in lines if line["logger"] == "app.jobs")


def test_the_format_is_json_unless_on_a_terminal_or_asked_for_text(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def formatter(**values: Any) -> str:
        config = logging_config(Settings(**values))
        return str(config["formatters"]["ranked"]["()"])

    monkeypatch.setattr("sys.stderr.isatty", lambda: False)
    assert formatter(log_format="auto").endswith("JsonFormatter")
    assert formatter(log_format="text").endswith("TextFormatter")
    monkeypatch.setattr("sys.stderr.isatty", lambda: True)
    assert formatter(log_format="auto").endswith("TextFormatter")
    assert formatter(log_format="json").endswith("JsonFormatter")


def test_a_text_line_names_its_extras_and_request_id() -> None:
    record = logging.LogRecord("app.x", logging.WARNING, "", 0, "slow %s", ("Q",), None)
    record.duration_ms = 612
    record.request_id = "r-1"

    line = TextFormatter().format(record)

    assert line.endswith("WARNING app.x slow Q duration_ms=612 [r-1]")
