"""GraphQL types of leaderboards. Resolvers parse arguments and call ``rankings``; no logic."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import strawberry

from app.context import GraphQLInfo
from app.errors import BadUserInput
from app.graphql.cursors import id_cursor, parse_id_cursor, parse_rank_cursor, rank_cursor
from app.graphql.pagination import Connection, Edge, PageInfo, check_first, parse_id
from app.groups.types import Group
from app.leaderboards import rankings
from app.leaderboards.breakdown import PartView
from app.leaderboards.definition_types import (
    Aggregation,
    GroupScore,
    LeaderboardFilter,
    LeaderboardMetric,
    RankMode,
    SortOrder,
    TieBreak,
    TimeWindow,
    Visibility,
)
from app.leaderboards.rankings import EntryView
from app.leaderboards.service import BoardInfo
from app.participants.types import Participant
from app.ranking.keys import BoardRef
from app.runs import loaders as run_loaders
from app.runs.types import LeaderboardRun

DEFAULT_PAGE = 10
MAX_BUCKETS = 100


@strawberry.type(description="One metric's part in a composite score.")
class ScorePart:
    metric: str = strawberry.field(description="The metric's key.")
    name: str
    unit: str
    aggregation: Aggregation  # type: ignore[valid-type]
    value: float = strawberry.field(description="The metric's aggregate over the period.")
    weight: float
    weighted: float = strawberry.field(description="weight x value.")
    events: int

    @classmethod
    def from_view(cls, p: PartView) -> ScorePart:
        m = p.metric
        return cls(
            metric=m.key, name=m.name, unit=m.unit, aggregation=m.aggregation, value=p.value,
            weight=m.weight, weighted=p.weighted, events=p.events,
        )  # fmt: skip


@strawberry.type(description="One participant's place on a leaderboard.")
class LeaderboardEntry:
    rank: int = strawberry.field(
        description="1-based, in the board's rank mode (COMPETITION: 1, 2, 2, 4)."
    )
    score: float
    participant: Participant
    reached_at: datetime | None = strawberry.field(
        default=None,
        description="When the participant reached this score, in event time (on boards whose"
        " tie-break is earliestToReach; null elsewhere).",
    )
    board: strawberry.Private[BoardInfo | None] = None
    competition_rank: strawberry.Private[int | None] = None  # for the percentile

    @classmethod
    def from_view(
        cls, v: EntryView, board: BoardInfo | None = None, competition_rank: int | None = None
    ) -> LeaderboardEntry:
        """An entry of ``board`` (None: an entry as ``adjustPoints`` answers it);
        ``competition_rank``: its COMPETITION rank, for its percentile (default: its rank)."""
        return cls(
            rank=v.rank,
            score=v.score,
            participant=Participant.from_view(v.participant),
            reached_at=board.definition.tie_break.reached_in(v.cursor.tie) if board else None,
            board=board,
            competition_rank=competition_rank or v.rank,
        )

    @strawberry.field(
        description="Share of the ranked participants (in %) this entry is ahead of or level"
        " with: 100 for the first (null in the entry adjustPoints returns)."
    )
    async def percentile(self, info: GraphQLInfo) -> float | None:
        if self.board is None or self.competition_rank is None:
            return None
        return rankings.percentile(self.competition_rank, await info.context.listed(self.board))

    @strawberry.field(
        description="The participant's name when this score last changed (a past period"
        " shows the name of that time)."
    )
    async def display_name(self, info: GraphQLInfo) -> str:
        if self.board is None:
            return self.participant.name
        name, _ = await info.context.snapshots.load((self.board.ref, int(self.participant.id)))
        return name or self.participant.name

    @strawberry.field(description="The participant's avatar when this score last changed.")
    async def avatar(self, info: GraphQLInfo) -> str:
        if self.board is None:
            return self.participant.avatar_url
        _, avatar = await info.context.snapshots.load((self.board.ref, int(self.participant.id)))
        return self.participant.avatar_url if avatar is None else avatar

    @strawberry.field(
        description="Consecutive periods, up to this one, with activity on this board."
    )
    async def streak(self, info: GraphQLInfo) -> int | None:
        if self.board is None:
            return None
        key = (self.board.definition.key, self.board.ref.period, int(self.participant.id))
        return await info.context.streaks.load(key)

    @strawberry.field(description="Each metric's aggregate and weighted part of the score.")
    async def breakdown(self, info: GraphQLInfo) -> list[ScorePart] | None:
        if self.board is None:
            return None
        key = (self.board.definition.key, self.board.ref.period, int(self.participant.id))
        return [ScorePart.from_view(p) for p in await info.context.breakdowns.load(key)]


@strawberry.type(name="LeaderboardEntryConnection")
class EntryConnection:
    """A page of entries; its total is counted only when asked for (see ``Context.listed``)."""

    edges: list[Edge[LeaderboardEntry]]
    page_info: PageInfo
    known_total: strawberry.Private[int | None]
    board: strawberry.Private[BoardInfo]

    @strawberry.field
    async def total_count(self, info: GraphQLInfo) -> int:
        if self.known_total is not None:
            return self.known_total
        return await info.context.listed(self.board)


def entry_connection(
    page: rankings.EntriesPage, board: BoardInfo, competition: list[EntryView]
) -> EntryConnection:
    """``competition``: the entries with COMPETITION ranks, which percentiles come from."""
    edges = [
        Edge(
            cursor=rank_cursor(e.cursor),
            node=LeaderboardEntry.from_view(e, board, c.rank),
        )
        for e, c in zip(page.entries, competition, strict=True)
    ]
    return EntryConnection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=page.has_next,
            has_previous_page=page.has_previous,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        known_total=page.total,
        board=board,
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


@strawberry.type(description="When the current period of a leaderboard closes.")
class Reset:
    utc: datetime
    local: str = strawberry.field(description="The same instant in the board's time zone (ISO).")
    timezone: str


@strawberry.type(description="How many participants have a score in [low, high).")
class Bucket:
    low: float
    high: float = strawberry.field(description="Exclusive, except in the last bucket.")
    count: int


@strawberry.type(description="A ranking of participants by score, in one period.")
class Leaderboard:
    key: str
    name: str
    description: str
    period: str = strawberry.field(description="e.g. 2025-11-04, 2025-W44, 2025-11, all.")
    info: strawberry.Private[BoardInfo]

    @classmethod
    def from_info(cls, info: BoardInfo) -> Leaderboard:
        return cls(
            key=info.definition.key,
            name=info.name,
            description=info.description,
            period=info.ref.period,
            info=info,
        )

    @strawberry.field
    def category(self) -> str:
        return self.info.definition.category

    @strawberry.field
    def time_window(self) -> TimeWindow:  # type: ignore[valid-type]
        return self.info.definition.window.kind

    @strawberry.field(description="IANA time zone in which periods roll over.")
    def timezone(self) -> str:
        return self.info.definition.window.timezone

    @strawberry.field(description="Start of this period (null: all time).")
    def period_start(self) -> datetime | None:
        return self.info.period.start

    @strawberry.field(description="End of this period, exclusive (null: never).")
    def period_end(self) -> datetime | None:
        return self.info.period.end

    @strawberry.field(description="When the current period closes (null: it never does).")
    def next_reset(self) -> Reset | None:
        definition = self.info.definition
        current = definition.period_at(datetime.now(UTC))
        if current is None or current.end is None:
            return None
        local = current.end.astimezone(definition.window.zone)
        return Reset(utc=current.end, local=local.isoformat(), timezone=definition.window.timezone)

    @strawberry.field
    def sort_order(self) -> SortOrder:  # type: ignore[valid-type]
        return self.info.definition.sort_order

    @strawberry.field
    def rank_mode(self) -> RankMode:  # type: ignore[valid-type]
        return self.info.definition.rank_mode

    @strawberry.field(description="Only the first maxEntries are listed (null: everyone).")
    def max_entries(self) -> int | None:
        return self.info.definition.max_entries

    @strawberry.field
    def visibility(self) -> Visibility:  # type: ignore[valid-type]
        return self.info.definition.visibility

    @strawberry.field
    def is_active(self) -> bool:
        return self.info.definition.is_active

    @strawberry.field
    def filter(self) -> LeaderboardFilter:
        return LeaderboardFilter.from_view(self.info.definition.entry_filter)

    @strawberry.field(
        description="Minutes between winner checks (ticks aligned to UTC midnight); null: no"
        " winner detection."
    )
    def winner_every(self) -> int | None:
        return self.info.definition.winner_every

    @strawberry.field(
        description="The group kind the board also ranks per group (null: not scoped)."
    )
    def scope(self) -> str | None:
        return self.info.definition.scope

    @strawberry.field(description="How groupStandings scores a group of the scope.")
    def group_score(self) -> GroupScore:  # type: ignore[valid-type]
        return self.info.definition.group_score

    @strawberry.field(
        description="The group whose members this ranking holds (null: the whole board)."
    )
    def group(self) -> Group | None:
        found = self.info.group
        return None if found is None else Group.from_view(found)

    @strawberry.field(description="How equal scores are ordered.")
    def tie_break(self) -> TieBreak:
        return TieBreak.from_view(self.info.definition.tie_break)

    @strawberry.field(description="The metrics and weights of the score, in display order.")
    def metrics(self) -> list[LeaderboardMetric]:
        return [LeaderboardMetric.from_view(m) for m in self.info.definition.metrics]

    @strawberry.field(description="The latest COMPLETE run of the board (any period).")
    async def latest_run(self, info: GraphQLInfo) -> LeaderboardRun | None:
        found = await run_loaders.latest(info.context).load(self.key)
        return LeaderboardRun.from_view(found) if found is not None else None

    @strawberry.field(description="How many participants are listed.")
    async def size(self, info: GraphQLInfo) -> int:
        return await info.context.listed(self.info)

    @strawberry.field(
        description="Best first; equal scores by the tie-break, then in order of participant id."
    )
    async def entries(
        self, info: GraphQLInfo, first: int = DEFAULT_PAGE, after: str | None = None
    ) -> EntryConnection:
        deps = info.context.deps
        check_first(first, deps.settings.max_page_size)
        board, definition = self.info.ref, self.info.definition
        page = await rankings.page(deps, board, first, parse_rank_cursor(after))
        page = rankings.capped(page, definition.max_entries)
        entries = await rankings.ranked_as(deps, definition.rank_mode, board, page.entries)
        return entry_connection(replace(page, entries=entries), self.info, page.entries)

    @strawberry.field(description="The participant's entry; null if not ranked here.")
    async def entry(
        self, info: GraphQLInfo, participant_id: strawberry.ID
    ) -> LeaderboardEntry | None:
        pid = parse_id(participant_id, name="participantId")
        found = await self._around(info, pid, 0)
        return found[0] if found else None

    @strawberry.field(description="The participant's entry with `radius` entries above and below.")
    async def around(
        self, info: GraphQLInfo, participant_id: strawberry.ID, radius: int = 5
    ) -> list[LeaderboardEntry]:
        deps = info.context.deps
        pid = parse_id(participant_id, name="participantId")
        if not 0 <= radius <= deps.settings.max_radius:
            cap = deps.settings.max_radius
            raise BadUserInput(f"radius must be between 0 and {cap}.", field="radius", max=cap)
        return await self._around(info, pid, radius)

    async def _around(self, info: GraphQLInfo, pid: int, radius: int) -> list[LeaderboardEntry]:
        deps, board, definition = info.context.deps, self.info.ref, self.info.definition
        window = await rankings.around(deps, board, pid, radius)
        window = rankings.within_cap(window, definition.max_entries)
        if not any(e.participant.id == pid for e in window):
            return []
        entries = await rankings.ranked_as(deps, definition.rank_mode, board, window)
        return [
            LeaderboardEntry.from_view(e, self.info, c.rank)
            for e, c in zip(entries, window, strict=True)
        ]

    @strawberry.field(description="Participants per score range, for histograms.")
    async def distribution(self, info: GraphQLInfo, buckets: int = 10) -> list[Bucket]:
        if not 1 <= buckets <= MAX_BUCKETS:
            raise BadUserInput(f"buckets must be 1 to {MAX_BUCKETS}.", field="buckets")
        found = await rankings.distribution(self.info.ref, buckets)
        return [Bucket(low=b.low, high=b.high, count=b.count) for b in found]
