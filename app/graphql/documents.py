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

from graphql import DocumentNode, GraphQLError, parse
from strawberry.extensions import SchemaExtension

MAX_DOCUMENTS = 256


@lru_cache(maxsize=MAX_DOCUMENTS)
def _parse(query: str) -> DocumentNode:
    return parse(query)


class DocumentCache(SchemaExtension):
    def on_parse(self) -> Iterator[None]:
        ctx = self.execution_context
        if ctx.query and ctx.graphql_document is None and not ctx.parse_options:
            # On a syntax error strawberry parses it again and reports the error itself.
            with contextlib.suppress(GraphQLError):
                ctx.graphql_document = _parse(ctx.query)
        yield
