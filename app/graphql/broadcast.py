"""Execute a subscription event once for every subscriber that asked the same thing.

Strawberry runs the selection set of a subscription once per subscriber per event. When a
thousand dashboards follow one board, that is a thousand identical executions of one
event. Live streams yield the *same* event object to each of their subscribers (see
``app.live.subscriptions``), carrying a ``shared_results`` dict; this executor keeps the
result there under (document, variables) and hands it to every later subscriber with the
same query; an execution still pending (resolvers that await) is shared too. Results with
errors are never handed to later subscribers, and the dict dies with the event.

Subscribers of one event are always of one board, hence one tenant, so a shared result
never crosses tenants.
"""

from __future__ import annotations

import asyncio
import json
from collections import OrderedDict
from collections.abc import Callable
from inspect import isawaitable
from typing import Any

from graphql import ExecutionResult
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

Shared = dict[tuple[int, str], tuple[Any, "ExecutionResult | asyncio.Future[Any]"]]


class BroadcastExecutor(StrawberryGraphQLCoreExecutionContext):
    def execute_operation(self, serially: bool | None = None) -> Any:
        shared: Shared | None = getattr(self.root_value, "shared_results", None)
        if shared is None:
            return super().execute_operation(serially)
        operation = self.operation
        variables = json.dumps(self.variable_values.coerced, sort_keys=True, default=str)
        key = (id(operation), variables)
        found = shared.get(key)
        if found is not None and found[0] is operation:
            kept = found[1]
            return asyncio.shield(kept) if isinstance(kept, asyncio.Future) else kept
        result = super().execute_operation(serially)
        if not isawaitable(result):
            if isinstance(result, ExecutionResult) and not result.errors:
                shared[key] = (operation, result)
            return result
        # Resolvers that await (a loader, say): every subscriber woken by this event
        # arrives before the first finishes, so they share the pending execution. Each
        # awaits it shielded: one subscriber leaving must not cancel it for the others.
        pending = asyncio.ensure_future(result)
        shared[key] = (operation, pending)
        pending.add_done_callback(lambda done: _forget_failed(shared, key, done))
        return asyncio.shield(pending)


def _forget_failed(shared: Shared, key: tuple[int, str], done: asyncio.Future[Any]) -> None:
    """A failed execution is not handed to subscribers that come later."""
    if done.cancelled() or done.exception() is not None or done.result().errors:
        shared.pop(key, None)


class SharedPayloads:
    """Encode a shared result's JSON once for all the subscribers it is sent to.

    A websocket result message is ``{"id", "type": "next" | "data", "payload": {"data"}}``
    with a fresh payload per subscriber but, when the result was shared (above), the same
    ``data`` object. The JSON of that payload is kept, by the identity of ``data``, for the
    most recent ``size`` results; only the operation id is encoded per subscriber.
    """

    def __init__(self, size: int = 64) -> None:
        self.size = size
        self._encoded: OrderedDict[int, tuple[object, str]] = OrderedDict()

    def encode(self, message: object, encode: Callable[[object], str]) -> str | None:
        """The message's JSON, or None when it is not a result message of this shape."""
        if not (isinstance(message, dict) and message.get("type") in ("next", "data")):
            return None
        payload = message.get("payload")
        if not (isinstance(payload, dict) and payload.keys() == {"data"}) or len(message) != 3:
            return None
        data = payload["data"]
        found = self._encoded.get(id(data))
        if found is None or found[0] is not data:
            found = (data, encode(payload))
            self._encoded[id(data)] = found
            while len(self._encoded) > self.size:
                self._encoded.popitem(last=False)
        kind, op_id = json.dumps(message["type"]), json.dumps(message["id"])
        return f'{{"type":{kind},"id":{op_id},"payload":{found[1]}}}'
