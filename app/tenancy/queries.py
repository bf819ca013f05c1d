"""Tenancy queries: who is asking; for admins, the tenant's keys and audit log."""

from __future__ import annotations

import strawberry

from app.context import GraphQLInfo
from app.graphql.cursors import id_cursor, parse_id_cursor
from app.graphql.pagination import PageInfo, check_first
from app.tenancy import audit, keys
from app.tenancy.types import (
    ApiKey,
    ApiKeyConnection,
    ApiKeyEdge,
    AuditEntry,
    AuditEntryConnection,
    AuditEntryEdge,
    Viewer,
)


@strawberry.type
class TenancyQueries:
    @strawberry.field(description="Who is asking: the key's tenant, name and scopes.")
    def viewer(self, info: GraphQLInfo) -> Viewer:
        info.context.uncacheable = True  # of this key, not of its view
        return Viewer.of(info.context.caller)

    @strawberry.field(description="The tenant's API keys, oldest first (admins).")
    async def api_keys(
        self, info: GraphQLInfo, first: int = 50, after: str | None = None
    ) -> ApiKeyConnection:
        ctx = info.context
        ctx.uncacheable = True  # keys change without changing the tenant's data version
        ctx.require_admin()
        check_first(first, ctx.deps.settings.max_page_size)
        page = await keys.list_keys(ctx.tenant.id, first, parse_id_cursor(after))
        edges = [ApiKeyEdge(cursor=id_cursor(k.id), node=ApiKey.from_view(k)) for k in page.items]
        return ApiKeyConnection(edges=edges, page_info=_page(edges, page.has_next, after))

    @strawberry.field(description="The tenant's admin operations, newest first (admins).")
    async def audit_log(
        self, info: GraphQLInfo, first: int = 50, after: str | None = None
    ) -> AuditEntryConnection:
        ctx = info.context
        ctx.uncacheable = True  # as for keys
        ctx.require_admin()
        check_first(first, ctx.deps.settings.max_page_size)
        page = await audit.entries(ctx.tenant.id, first, parse_id_cursor(after))
        edges = [
            AuditEntryEdge(cursor=id_cursor(e.id), node=AuditEntry.from_view(e)) for e in page.items
        ]
        return AuditEntryConnection(edges=edges, page_info=_page(edges, page.has_next, after))


def _page(
    edges: list[ApiKeyEdge] | list[AuditEntryEdge], more: bool, after: str | None
) -> PageInfo:
    return PageInfo(
        has_next_page=more,
        has_previous_page=after is not None,
        start_cursor=edges[0].cursor if edges else None,
        end_cursor=edges[-1].cursor if edges else None,
    )
