"""GraphQL types of runs: a thin skin over ``RunView`` and ``RunEntryView``."""

from __future__ import annotations

from datetime import datetime

import strawberry

from app.context import GraphQLInfo
from app.graphql.cursors import parse_position_cursor, position_cursor
from app.graphql.pagination import PageInfo, check_first, page_info
from app.leaderboards.definition_types import TimeWindow
from app.participants.types import Participant
from app.runs import loaders, retention, service, trends
from app.runs.models import RunStatus, RunTrigger
from app.runs.service import RunEntryView, RunView

strawberry.enum(RunStatus, description="PENDING -> PROCESSING -> COMPLETE or FAILED.")
strawberry.enum(RunTrigger, description="Who asked for a run: an admin, or the calendar.")


@strawberry.type(description="One metric's part in an entry's score, as it was.")
class RunScorePart:
    metric: str
    value: float
    weight: float
    weighted: float
    events: int


@strawberry.type(description="A participant's place in a run, as it was.")
class RunEntry:
    position: int = strawberry.field(description="0-based, in the board's order.")
    rank: int = strawberry.field(description="In the board's rank mode at the time.")
    score: float
    tiebreaker: str = strawberry.field(
        description="The tie key that ordered equal scores (opaque; empty without a tie-break)."
    )
    display_name: str
    avatar: str
    participant_id: strawberry.ID
    breakdown: list[RunScorePart]

    @strawberry.field(description="The participant as it is now; null once deleted.")
    async def participant(self, info: GraphQLInfo) -> Participant | None:
        found = await loaders.participants(info.context).load(int(self.participant_id))
        return Participant.from_view(found) if found is not None else None

    @classmethod
    def from_view(cls, e: RunEntryView) -> RunEntry:
        return cls(
            position=e.position,
            rank=e.rank,
            score=e.score,
            tiebreaker=e.tie_key,
            display_name=e.display_name,
            avatar=e.avatar,
            participant_id=strawberry.ID(str(e.participant_id)),
            breakdown=[RunScorePart(**part) for part in e.breakdown],
        )


@strawberry.type
class RunEntryEdge:
    cursor: str
    node: RunEntry


@strawberry.type
class RunEntryConnection:
    edges: list[RunEntryEdge]
    page_info: PageInfo


@strawberry.type(description="A snapshot of a leaderboard in one period (seed 004).")
class LeaderboardRun:
    id: strawberry.ID
    leaderboard: str
    period: str
    period_start: datetime | None
    period_end: datetime | None
    status: RunStatus
    trigger: RunTrigger
    max_entries: int | None = strawberry.field(description="Entries kept; null: every one.")
    row_count: int
    error: str = strawberry.field(description="Why it FAILED (empty otherwise).")
    attempts: int
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    archived_at: datetime | None = strawberry.field(
        description="When it moved to the archive (its retention passed); null: live."
    )
    academic_year: str | None = strawberry.field(
        description='The school year its period began in ("2025-2026"), once archived, when'
        " the tenant defines TERM periods; null otherwise."
    )
    term: str | None = strawberry.field(
        description="The key of the TERM period its period began in, once archived; null"
        " when none holds it."
    )
    view: strawberry.Private[RunView]
    group_id: strawberry.Private[int | None] = None  # read as one group's (history(group))

    @strawberry.field(
        description="The entries in board order; of one `group` of a scoped board (default:"
        " the group history was asked for), as it was when the run was made, with positions"
        " and ranks within it."
    )
    async def entries(
        self,
        info: GraphQLInfo,
        first: int = 100,
        after: str | None = None,
        group: str | None = None,
    ) -> RunEntryConnection:
        check_first(first, info.context.deps.settings.max_page_size)
        group_id = self.group_id
        if group is not None:
            found = (await info.context.board(self.leaderboard, group=group)).group
            group_id = None if found is None else found.id
        position = parse_position_cursor(after)
        page = await service.run_entries(self.view, first, position, group_id)
        edges = [
            RunEntryEdge(cursor=position_cursor(e.position), node=RunEntry.from_view(e))
            for e in page.items
        ]
        return RunEntryConnection(
            edges=edges,
            page_info=page_info(
                [e.cursor for e in edges], has_next=page.has_next, has_previous=after is not None
            ),
        )

    @classmethod
    def from_view(cls, r: RunView, group_id: int | None = None) -> LeaderboardRun:
        return cls(
            id=strawberry.ID(str(r.id)),
            leaderboard=r.leaderboard,
            period=r.period,
            period_start=r.period_start,
            period_end=r.period_end,
            status=r.status,
            trigger=r.trigger,
            max_entries=r.max_entries,
            row_count=r.row_count,
            error=r.error,
            attempts=r.attempts,
            created_at=r.created_at,
            started_at=r.started_at,
            finished_at=r.finished_at,
            archived_at=r.archived_at,
            academic_year=r.academic_year,
            term=r.term,
            view=r,
            group_id=group_id,
        )


@strawberry.type
class RunEdge:
    cursor: str
    node: LeaderboardRun


@strawberry.type(description="Runs, newest first.")
class RunConnection:
    edges: list[RunEdge]
    page_info: PageInfo


@strawberry.type(description="How long a window's runs stay live before they are archived.")
class RetentionRule:
    window: TimeWindow  # type: ignore[valid-type]
    days: int = strawberry.field(description="Counted from the end of the run's period.")
    tenant_set: bool = strawberry.field(
        description="Set for this tenant (setRetention); false: the service's default."
    )

    @classmethod
    def from_view(cls, r: retention.RetentionRule) -> RetentionRule:
        return cls(window=r.window, days=r.days, tenant_set=r.tenant_set)


@strawberry.type(description="A closed period of a board, as its scheduled run showed it.")
class TrendPeriod:
    run_id: strawberry.ID = strawberry.field(description="The period's scheduled run.")
    period: str
    period_start: datetime | None
    period_end: datetime | None

    @classmethod
    def from_view(cls, p: trends.TrendPeriod) -> TrendPeriod:
        return cls(
            run_id=strawberry.ID(str(p.run_id)),
            period=p.period,
            period_start=p.period_start,
            period_end=p.period_end,
        )


@strawberry.type(description="A participant in one closed period of a board.")
class TrendPoint:
    run_id: strawberry.ID = strawberry.field(description="The period's scheduled run.")
    period: str
    period_start: datetime | None
    period_end: datetime | None
    rank: int | None = strawberry.field(
        description="The rank the period closed with; null: not among its entries."
    )
    score: float | None
    movement: int | None = strawberry.field(
        description="Places gained since the period before (negative: lost); null when"
        " either period has no rank."
    )

    @classmethod
    def from_view(cls, p: trends.TrendPoint) -> TrendPoint:
        return cls(
            run_id=strawberry.ID(str(p.period.run_id)),
            period=p.period.period,
            period_start=p.period.period_start,
            period_end=p.period.period_end,
            rank=p.rank,
            score=p.score,
            movement=p.movement,
        )


@strawberry.type(description="A participant's climb or fall from the first period to the last.")
class TrendMover:
    participant_id: strawberry.ID
    display_name: str = strawberry.field(description="As the last period showed it.")
    from_rank: int
    to_rank: int
    change: int = strawberry.field(description="Places gained (negative: lost).")
    from_score: float
    to_score: float

    @strawberry.field(description="The participant as it is now; null once deleted.")
    async def participant(self, info: GraphQLInfo) -> Participant | None:
        found = await loaders.participants(info.context).load(int(self.participant_id))
        return Participant.from_view(found) if found is not None else None

    @classmethod
    def from_view(cls, m: trends.Mover) -> TrendMover:
        return cls(
            participant_id=strawberry.ID(str(m.participant_id)),
            display_name=m.display_name,
            from_rank=m.from_rank,
            to_rank=m.to_rank,
            change=m.change,
            from_score=m.from_score,
            to_score=m.to_score,
        )


@strawberry.type(description="A participant who closed periods within the top places.")
class TrendLeader:
    participant_id: strawberry.ID
    display_name: str = strawberry.field(description="As the last of those periods showed it.")
    periods: int = strawberry.field(description="Periods closed within the top.")
    best_rank: int

    @strawberry.field(description="The participant as it is now; null once deleted.")
    async def participant(self, info: GraphQLInfo) -> Participant | None:
        found = await loaders.participants(info.context).load(int(self.participant_id))
        return Participant.from_view(found) if found is not None else None

    @classmethod
    def from_view(cls, x: trends.Leader) -> TrendLeader:
        return cls(
            participant_id=strawberry.ID(str(x.participant_id)),
            display_name=x.display_name,
            periods=x.periods,
            best_rank=x.best_rank,
        )


@strawberry.type(description="A board over its latest closed periods.")
class LeaderboardTrends:
    periods: list[TrendPeriod] = strawberry.field(description="Oldest first.")
    risers: list[TrendMover] = strawberry.field(
        description="Most places gained from the first period to the last, first."
    )
    fallers: list[TrendMover] = strawberry.field(description="Most places lost, first.")
    leaders: list[TrendLeader] = strawberry.field(
        description="Most periods closed within the top, first (then the best rank)."
    )

    @classmethod
    def from_view(cls, t: trends.BoardTrends) -> LeaderboardTrends:
        return cls(
            periods=[TrendPeriod.from_view(p) for p in t.periods],
            risers=[TrendMover.from_view(m) for m in t.risers],
            fallers=[TrendMover.from_view(m) for m in t.fallers],
            leaders=[TrendLeader.from_view(x) for x in t.leaders],
        )
