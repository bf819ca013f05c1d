"""GraphQL types of leaderboards. Resolvers parse arguments and call ``rankings``; no logic."""

from __future__ import annotations

import strawberry

from app.context import GraphQLInfo
from app.errors import BadUserInput
from app.graphql.cursors import id_cursor, parse_id_cursor, parse_rank_cursor, rank_cursor
from app.graphql.pagination import Connection, Edge, PageInfo, check_first, parse_id
from app.leaderboards import rankings
from app.leaderboards.rankings import EntryView
from app.leaderboards.service import BoardInfo
from app.participants.types import Participant
from app.ranking.keys import BoardRef

DEFAULT_PAGE = 10


@strawberry.type(description="One participant's place on a leaderboard.")
class LeaderboardEntry:
    rank: int = strawberry.field(description="1-based; equal scores share a rank (1, 2, 2, 4).")
    score: float
    participant: Participant

    @classmethod
    def from_view(cls, v: EntryView) -> LeaderboardEntry:
        return cls(rank=v.rank, score=v.score, participant=Participant.from_view(v.participant))


EntryConnection = Connection[LeaderboardEntry]


def entry_connection(page: rankings.EntriesPage) -> Connection[LeaderboardEntry]:
    edges = [
        Edge(cursor=rank_cursor(e.cursor), node=LeaderboardEntry.from_view(e)) for e in page.entries
    ]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=page.has_next,
            has_previous_page=page.has_previous,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        total_count=page.total,
    )


@strawberry.type(description="Participants who share one score.")
class ScoreGroup:
    score: float
    count: int
    average_age: float | None = strawberry.field(
        description="Mean age of the group's participants with a known age, to 2 decimals."
    )
    board: strawberry.Private[BoardRef]

    @strawberry.field(description="The group's participants, oldest first.")
    async def participants(
        self, info: GraphQLInfo, first: int = DEFAULT_PAGE, after: str | None = None
    ) -> Connection[Participant]:
        check_first(first, info.context.deps.settings.max_page_size)
        key = (self.board, self.score, first, parse_id_cursor(after))
        people, has_next = await info.context.score_group_members.load(key)
        edges = [Edge(cursor=id_cursor(p.id), node=Participant.from_view(p)) for p in people]
        return Connection(
            edges=edges,
            page_info=PageInfo(
                has_next_page=has_next,
                has_previous_page=after is not None,
                start_cursor=edges[0].cursor if edges else None,
                end_cursor=edges[-1].cursor if edges else None,
            ),
            total_count=self.count,
        )


@strawberry.type(description="A ranking of participants by score.")
class Leaderboard:
    key: str
    name: str
    description: str
    period: str
    info: strawberry.Private[BoardInfo]

    @classmethod
    def from_info(cls, info: BoardInfo) -> Leaderboard:
        return cls(
            key=info.ref.key,
            name=info.name,
            description=info.description,
            period=info.ref.period,
            info=info,
        )

    @strawberry.field(description="How many participants are ranked.")
    async def size(self, info: GraphQLInfo) -> int:
        return await rankings.size(info.context.deps, self.info.ref)

    @strawberry.field(description="Best first; ties in order of participant id.")
    async def entries(
        self, info: GraphQLInfo, first: int = DEFAULT_PAGE, after: str | None = None
    ) -> Connection[LeaderboardEntry]:
        deps = info.context.deps
        check_first(first, deps.settings.max_page_size)
        page = await rankings.page(deps, self.info.ref, first, parse_rank_cursor(after))
        return entry_connection(page)

    @strawberry.field(description="The participant's entry; null if not ranked here.")
    async def entry(
        self, info: GraphQLInfo, participant_id: strawberry.ID
    ) -> LeaderboardEntry | None:
        pid = parse_id(participant_id, name="participantId")
        window = await rankings.around(info.context.deps, self.info.ref, pid, 0)
        return LeaderboardEntry.from_view(window[0]) if window else None

    @strawberry.field(description="The participant's entry with `radius` entries above and below.")
    async def around(
        self, info: GraphQLInfo, participant_id: strawberry.ID, radius: int = 5
    ) -> list[LeaderboardEntry]:
        deps = info.context.deps
        pid = parse_id(participant_id, name="participantId")
        if not 0 <= radius <= deps.settings.max_radius:
            cap = deps.settings.max_radius
            raise BadUserInput(f"radius must be between 0 and {cap}.", field="radius", max=cap)
        return [
            LeaderboardEntry.from_view(e)
            for e in await rankings.around(deps, self.info.ref, pid, radius)
        ]
