"""The schema, assembled from the domains' query and mutation types."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import strawberry
from graphql import GraphQLError, NoSchemaIntrospectionCustomRule
from strawberry.extensions import (
    AddValidationRules,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
    ValidationCache,
)
from strawberry.types import ExecutionContext

from app.graphql.broadcast import BroadcastExecutor
from app.graphql.cache import ResultCache, ResultStore
from app.graphql.documents import DocumentCache
from app.graphql.errors import ErrorCodes, is_unexpected, log
from app.graphql.observe import Observed
from app.graphql.permissions import Access
from app.groups.mutations import GroupMutations
from app.groups.queries import GroupQueries
from app.leaderboards.mutations import LeaderboardMutations
from app.leaderboards.queries import LeaderboardQueries
from app.live.subscriptions import Subscription
from app.participants.mutations import ParticipantMutations
from app.participants.queries import ParticipantQueries
from app.runs.mutations import RunMutations
from app.runs.queries import RunQueries
from app.scoring.mutations import ScoringMutations
from app.seasons.mutations import SeasonMutations
from app.seasons.queries import SeasonQueries
from app.settings import Settings
from app.tenancy.mutations import TenancyMutations
from app.tenancy.queries import TenancyQueries
from app.winners.mutations import WinnerMutations
from app.winners.queries import WinnerQueries


@strawberry.type
class Query(
    ParticipantQueries,
    LeaderboardQueries,
    WinnerQueries,
    RunQueries,
    TenancyQueries,
    SeasonQueries,
    GroupQueries,
):
    pass


@strawberry.type
class Mutation(
    ParticipantMutations,
    ScoringMutations,
    LeaderboardMutations,
    WinnerMutations,
    RunMutations,
    TenancyMutations,
    SeasonMutations,
    GroupMutations,
):
    pass


class RankedSchema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """Log only the errors that are bugs; client mistakes are not worth a traceback."""
        for error in errors:
            if is_unexpected(error):
                log.error("unexpected error", exc_info=error.original_error)


def build_schema(settings: Settings | None = None) -> strawberry.Schema:
    settings = settings or Settings()
    results = ResultStore(settings.result_cache_size)
    # The limiters' rule classes are made once: a limiter built per request makes new
    # classes, and the validation cache (keyed by the rules) would never hit.
    limits: list[Any] = [
        *QueryDepthLimiter(max_depth=settings.max_query_depth).validation_rules,
        *MaxAliasesLimiter(max_alias_count=settings.max_aliases).validation_rules,
    ]
    if not settings.introspection:
        limits.append(NoSchemaIntrospectionCustomRule)
    extensions: list[Callable[[], Any]] = [
        DocumentCache,
        lambda: AddValidationRules(limits),
        lambda: ValidationCache(maxsize=256),
        lambda: MaxTokensLimiter(max_token_count=settings.max_tokens),
        lambda: Observed(slow_ms=settings.slow_query_ms),  # before ErrorCodes: it counts
        lambda: ErrorCodes(debug=settings.debug),  # the codes ErrorCodes gives
        lambda: Access(max_cost=settings.max_query_cost),  # before the cache: it serves
    ]  # only what the caller may have
    if settings.result_cache_size > 0:
        extensions.append(lambda: ResultCache(results))
    return RankedSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        extensions=extensions,
        execution_context_class=BroadcastExecutor,
    )


def schema_sdl() -> str:
    """The schema in SDL, as committed in ``schema.graphql``."""
    return build_schema().as_str() + "\n"
