"""GraphQL types of winners: a thin skin over ``WinnerView`` and ``Detection``."""

from __future__ import annotations

from datetime import datetime

import strawberry

from app.context import GraphQLInfo
from app.graphql.pagination import PageInfo
from app.participants.types import Participant
from app.winners import loaders
from app.winners.service import Detection, Outcome, WinnerView

strawberry.enum(Outcome, name="WinnerOutcome", description="What a winner check found.")


@strawberry.type(description="The participant alone at the top of a leaderboard at a tick.")
class Winner:
    id: strawberry.ID
    leaderboard: str
    period: str
    points: float = strawberry.field(description="The score when it was declared.")
    declared_at: datetime
    tick: datetime = strawberry.field(description="The check's due time (UTC, on the minute).")
    participant_id: strawberry.ID

    @strawberry.field(description="The winner (a deleted participant's wins are deleted too).")
    async def participant(self, info: GraphQLInfo) -> Participant | None:
        found = await loaders.participants(info.context).load(int(self.participant_id))
        return Participant.from_view(found) if found is not None else None

    @classmethod
    def from_view(cls, w: WinnerView) -> Winner:
        return cls(
            id=strawberry.ID(str(w.id)),
            leaderboard=w.leaderboard,
            period=w.period,
            points=w.points,
            declared_at=w.declared_at,
            tick=w.tick,
            participant_id=strawberry.ID(str(w.participant_id)),
        )


@strawberry.type
class WinnerEdge:
    cursor: str
    node: Winner


@strawberry.type(description="Winners, newest first.")
class WinnerConnection:
    edges: list[WinnerEdge]
    page_info: PageInfo


@strawberry.type(description="What a winner check did, and the winner of its tick if any.")
class WinnerDetection:
    leaderboard: str
    tick: datetime
    outcome: Outcome
    winner: Winner | None

    @classmethod
    def of(cls, d: Detection) -> WinnerDetection:
        return cls(
            leaderboard=d.leaderboard,
            tick=d.tick,
            outcome=d.outcome,
            winner=Winner.from_view(d.winner) if d.winner else None,
        )
