"""GraphQL scenarios over HTTP, driven from their own process with ``httpx.AsyncClient``.

``concurrency`` tasks, each with its own client holding one keep-alive HTTP/1.1 connection,
post one request after another. (One client whose pool is shared by 50 tasks spends its
time in httpcore's pool bookkeeping: in one trial on this 2-core machine it managed about
110 requests/s against a do-nothing ASGI app, where 50 one-connection clients passed 500; see
https://github.com/encode/httpx/issues/3215.) A response is an error unless it is a 200
whose JSON has no ``errors`` key and whose ``data`` has the expected shape (a top 100 that
comes back with fewer entries is an error, not a fast success).
"""

from __future__ import annotations

import itertools
import json
import random
import uuid
from collections.abc import Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from typing import Any

import httpx

from bench.config import AUTHORIZATION
from bench.cpu import CpuWatch
from bench.driver import Measurement, Operation, drive, run_loop

TRIVIAL = "{ __typename }"
TOP100 = (
    'query Top { leaderboard(key: "points") { entries(first: 100) '
    "{ edges { node { rank score participant { id name } } } } } }"
)
ADJUST = (
    "mutation Adjust($id: ID!, $d: Float!, $k: String) "
    "{ adjustPoints(participantId: $id, delta: $d, idempotencyKey: $k) { rank score } }"
)
RECORD = (
    "mutation Record($inputs: [ScoreInput!]!) "
    "{ recordScores(inputs: $inputs) { recorded duplicates } }"
)
COMPOSITE = "composite"  # the board recordScores feeds: three weighted metrics
COMPOSITE_METRICS = (("answers", "SUM", 1.0), ("rating", "AVG", 20.0), ("logins", "COUNT", 0.5))
COMPOSITE_TOP100 = TOP100.replace('key: "points"', f'key: "{COMPOSITE}"')
SCENARIOS = ("trivial", "top100", "adjustPoints", "recordScores", "top100:composite")
HEADERS = {"content-type": "application/json", "accept": "application/json", **AUTHORIZATION}
DELTAS = [*range(-10, 0), *range(1, 11)]
REQUEST_TIMEOUT = 10.0

Check = Callable[[Any], str | None]


@dataclass(frozen=True, slots=True)
class HttpSpec:
    """What the load process needs to run one scenario against a running server."""

    scenario: str
    base_url: str
    participants: int
    concurrency: int
    warmup: float
    seconds: float
    max_samples: int
    watch: CpuWatch = field(default_factory=CpuWatch)
    seed: int = 1
    batch: int = 1_000  # events per recordScores call


def _fixed(query: str) -> Callable[[], bytes]:
    body = json.dumps({"query": query}).encode()
    return lambda: body


def _adjustments(participants: int, seed: int) -> Callable[[], bytes]:
    """Bodies of adjustPoints: a random participant, a random ±1..10, a unique key."""
    rnd = random.Random(seed)
    keys = (f"bench-{uuid.uuid4().hex[:12]}-{n}" for n in itertools.count())

    def body() -> bytes:
        variables = {
            "id": str(rnd.randint(1, participants)),
            "d": float(rnd.choice(DELTAS)),
            "k": next(keys),
        }
        return json.dumps({"query": ADJUST, "variables": variables}).encode()

    return body


def _batches(participants: int, batch: int, seed: int) -> Callable[[], bytes]:
    """Bodies of recordScores: ``batch`` events of random participants and metrics."""
    rnd = random.Random(seed)
    run = uuid.uuid4().hex[:12]
    numbers = itertools.count()
    metrics = [m for m, _, _ in COMPOSITE_METRICS]

    def body() -> bytes:
        inputs = [
            {"participantId": str(rnd.randint(1, participants)), "metric": rnd.choice(metrics),
             "value": float(rnd.randint(1, 5)), "source": "bench", "sourceId": f"{run}-{n}"}
            for n in itertools.islice(numbers, batch)
        ]  # fmt: skip
        return json.dumps({"query": RECORD, "variables": {"inputs": inputs}}).encode()

    return body


def _check_recorded(expected: int) -> Check:
    def check(data: Any) -> str | None:
        recorded = data["recordScores"]["recorded"]
        return None if recorded == expected else f"recordScores recorded {recorded}"

    return check


def _check_typename(data: Any) -> str | None:
    return None if data["__typename"] == "Query" else "unexpected __typename"


def _check_top(expected: int) -> Check:
    def check(data: Any) -> str | None:
        count = len(data["leaderboard"]["entries"]["edges"])
        return None if count == expected else f"top100 returned {count} entries"

    return check


def _check_entry(data: Any) -> str | None:
    entry = data["adjustPoints"]
    return None if isinstance(entry["rank"], int) else "adjustPoints returned no rank"


def _scenario(spec: HttpSpec) -> tuple[Callable[[], bytes], Check]:
    if spec.scenario == "trivial":
        return _fixed(TRIVIAL), _check_typename
    if spec.scenario == "top100":
        return _fixed(TOP100), _check_top(min(100, spec.participants))
    if spec.scenario == "adjustPoints":
        return _adjustments(spec.participants, spec.seed), _check_entry
    if spec.scenario == "recordScores":
        return _batches(spec.participants, spec.batch, spec.seed), _check_recorded(spec.batch)
    if spec.scenario == "top100:composite":  # filled by recordScores, which runs before
        return _fixed(COMPOSITE_TOP100), _check_top(100)
    raise ValueError(f"unknown scenario {spec.scenario!r}; known: {', '.join(SCENARIOS)}")


def _graphql_error(errors: Any) -> str:
    first = errors[0] if isinstance(errors, list) and errors else {}
    if not isinstance(first, dict):
        return "graphql error"
    code = (first.get("extensions") or {}).get("code")
    label = f"graphql {code}" if code else "graphql"
    return f"{label}: {str(first.get('message', ''))[:120]}"


def verdict(response: httpx.Response, check: Check) -> str | None:
    """None for a good GraphQL response whose data passes ``check``, else what was wrong."""
    if response.status_code != 200:
        return f"HTTP {response.status_code}"
    try:
        document = response.json()
    except ValueError:
        return "response is not JSON"
    if not isinstance(document, dict):
        return "unexpected response shape"
    if "errors" in document:
        return _graphql_error(document["errors"])
    try:
        return check(document["data"])
    except (KeyError, TypeError, IndexError):
        return "unexpected response shape"


def _operation(client: httpx.AsyncClient, body: Callable[[], bytes], check: Check) -> Operation:
    async def post() -> str | None:
        try:
            response = await client.post("/graphql", content=body(), headers=HEADERS)
        except httpx.HTTPError as exc:
            return f"{type(exc).__name__}: {exc}"[:200]
        return verdict(response, check)

    return post


async def define_composite(base_url: str) -> None:
    """Define the three metrics and the composite board of the recordScores scenario (with
    a tie-break by the earliest to reach the score, the costlier kind of board)."""
    define_metric = "mutation($i: MetricInput!) { defineMetric(input: $i) { key } }"
    define_board = (
        "mutation($k: String!, $i: LeaderboardInput!) { defineLeaderboard(key: $k, input: $i)"
        " { key } }"
    )
    weights = [{"metric": m, "weight": w} for m, _, w in COMPOSITE_METRICS]
    board = {"name": "Composite", "metrics": weights, "tieBreak": {"earliestToReach": True}}
    requests = [
        *(
            (define_metric, {"i": {"key": m, "name": m, "aggregation": a}})
            for m, a, _ in COMPOSITE_METRICS
        ),
        (define_board, {"k": COMPOSITE, "i": board}),
    ]
    async with httpx.AsyncClient(base_url=base_url, timeout=60, headers=AUTHORIZATION) as client:
        for query, variables in requests:
            response = await client.post("/graphql", json={"query": query, "variables": variables})
            problem = verdict(response, lambda data: None)
            if problem is not None:
                raise RuntimeError(f"could not define the composite board: {problem}")


async def _measure(spec: HttpSpec) -> Measurement:
    body, check = _scenario(spec)
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1, keepalive_expiry=60)
    async with AsyncExitStack() as clients:
        operations = []
        for _ in range(spec.concurrency):
            client = httpx.AsyncClient(
                base_url=spec.base_url, limits=limits, timeout=REQUEST_TIMEOUT, http2=False
            )
            operations.append(_operation(await clients.enter_async_context(client), body, check))
        return await drive(
            spec.scenario,
            operations,
            warmup=spec.warmup,
            seconds=spec.seconds,
            max_samples=spec.max_samples,
            watch=spec.watch,
        )


def run_http(spec: HttpSpec) -> Measurement:
    """Entry point of the load process: one scenario, start to finish."""
    return run_loop(_measure(spec))
