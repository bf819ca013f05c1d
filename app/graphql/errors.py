"""Turn every error of an operation into a GraphQL error with ``extensions.code``.

Domain errors (:mod:`app.errors`) keep their message and code. Errors graphql-core raises
itself (syntax, validation, variable coercion, query limits) are the client's input:
``BAD_USER_INPUT``. Anything else is a bug: ``INTERNAL`` with a generic message, unless the
service runs in debug mode.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from app.errors import RankedError

log = logging.getLogger("app.graphql")

INTERNAL_MESSAGE = "Internal server error."


def coded(error: GraphQLError, *, debug: bool) -> GraphQLError:
    """The client-facing version of ``error``, with ``extensions.code`` set."""
    original = error.original_error
    if isinstance(original, GraphQLError) and original is not error:
        return coded(original, debug=debug)
    if isinstance(original, RankedError):
        message, extensions = original.message, {**original.extensions, "code": original.code}
    elif original is None:
        message, extensions = error.message, {"code": "BAD_USER_INPUT"}
    else:
        message = f"{INTERNAL_MESSAGE} {original!r}" if debug else INTERNAL_MESSAGE
        extensions = {"code": "INTERNAL"}
    return GraphQLError(
        message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=original,
        extensions=extensions,
    )


def is_unexpected(error: GraphQLError) -> bool:
    original = error.original_error
    return original is not None and not isinstance(original, (RankedError, GraphQLError))


class ErrorCodes(SchemaExtension):
    """Schema extension applying :func:`coded` to the result of every operation."""

    def __init__(self, *, debug: bool = False) -> None:
        self.debug = debug

    def on_operation(self) -> Iterator[None]:
        yield
        self._code(self.execution_context.result)

    def on_stream_result(self, result: Any) -> Iterator[None]:
        """Each result of a subscription, before it is sent."""
        self._code(result)
        yield

    def _code(self, result: Any) -> None:
        errors = getattr(result, "errors", None)
        if result is not None and errors:
            # In place: for parse errors strawberry has already handed this list onwards.
            errors[:] = [coded(e, debug=self.debug) for e in errors]


# Errors strawberry's websocket handlers send on their own, bypassing the extensions.
PROTOCOL_ERROR_CODES = {"Subscription limit reached": "RATE_LIMITED"}


def code_protocol_error(message: object) -> object:
    """A websocket ``error`` message with ``extensions.code`` on every error in it."""
    if not (isinstance(message, dict) and message.get("type") == "error"):
        return message
    payload = message.get("payload")
    errors = payload if isinstance(payload, list) else [payload]
    for error in errors:
        if isinstance(error, dict) and not (error.get("extensions") or {}).get("code"):
            code = PROTOCOL_ERROR_CODES.get(str(error.get("message")), "BAD_USER_INPUT")
            error["extensions"] = {**(error.get("extensions") or {}), "code": code}
    return message
