"""What an operation costs before it runs: the number of nodes it may return.

Every field costs 1. A field with a ``first`` (or ``radius``) argument may return that many
items, so what it selects costs that many times over (for a connection, what its ``edges``
select: its ``totalCount`` and ``pageInfo`` are counted once); lists with no such argument count as
``LIST_SIZES`` says (their bound in the service), or ``DEFAULT_LIST``. Costs multiply down
the path: ``entries(first: 1000) { ... participant { scoreHistory(first: 1000) { id } } }``
costs about two million, and is refused before anything runs.
"""

from __future__ import annotations

from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLField,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
)
from graphql.execution.values import get_variable_values

DEFAULT_LIST = 50
# `__schema` or `__type`: the schema is finite, so its introspection is bounded, at about
# this many nodes (the full introspection of this schema GraphiQL asks for: 5,745).
INTROSPECTION = 10_000
META_FIELDS = ("__schema", "__type")
# Lists without a size argument, by field name: their bound in the service.
LIST_SIZES = {
    "wins": 10,
    "breakdown": 20,
    "weights": 20,
    "metrics": 100,
    "leaderboards": 200,
}
SIZE_ARGUMENTS = ("first", "last")


def operation_cost(
    schema: GraphQLSchema,
    operation: OperationDefinitionNode,
    fragments: dict[str, FragmentDefinitionNode],
    variables: dict[str, Any] | None,
    largest: int,
) -> int:
    """The operation's cost; a size above ``largest`` (the page cap, which the field itself
    refuses, naming it) counts as ``largest``. ``variables`` must be coerced
    (``coerced_variables``): a variable's default, or ``1000.0`` for an Int, is what runs."""
    root = schema.get_root_type(operation.operation)
    if root is None:
        return 0
    counter = _Counter(schema, fragments, variables or {}, largest)
    return counter.selection(root, operation.selection_set, set())


def coerced_variables(
    schema: GraphQLSchema, operation: OperationDefinitionNode, given: dict[str, Any] | None
) -> dict[str, Any]:
    """The variables as execution will see them (defaults applied, values coerced); the
    raw ones when they do not coerce (then execution refuses the operation anyway)."""
    found: Any = get_variable_values(schema, operation.variable_definitions or (), given or {})
    coerced = getattr(found, "coerced", found)  # graphql-core 3.3: VariableValues.coerced
    return coerced if isinstance(coerced, dict) else dict(given or {})


class _Counter:
    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: dict[str, FragmentDefinitionNode],
        variables: dict[str, Any],
        largest: int,
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables
        self.largest = largest

    def selection(
        self,
        parent: GraphQLNamedType,
        selections: SelectionSetNode | None,
        seen: set[str],
        edges: int = 1,
    ) -> int:
        """What ``selections`` on ``parent`` cost; ``edges`` is the page size of the
        connection ``parent`` is, if it is one."""
        if selections is None:
            return 0
        total = 0
        for node in selections.selections:
            if isinstance(node, FieldNode):
                total += self.field(parent, node, seen, edges)
            elif isinstance(node, InlineFragmentNode):
                condition = node.type_condition
                typed = self.schema.get_type(condition.name.value) if condition else parent
                total += self.selection(typed or parent, node.selection_set, seen, edges)
            elif isinstance(node, FragmentSpreadNode):
                name = node.name.value
                fragment = self.fragments.get(name)
                if fragment is None or name in seen:  # validation refuses cycles anyway
                    continue
                typed = self.schema.get_type(fragment.type_condition.name.value)
                total += self.selection(
                    typed or parent, fragment.selection_set, seen | {name}, edges
                )
        return total

    def field(self, parent: GraphQLNamedType, node: FieldNode, seen: set[str], edges: int) -> int:
        if not isinstance(parent, GraphQLObjectType):
            return 1
        if node.name.value in META_FIELDS:
            return INTROSPECTION
        definition = parent.fields.get(node.name.value)
        if definition is None:  # __typename
            return 1
        if node.name.value == "edges" and _is_connection(parent):
            inner = self.selection(get_named_type(definition.type), node.selection_set, seen)
            return 1 + edges * inner
        kind = get_named_type(definition.type)
        size = min(self.size(definition, node), self.largest)
        if _is_connection(kind):  # the size multiplies its edges only
            return 1 + self.selection(kind, node.selection_set, seen, size)
        return 1 + size * self.selection(kind, node.selection_set, seen)

    def size(self, definition: GraphQLField, node: FieldNode) -> int:
        """How many items the field may return (1 for a single object)."""
        given = {a.name.value: a.value for a in node.arguments or ()}
        for name in SIZE_ARGUMENTS:
            if name in definition.args:
                return max(1, self._int(given.get(name), definition.args[name].default_value))
        if "radius" in definition.args:
            return (
                2 * max(0, self._int(given.get("radius"), definition.args["radius"].default_value))
                + 1
            )
        if _is_list(definition.type):
            return LIST_SIZES.get(node.name.value, DEFAULT_LIST)
        return 1

    def _int(self, value: object, default: object) -> int:
        if isinstance(value, IntValueNode):
            return int(value.value)
        if isinstance(value, VariableNode):  # (the variables are coerced: defaults applied)
            given = self.variables.get(value.name.value)
            return given if isinstance(given, int) else _default_int(default)
        return _default_int(default)


def _default_int(default: object) -> int:
    return default if isinstance(default, int) else DEFAULT_LIST


def _is_connection(kind: object) -> bool:
    return (
        isinstance(kind, GraphQLObjectType) and "edges" in kind.fields and "pageInfo" in kind.fields
    )


def _is_list(kind: object) -> bool:
    if isinstance(kind, GraphQLNonNull):
        kind = kind.of_type
    return isinstance(kind, GraphQLList)
