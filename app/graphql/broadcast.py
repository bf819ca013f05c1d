"""Execute a subscription event once for every subscriber that asked the same thing.

Strawberry runs the selection set of a subscription once per subscriber per event. When a
thousand dashboards follow one board, that is a thousand identical executions of one
event. Live streams yield the *same* event object to each of their subscribers (see
``app.live.subscriptions``), carrying a ``shared_results`` dict; this executor keeps the
result there under (document, variables) and hands it to every later subscriber with the
same query. Results with errors are never shared, and the dict dies with the event.

Subscribers of one event are always of one board, hence one tenant, so a shared result
never crosses tenants.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable
from typing import Any

from graphql import ExecutionResult
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

Shared = dict[tuple[int, str], tuple[Any, ExecutionResult]]


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
            return found[1]
        result = super().execute_operation(serially)
        if isinstance(result, Awaitable):
            return _keep_when_done(shared, key, operation, result)
        _keep(shared, key, operation, result)
        return result


async def _keep_when_done(
    shared: Shared, key: tuple[int, str], operation: Any, pending: Awaitable[Any]
) -> Any:
    result = await pending
    _keep(shared, key, operation, result)
    return result


def _keep(shared: Shared, key: tuple[int, str], operation: Any, result: Any) -> None:
    if isinstance(result, ExecutionResult) and not result.errors:
        shared[key] = (operation, result)
