"""Who may run what, checked once per operation before anything runs.

In this order: the caller's rate budget pays for the operation (``app.tenancy.rates``:
its key's, or its address's without a valid key), so even refusals are bounded; the caller
holds a valid key (introspection too: any scope, a publishable key included; turn it off
with ``RANKED_INTROSPECTION``); ``RULES`` names the scope every root field needs
(``app.tenancy.scopes``) and a root field missing from it is refused (FORBIDDEN, and
logged: a new operation must be given a rule), so the table fails closed; a publishable
(PUBLIC) key may select of a participant, or a season, only its display fields; the
operation's cost (``app.graphql.cost``, with the variables as execution will coerce them)
is within ``RANKED_MAX_QUERY_COST``. Whatever refuses the operation does so before execution:
nothing is read, nothing changes.

Admin operations (their rule is ADMIN) are recorded in the tenant's audit log with their
arguments and outcome; a refused one of a valid key is recorded once per operation, without
its arguments.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    TypeInfo,
    TypeInfoVisitor,
    Visitor,
    get_operation_ast,
    value_from_ast_untyped,
    visit,
)
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document
from strawberry.types.graphql import OperationType

from app.context import Context
from app.errors import BadUserInput, Forbidden, RankedError, RateLimited
from app.graphql.cost import coerced_variables, operation_cost
from app.tenancy import audit
from app.tenancy.access import check_caller, require
from app.tenancy.rates import Budget
from app.tenancy.scopes import Scope

log = logging.getLogger("app.graphql")

PUBLIC, READ, INGEST, ADMIN = Scope.PUBLIC, Scope.READ, Scope.INGEST, Scope.ADMIN
RULES: dict[str, dict[str, Scope]] = {
    "query": {
        "viewer": PUBLIC,
        "leaderboard": PUBLIC,  # PUBLIC boards for publishable keys (app.tenancy.access)
        "leaderboards": PUBLIC,
        "winners": PUBLIC,
        "latestRun": PUBLIC,
        "leaderboardRuns": PUBLIC,
        "run": PUBLIC,
        "history": PUBLIC,
        "leaderboardTrends": PUBLIC,
        "retention": ADMIN,
        "participant": READ,
        "participants": READ,
        "searchParticipants": READ,
        "scoreGroups": READ,
        "metrics": READ,
        "apiKeys": ADMIN,
        "auditLog": ADMIN,
        "seasons": ADMIN,
        "seasonWeights": ADMIN,
        # PUBLIC seasons for publishable keys: a season is seen as its board is
        "activeSeason": PUBLIC,
        "seasonProgress": PUBLIC,
        "groups": READ,
        "group": READ,
        "groupStandings": PUBLIC,  # as its board is seen
    },
    "mutation": {
        "adjustPoints": INGEST,
        "recordScore": INGEST,
        "recordScores": INGEST,
        "addParticipant": INGEST,
        "updateParticipant": INGEST,
        "deleteParticipant": ADMIN,
        "defineMetric": ADMIN,
        "deleteMetric": ADMIN,
        "defineLeaderboard": ADMIN,
        "updateLeaderboard": ADMIN,
        "setLeaderboardWeights": ADMIN,
        "deactivateLeaderboard": ADMIN,
        "defineCalendarPeriod": ADMIN,
        "detectWinner": ADMIN,
        "triggerRun": ADMIN,
        "setRetention": ADMIN,
        "createApiKey": ADMIN,
        "revokeApiKey": ADMIN,
        "createSeason": ADMIN,
        "updateSeason": ADMIN,
        "activateSeason": ADMIN,
        "setSeasonWeights": ADMIN,
        "setSeasonRewards": ADMIN,
        "claimReward": INGEST,
        "defineGroups": ADMIN,
        "setMemberships": ADMIN,
    },
    "subscription": {
        "leaderboardTop": PUBLIC,
        "rankChanged": PUBLIC,
        "winnerDeclared": PUBLIC,
        "runCompleted": PUBLIC,
        "levelUp": PUBLIC,
    },
}
# What a publishable key may select of these types (anyone can read with such a key).
PUBLIC_FIELDS = {
    "Participant": frozenset({"id", "name", "avatarUrl", "__typename"}),
    # A season's display fields; its weights and rewards (payloads) need a READ key.
    "Season": frozenset(
        {
            "id",
            "key",
            "name",
            "startsAt",
            "endsAt",
            "isActive",
            "levels",
            "leaderboard",
            "__typename",
        }
    ),
}
BUDGETS = {"query": Budget.READS, "subscription": Budget.READS, "mutation": Budget.WRITES}
EVENTS_PER_WRITE = 100  # a bulk write spends one more token per this many items


class Access(SchemaExtension):
    """The checks above, as a schema extension (after validation, before execution)."""

    def __init__(self, *, max_cost: int) -> None:
        self.max_cost = max_cost

    async def on_validate(self) -> AsyncIterator[None]:
        """Before strawberry looks at the validation's errors (it does so inside this hook's
        block), so validate here first: only a valid operation is checked."""
        ctx = self.execution_context
        if ctx.pre_execution_errors is None and ctx.graphql_document is not None:
            ctx.pre_execution_errors = validate_document(
                ctx.schema._schema, ctx.graphql_document, ctx.validation_rules
            )
        operation = (
            get_operation_ast(ctx.graphql_document, ctx.operation_name)
            if ctx.graphql_document is not None and not ctx.pre_execution_errors
            else None
        )
        if operation is not None:
            try:
                await self._check(operation)
            except RankedError as refused:
                error = GraphQLError(refused.message, original_error=refused)
                ctx.pre_execution_errors = [error]
                if not isinstance(refused, RateLimited):
                    await self._audit_refusal(operation, refused.code)
        yield

    async def on_execute(self) -> AsyncIterator[None]:
        yield
        ctx = self.execution_context
        operation = get_operation_ast(ctx.graphql_document, ctx.operation_name)  # type: ignore[arg-type]
        if operation is None or ctx.result is None or ctx.operation_type != OperationType.MUTATION:
            return
        outcomes = {}
        for error in ctx.result.errors or []:
            if error.path:
                coded = (error.extensions or {}).get("code")
                if coded is None and isinstance(error.original_error, RankedError):
                    coded = error.original_error.code  # (coded when the result is sent)
                outcomes[str(error.path[0])] = coded or "INTERNAL"
        await self._audit(operation, outcomes, audit.OK)

    async def _check(self, operation: OperationDefinitionNode) -> None:
        ctx = self.execution_context
        context: Context = ctx.context
        kind = operation.operation.value
        fields = [f for f in self._root_fields(operation) if not f.name.value.startswith("__")]
        schema = ctx.schema._schema
        variables = coerced_variables(schema, operation, ctx.variables)
        await context.deps.limiter.spend(
            context.caller, BUDGETS[kind], self._writes(fields, variables)
        )
        check_caller(context.caller)
        for field in fields:
            name = field.name.value
            scope = RULES[kind].get(name)
            if scope is None:
                log.error("no access rule for %s %s: refused", kind, name)
                raise Forbidden(f"`{name}` is not open to any key.")
            require(context.caller, scope, f"`{name}`")
        if context.caller.publishable:
            self._check_public_fields()
        fragments = self._fragments()
        largest = context.deps.settings.max_page_size
        cost = operation_cost(schema, operation, fragments, variables, largest)
        if cost > self.max_cost:
            raise BadUserInput(
                f"This operation may return {cost:,} nodes, more than {self.max_cost:,}: ask"
                " for fewer items (smaller `first`) or fewer nested lists.",
                cost=cost,
                maxCost=self.max_cost,
            )

    def _writes(self, fields: list[FieldNode], variables: dict[str, Any]) -> int:
        """Tokens an operation spends: one per root field (one at least), one more per 100
        items of their list arguments."""
        spent = 0
        for field in fields:
            spent += 1
            for argument in field.arguments or ():
                value = value_from_ast_untyped(argument.value, variables)
                if isinstance(value, list):
                    spent += len(value) // EVENTS_PER_WRITE
        return max(1, spent)

    def _check_public_fields(self) -> None:
        ctx = self.execution_context
        type_info = TypeInfo(ctx.schema._schema)
        refused: list[str] = []

        class Fields(Visitor):
            def enter_field(self, node: FieldNode, *_: object) -> None:
                parent = type_info.get_parent_type()
                allowed = PUBLIC_FIELDS.get(parent.name) if parent else None
                if allowed is not None and node.name.value not in allowed:
                    refused.append(f"{parent.name}.{node.name.value}")  # type: ignore[union-attr]

        visit(ctx.graphql_document, TypeInfoVisitor(type_info, Fields()))  # type: ignore[arg-type]
        if refused:
            raise Forbidden(
                f"A publishable key may not read {', '.join(sorted(set(refused)))}: use a"
                " READ key on a server."
            )

    def _fragments(self) -> dict[str, FragmentDefinitionNode]:
        document = self.execution_context.graphql_document
        definitions = document.definitions if document else ()
        return {d.name.value: d for d in definitions if isinstance(d, FragmentDefinitionNode)}

    def _root_fields(self, operation: OperationDefinitionNode) -> list[FieldNode]:
        fragments = self._fragments()
        found: list[FieldNode] = []

        def collect(selections: SelectionSetNode, seen: frozenset[str]) -> None:
            for node in selections.selections:
                if isinstance(node, FieldNode):
                    found.append(node)
                elif isinstance(node, InlineFragmentNode):
                    collect(node.selection_set, seen)
                elif isinstance(node, FragmentSpreadNode) and node.name.value not in seen:
                    fragment = fragments.get(node.name.value)
                    if fragment is not None:
                        collect(fragment.selection_set, seen | {node.name.value})

        collect(operation.selection_set, frozenset())
        return found

    async def _audit_refusal(self, operation: OperationDefinitionNode, code: str) -> None:
        """One entry for a refused operation with admin fields, naming them (the arguments
        of a refused request are not kept: a refusal must cost little)."""
        context: Context = self.execution_context.context
        who = context.caller
        kind = operation.operation.value
        names = sorted(
            {
                f.name.value
                for f in self._root_fields(operation)
                if RULES.get(kind, {}).get(f.name.value) == ADMIN
            }
        )
        if who.key_id is None or not who.tenant.id or not names:
            return
        try:
            await audit.record(who.tenant.id, who.key_id, who.key_name, ",".join(names), {}, code)
        except Exception:
            log.exception("could not write the audit entry of a refused %s", ",".join(names))

    async def _audit(
        self, operation: OperationDefinitionNode, outcomes: dict[str, str], default: str
    ) -> None:
        """Record the operation's admin fields; ``outcomes`` by response key (else
        ``default``)."""
        context: Context = self.execution_context.context
        who = context.caller
        if who.key_id is None or not who.tenant.id:
            return  # no tenant to log into: an unknown key, or none
        kind = operation.operation.value
        variables = self.execution_context.variables or {}
        for field in self._root_fields(operation):
            if RULES.get(kind, {}).get(field.name.value) != ADMIN:
                continue
            arguments: dict[str, Any] = {
                a.name.value: value_from_ast_untyped(a.value, variables)
                for a in field.arguments or ()
            }
            response_key = field.alias.value if field.alias else field.name.value
            try:
                await audit.record(
                    who.tenant.id,
                    who.key_id,
                    who.key_name,
                    field.name.value,
                    arguments,
                    outcomes.get(response_key, default),
                )
            except Exception:  # the operation's outcome stands; the gap is logged loudly
                log.exception("could not write the audit entry of %s", field.name.value)
