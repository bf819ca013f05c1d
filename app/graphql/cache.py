"""Reuse the result of an identical query while the tenant's data has not changed.

Leaderboard pages are read far more often than they change, and building a page of 100
entries costs far more in GraphQL execution than in Redis. Every committed change bumps the
tenant's data version in Redis (``RankingStore.data_version``); a query's result is kept
in this process under (tenant, version, document, variables) and served again only while
the version is the same, so a cached answer is never older than the last committed change.
Mutations, subscriptions, results with errors and results a resolver marks
``context.uncacheable`` (the key's own ``viewer``, keys, the audit log) are never cached.
A cacheable result marks its HTTP request so, with the version it is valid for: the layer
in front of Strawberry (``app.graphql.fastpath``) then keeps the response's bytes too.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import AsyncIterator
from typing import Any

from graphql import ExecutionResult
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from app.errors import Unavailable
from app.graphql.fastpath import CACHEABLE, MIN_VERSION, at_least
from app.ops import metrics

Key = tuple[int, str, str, str, str, str | None]  # callers who see more get their own


class ResultStore:
    """A bounded LRU of execution results, shared by the requests of one process."""

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self._items: OrderedDict[Key, ExecutionResult] = OrderedDict()

    def get(self, key: Key) -> ExecutionResult | None:
        result = self._items.get(key)
        if result is not None:
            self._items.move_to_end(key)
        return result

    def put(self, key: Key, result: ExecutionResult) -> None:
        self._items[key] = result
        self._items.move_to_end(key)
        while len(self._items) > self.maxsize:
            self._items.popitem(last=False)


class ResultCache(SchemaExtension):
    """Schema extension serving repeated queries from a :class:`ResultStore`."""

    def __init__(self, store: ResultStore) -> None:
        self.store = store

    async def on_execute(self) -> AsyncIterator[None]:
        ctx = self.execution_context
        if ctx.result is not None or ctx.pre_execution_errors:  # refused before it ran
            yield
            return
        key = await self._key() if ctx.operation_type == OperationType.QUERY else None
        cached = self.store.get(key) if key else None
        if key:
            metrics.result_cache(hit=cached is not None)
        if cached is not None:
            ctx.result = cached
        yield
        if not key or ctx.context.uncacheable:
            return
        if cached is None and ctx.result is not None and not ctx.result.errors:
            self.store.put(key, ctx.result)
            cached = ctx.result
        scope = getattr(ctx.context.request, "scope", None)  # an HTTP request's
        if cached is not None and scope is not None:  # its bytes may be kept
            scope[CACHEABLE] = (key[0], key[2])  # (app.graphql.fastpath)

    async def _key(self) -> Key | None:
        ctx = self.execution_context
        context: Any = ctx.context
        try:
            headers = getattr(context.request, "headers", None) or {}
            wanted = at_least(headers.get(MIN_VERSION))  # (see app.graphql.fastpath)
            version = await context.deps.store.data_version(context.tenant.id, wanted)
        except Unavailable:
            return None  # no version, no caching; the query reports the outage itself
        variables = json.dumps(ctx.variables or {}, sort_keys=True, default=str)
        return (
            context.tenant.id,
            context.caller.view,
            version,
            ctx.query or "",
            variables,
            ctx.operation_name,
        )
