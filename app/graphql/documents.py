"""A parse cache for GraphQL documents.

Strawberry's ``ParserCache`` raises syntax errors from its ``on_parse`` hook, which stops
the ``on_operation`` hooks of other extensions from finishing, so ``ErrorCodes`` never sees
the error. This cache only stores documents that parse; for a document that does not, it
leaves the parsing to strawberry, which reports the error the normal way.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from graphql import DocumentNode, GraphQLError, parse
from strawberry.extensions import SchemaExtension

MAX_DOCUMENTS = 256


@lru_cache(maxsize=MAX_DOCUMENTS)
def parse_cached(query: str, options: tuple[tuple[str, Any], ...]) -> DocumentNode:
    """Parse ``query`` with parser ``options`` (such as the token limit); failures are not
    cached (``lru_cache`` keeps only results)."""
    return parse(query, **dict(options))


class DocumentCache(SchemaExtension):
    def on_parse(self) -> Iterator[None]:
        ctx = self.execution_context
        if ctx.query and ctx.graphql_document is None:
            options = tuple(sorted(ctx.parse_options.items()))
            # On a syntax error strawberry parses it again and reports the error itself.
            with contextlib.suppress(GraphQLError):
                ctx.graphql_document = parse_cached(ctx.query, options)
        yield
