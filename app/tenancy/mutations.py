"""Tenancy mutations (admins): API keys."""

from __future__ import annotations

import strawberry

from app.context import GraphQLInfo
from app.graphql.pagination import parse_id
from app.tenancy import keys
from app.tenancy.scopes import Scope
from app.tenancy.types import ApiKey, CreatedApiKey


@strawberry.type
class TenancyMutations:
    @strawberry.mutation(
        description="Make an API key of this tenant. The key is in the answer, this once:"
        " only its digest is kept. PUBLIC (publishable) goes alone."
    )
    async def create_api_key(
        self, info: GraphQLInfo, name: str, scopes: list[Scope]
    ) -> CreatedApiKey:
        ctx = info.context
        ctx.require_admin()
        key, view = await keys.create_key(ctx.deps.keys, ctx.tenant.id, name, scopes)
        return CreatedApiKey(key=key, api_key=ApiKey.from_view(view))

    @strawberry.mutation(
        description="Revoke an API key: refused at once here, everywhere within"
        " RANKED_KEY_CACHE_SECONDS; its subscriptions end. Revoking it again changes nothing."
    )
    async def revoke_api_key(self, info: GraphQLInfo, id: strawberry.ID) -> ApiKey:
        ctx = info.context
        ctx.require_admin()
        view = await keys.revoke_key(ctx.deps.keys, ctx.tenant.id, parse_id(id))
        return ApiKey.from_view(view)
