"""Cached answers before GraphQL runs (issue 17): the bytes of a query's response, served
again for the same request while the tenant's data has not changed.

The result cache (``app.graphql.cache``) saves the execution of a repeated query, but not
what surrounds it: parsing the request, validating, the extensions, encoding 100 entries
as JSON. This layer sits in front of Strawberry's view and keeps the response bytes of a
request the result cache found cacheable, under (tenant, what the caller sees, the
``Authorization`` header, the request body or query string), with the data version the
answer was computed at. The next identical request is answered from those bytes when the
version is still the same, after the checks every request gets: the caller is identified
again (a revoked key is not served) and pays its read from its rate budget.

- A committed change bumps the version before its response is sent, and this process
  learns the new one then, so its next read misses. Another process learns it from pub/sub
  (``app.ranking.versions``): until that message arrives it still answers at the old one.
- Concurrent identical misses are computed once: the first runs the query, the others
  wait for it (boundedly) and take its answer when it is at least as new as the version
  they saw; otherwise they run it themselves.
- Every cacheable answer carries an ``ETag``; a request with ``If-None-Match`` naming the
  current one gets ``304 Not Modified`` and no body (GET requests, so browsers and CDNs can
  cache; POST too).
- ``ranked-cache: hit`` marks an answer served from here.
- Within ``RANKED_READ_STALENESS_MS`` (100) of when its version was read, an answer that a
  newer version superseded may still be served (``ranked-cache: stale``) while one request
  computes the new one, at most once per half that time: under 100 writes/s a busy page is
  computed a few times a second, not once per write. Never to a caller that wrote since
  the answer's version was read (read-your-writes), in this process.
- Across processes: a mutation's response carries ``ranked-version``, the tenant's data
  version after it. A request that sends it back as ``ranked-min-version`` is answered at
  that version or a newer one, even by a process that has not heard of the write yet (it
  asks Redis then). Anything but digits in that header is ignored.

Anything unusual (another method, a body in parts, an unknown or revoked key, Redis away,
a refused rate) goes to Strawberry as it came, which answers it the usual way.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any

from app.deps import Deps
from app.errors import RankedError, Unavailable
from app.graphql.observe import OPERATION
from app.ops import metrics
from app.tenancy.access import identify
from app.tenancy.rates import Budget

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

CACHEABLE = "ranked.cacheable"  # the ASGI scope key ResultCache sets: (tenant id, version)
AS_OF = "ranked.as_of"  # when the request's version was read (time.monotonic())
WRITERS_KEPT = 10_000  # callers whose last write this process remembers, at most
LARGEST = 1 << 20  # bytes: larger answers are not kept
HELD = 64 << 20  # bytes of answers (and the requests they answer) one process holds at most
WAIT_SECONDS = 5.0  # how long a request waits for an identical one under way
VERSION = b"ranked-version"  # on a mutation's response: the tenant's data version after it
MIN_VERSION = "ranked-min-version"  # on a read: answer at this version or a newer one
AT_LEAST = "ranked.at_least"  # the scope key of a request's MIN_VERSION, parsed

Key = tuple[int, str, str, bytes]  # tenant, view, authorization, body or query string


@dataclass(frozen=True, slots=True)
class Answer:
    version: str
    body: bytes
    headers: list[tuple[bytes, bytes]]
    etag: bytes
    as_of: float = 0.0  # time.monotonic() when its version was read: it holds what was before
    operation: tuple[str | None, str] = (None, "query")  # name and type, for the metrics


class Answers:
    """A bounded LRU of answers, and the misses under way."""

    def __init__(self, size: int, held: int = HELD) -> None:
        self.size = size
        self.held = held
        self._items: OrderedDict[Key, Answer] = OrderedDict()
        self._bytes = 0
        self.flights: dict[Key, asyncio.Future[Answer | None]] = {}

    def get(self, key: Key) -> Answer | None:
        found = self._items.get(key)
        if found is not None:
            self._items.move_to_end(key)
        return found

    def put(self, key: Key, answer: Answer) -> None:
        replaced = self._items.pop(key, None)
        if replaced is not None:
            self._bytes -= _weight(key, replaced)
        self._items[key] = answer
        self._bytes += _weight(key, answer)
        while self._items and (len(self._items) > self.size or self._bytes > self.held):
            old_key, old = self._items.popitem(last=False)
            self._bytes -= _weight(old_key, old)


def _weight(key: Key, answer: Answer) -> int:
    return len(key[3]) + len(key[2]) + len(answer.body)


def at_least(header: str | None) -> int:
    """The version a ``ranked-min-version`` header asks for (0: none, or not digits)."""
    value = (header or "").strip()
    return int(value) if value.isascii() and value.isdigit() and len(value) < 40 else 0


def newer_or_same(answer: Answer | None, version: str) -> bool:
    """Whether ``answer`` was computed at ``version`` or after (versions grow)."""
    if answer is None:
        return False
    try:
        return int(answer.version) >= int(version)
    except ValueError:
        return answer.version == version


class FastReads:
    """ASGI: answers repeated GraphQL queries from :class:`Answers`, else runs ``app``."""

    def __init__(self, app: ASGIApp, deps: Callable[[], Deps], size: int) -> None:
        self.app = app
        self.deps = deps
        self.answers = Answers(size)
        self.wrote: OrderedDict[tuple[int, str], float] = OrderedDict()  # caller: last write

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.answers.size:
            await self.app(scope, receive, send)
            return
        request = await _request(scope, receive)
        if request is None:
            await self.app(scope, receive, send)
            return
        body, replay = request
        key, version = await self._look_up(scope, body)
        if key is None or version is None:
            await self.app(scope, replay, send)
            return
        answer = self.answers.get(key)
        stale = answer is not None and answer.version != version
        if answer is None or (stale and not self._may_serve_stale(key, answer, scope[AT_LEAST])):
            answer = await self._wait_for(key, version)
            stale = False
        if answer is not None and await self._admitted(scope):
            metrics.result_cache(hit=True)
            await _send_answer(scope, send, answer, hit="stale" if stale else "hit")
            seconds = time.monotonic() - scope[AS_OF]
            metrics.operation_done(*answer.operation, "ok", seconds)
            return
        await self._run(key, scope, replay, send)

    def _may_serve_stale(self, key: Key, answer: Answer, scope_at_least: int) -> bool:
        """Whether a superseded ``answer`` may still be served: young enough, the caller
        wrote nothing since, and its successor is being computed (or it is young enough
        not to need one yet)."""
        bound = self.deps().settings.read_staleness_ms / 1000
        age = time.monotonic() - answer.as_of
        if age >= bound or self.wrote.get((key[0], key[2]), -1.0) >= answer.as_of:
            return False
        if scope_at_least and not newer_or_same(answer, str(scope_at_least)):
            return False  # the caller asks for a version at least as new as its write
        return key in self.answers.flights or age < bound / 2

    async def _look_up(self, scope: Scope, body: bytes) -> tuple[Key | None, str | None]:
        deps = self.deps()
        authorization = _header(scope, b"authorization")
        caller = await identify(deps.keys, authorization, _client(scope))
        if caller.problem is not None:
            return None, None
        scope["ranked.caller"] = caller
        scope[AS_OF] = time.monotonic()
        scope[AT_LEAST] = at_least(_header(scope, MIN_VERSION.encode()))
        try:
            version = await deps.store.data_version(caller.tenant.id, scope[AT_LEAST])
        except Unavailable:
            return None, None
        return (caller.tenant.id, caller.view, authorization or "", body), version

    async def _admitted(self, scope: Scope) -> bool:
        """Whether the caller may read now (its rate budget pays for it)."""
        try:
            await self.deps().limiter.spend(scope["ranked.caller"], Budget.READS)
        except RankedError:
            return False  # Strawberry answers with the refusal
        return True

    async def _wait_for(self, key: Key, version: str) -> Answer | None:
        """The answer of an identical request under way, if it is new enough."""
        flight = self.answers.flights.get(key)
        if flight is None:
            return None
        try:  # (shielded: this request's own cancellation still ends it, the leader's not)
            answer = await asyncio.wait_for(asyncio.shield(flight), WAIT_SECONDS)
        except TimeoutError:
            return None
        return answer if newer_or_same(answer, version) else None

    async def _run(self, key: Key, scope: Scope, receive: Receive, send: Send) -> None:
        """Strawberry's answer, kept when the result cache found it cacheable."""
        leader = key not in self.answers.flights
        flight: asyncio.Future[Answer | None] = asyncio.get_running_loop().create_future()
        if leader:
            self.answers.flights[key] = flight
        kept: Answer | None = None
        try:
            kept = await _capture(self.app, scope, receive, send, self._version_after)
            if kept is not None:
                self.answers.put(key, kept)
            else:  # a mutation (or an answer not kept): this caller may have written
                self.wrote[key[0], key[2]] = time.monotonic()
                self.wrote.move_to_end((key[0], key[2]))
                while len(self.wrote) > WRITERS_KEPT:
                    self.wrote.popitem(last=False)
        finally:
            if leader:
                del self.answers.flights[key]
                flight.set_result(kept)

    async def _version_after(self, scope: Scope) -> bytes | None:
        """The tenant's data version after a mutation (for ``ranked-version``)."""
        try:
            version = await self.deps().store.data_version(scope["ranked.caller"].tenant.id)
        except Unavailable:
            return None
        return version.encode()


async def _capture(
    app: ASGIApp,
    scope: Scope,
    receive: Receive,
    send: Send,
    version_after: Callable[[Scope], Awaitable[bytes | None]],
) -> Answer | None:
    """Run ``app``; its response goes out with an ETag when the result cache marked it
    cacheable (then returned as an :class:`Answer`), a mutation's with ``ranked-version``."""
    start: MutableMapping[str, Any] | None = None
    parts: list[bytes] = []
    streamed = False

    async def keep(message: MutableMapping[str, Any]) -> None:
        nonlocal start, streamed
        if message["type"] == "http.response.start":
            start = message
            return
        if streamed or message.get("more_body"):  # in parts: passed on as it comes
            if not streamed and start is not None:
                await send(start)
            streamed = True
            await send(message)
            return
        parts.append(message.get("body", b""))

    await app(scope, receive, keep)
    if streamed or start is None:
        return None
    body = b"".join(parts)
    marked = scope.get(CACHEABLE)
    if marked is None or start["status"] != 200 or len(body) > LARGEST:
        if scope.get(OPERATION, (None, ""))[1] == "mutation":
            version = await version_after(scope)
            if version is not None:
                start = {**start, "headers": [*start.get("headers", []), (VERSION, version)]}
        await send(start)
        await send({"type": "http.response.body", "body": body})
        return None
    etag = _etag(marked, body)
    headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"etag"]
    operation = scope.get(OPERATION, (None, "query"))
    answer = Answer(str(marked[1]), body, headers, etag, scope[AS_OF], operation)
    await _send_answer(scope, send, answer, hit="miss")
    return answer


async def _send_answer(scope: Scope, send: Send, answer: Answer, *, hit: str) -> None:
    extra = [(b"etag", answer.etag), (b"ranked-cache", hit.encode())]
    if _header(scope, b"if-none-match") == answer.etag.decode():
        kept = [(k, v) for k, v in answer.headers if k.lower() not in {b"content-length"}]
        await send({"type": "http.response.start", "status": 304, "headers": kept + extra})
        await send({"type": "http.response.body", "body": b""})
        return
    await send({"type": "http.response.start", "status": 200, "headers": answer.headers + extra})
    await send({"type": "http.response.body", "body": answer.body})


def _etag(marked: tuple[int, str], body: bytes) -> bytes:
    digest = hashlib.blake2b(body, digest_size=12, person=str(marked[0]).encode()[:16])
    return f'"{digest.hexdigest()}"'.encode()


async def _request(scope: Scope, receive: Receive) -> tuple[bytes, Receive] | None:
    """What identifies the request (the body of a POST, the query string of a GET), and a
    ``receive`` that gives the body again; None for anything else."""
    method = scope.get("method")
    if method == "GET":
        query = scope.get("query_string", b"")
        return (b"GET?" + query, receive) if b"query=" in query else None
    if method != "POST" or b"json" not in _header(scope, b"content-type").encode():
        return None
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return None  # the client went away
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            break
    body = b"".join(chunks)
    given = False

    async def replay() -> MutableMapping[str, Any]:
        nonlocal given
        if given:
            return await receive()
        given = True
        return {"type": "http.request", "body": body, "more_body": False}

    return body, replay


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers", []):
        if key == name:
            return str(value.decode("latin-1"))
    return ""


def _client(scope: Scope) -> str | None:
    client = scope.get("client")
    return str(client[0]) if client else None
