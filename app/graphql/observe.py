"""Metrics and the slow-operation log of every GraphQL operation (``app.ops.metrics``).

Listed before ``ErrorCodes`` in the schema's extensions, so that when an operation (or a
pushed result) is counted its errors already carry their ``extensions.code``. A query or
mutation is timed from parsing to its result; a subscription is counted while it runs (by
its field) and once when it ends, without a duration: how long a client listens says
nothing of the service. The slow log names the operation, its time and (through the log
format) the request id, never its variables: they may hold secrets.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from typing import Any

from graphql import FieldNode, GraphQLError, get_operation_ast
from strawberry.extensions import SchemaExtension

from app.graphql.errors import coded
from app.ops import metrics

log = logging.getLogger("app.graphql.slow")

SUBSCRIPTION = "subscription"
OPERATION = "ranked.operation"  # the ASGI scope key of an operation that ended well


class Observed(SchemaExtension):
    def __init__(self, *, slow_ms: float = 0) -> None:
        self.slow_ms = slow_ms
        self._subscribed: str | None = None  # the field of a running subscription

    def on_operation(self) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self._ended(time.perf_counter() - started)

    def on_execute(self) -> Iterator[None]:
        yield  # (an exception here: no subscription started)
        if self._kind() == SUBSCRIPTION:
            self._subscribed = self._root_field()
            metrics.subscription_started(self._subscribed)

    def on_stream_result(self, result: Any) -> Iterator[None]:
        yield
        if self._kind() == SUBSCRIPTION:  # (a query over a websocket counts when it ends)
            metrics.errors_sent(_codes(getattr(result, "errors", None)))

    def _ended(self, seconds: float) -> None:
        ctx = self.execution_context
        kind, name = self._kind(), ctx.operation_name
        result = ctx.result
        codes = _codes(result.errors) if result is not None else ["INTERNAL"]
        outcome = codes[0] if codes else "ok"
        admitted = _admitted(ctx.context, outcome, bool(ctx.pre_execution_errors))
        if kind == SUBSCRIPTION:
            if self._subscribed is not None:
                metrics.subscription_ended(self._subscribed)
            metrics.operation_done(name, kind, outcome, None, admitted=admitted)
            return
        metrics.errors_sent(codes)
        metrics.operation_done(name, kind, outcome, seconds, admitted=admitted)
        scope = getattr(ctx.context, "request", None)
        scope = getattr(scope, "scope", None)
        if scope is not None and admitted and outcome == "ok":  # its answer may be kept: a
            scope[OPERATION] = (name, kind)  # hit of it counts as this (app.graphql.fastpath)
        took_ms = seconds * 1000
        if self.slow_ms and took_ms > self.slow_ms:
            shown = _shown(name)
            log.warning(
                "slow %s %s: %.1f ms",
                kind,
                shown,
                took_ms,
                extra={
                    "operation": shown,
                    "operation_type": kind,
                    "duration_ms": round(took_ms, 3),
                },
            )

    def _kind(self) -> str:
        """query, mutation or subscription; "unknown" for a document that did not parse or
        names no operation of it."""
        try:
            return self.execution_context.operation_type.value
        except Exception:  # noqa: BLE001 - strawberry raises several kinds for a bad document
            return "unknown"

    def _root_field(self) -> str:
        """The subscription's field (a valid document: one of the schema's)."""
        ctx = self.execution_context
        operation = get_operation_ast(ctx.graphql_document, ctx.operation_name)  # type: ignore[arg-type]
        selections = operation.selection_set.selections if operation is not None else ()
        first = selections[0] if selections else None
        return first.name.value if isinstance(first, FieldNode) else "other"


def _admitted(context: Any, outcome: str, refused_early: bool) -> bool:
    """Whether the operation may add its name to those reported: its caller holds a valid
    key and the document parsed and validated (a refusal before execution with
    BAD_USER_INPUT is a document that did not). Anyone can send requests that are refused,
    under any name, and must not crowd out the names of real operations."""
    caller = getattr(context, "caller", None)
    if caller is None or caller.key_id is None or caller.problem is not None:
        return False
    return not (refused_early and outcome == "BAD_USER_INPUT")


def _codes(errors: list[GraphQLError] | None) -> list[str]:
    """The ``extensions.code`` of each error (as :func:`coded` would give an uncoded one)."""
    codes = []
    for error in errors or []:
        code = (error.extensions or {}).get("code")
        if not code:
            code = (coded(error, debug=False).extensions or {}).get("code", "INTERNAL")
        codes.append(str(code))
    return codes


def _shown(name: str | None) -> str:
    """The operation's name as logged: a name the client sent may be anything (a line
    break that forges a log line), so only a plain GraphQL name is written as it is."""
    if not name:
        return metrics.ANONYMOUS
    return name if metrics.OPERATION_NAME.fullmatch(name) else repr(name[:64])
