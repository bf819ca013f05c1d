"""Participant queries."""

from __future__ import annotations

import strawberry

from app.context import GraphQLInfo
from app.graphql.cursors import id_cursor, parse_id_cursor
from app.graphql.pagination import Connection, Edge, PageInfo, check_first, parse_id
from app.participants import service
from app.participants.types import Participant
from app.participants.validation import MAX_SEARCH_RESULTS
from app.participants.views import get_participants


@strawberry.type
class ParticipantQueries:
    @strawberry.field(description="The participant with this id; null when there is none.")
    async def participant(self, info: GraphQLInfo, id: strawberry.ID) -> Participant | None:
        pid = parse_id(id)
        found = await get_participants(info.context.tenant.id, [pid])
        return Participant.from_view(found[pid]) if pid in found else None

    @strawberry.field(description="All participants, oldest first.")
    async def participants(
        self, info: GraphQLInfo, first: int = 10, after: str | None = None
    ) -> Connection[Participant]:
        check_first(first, info.context.deps.settings.max_page_size)
        page = await service.list_participants(
            info.context.tenant.id, first, parse_id_cursor(after)
        )
        edges = [Edge(cursor=id_cursor(p.id), node=Participant.from_view(p)) for p in page.items]
        return Connection(
            edges=edges,
            page_info=PageInfo(
                has_next_page=page.has_next,
                has_previous_page=after is not None,
                start_cursor=edges[0].cursor if edges else None,
                end_cursor=edges[-1].cursor if edges else None,
            ),
            total_count=page.total,
        )

    @strawberry.field(
        description="Participants whose name starts with `query` (any case), or whose"
        " externalId or id is `query`: exact matches first, then by name."
    )
    async def search_participants(
        self, info: GraphQLInfo, query: str, first: int = 10
    ) -> list[Participant]:
        check_first(first, MAX_SEARCH_RESULTS)
        found = await service.search_participants(info.context.tenant.id, query, first)
        return [Participant.from_view(p) for p in found]
