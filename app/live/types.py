"""GraphQL types of live updates: a thin skin over ``Change``."""

from __future__ import annotations

from dataclasses import field
from datetime import datetime
from typing import Any

import strawberry

from app.leaderboards.service import BoardInfo
from app.leaderboards.types import LeaderboardEntry
from app.live.feed import TopUpdate
from app.live.messages import Change
from app.participants.types import Participant

# Where a live event keeps the GraphQL object built for it, shared by all its subscribers.
EVENT = "graphql"


@strawberry.type(description="A committed change of one participant's score on a leaderboard.")
class RankChange:
    leaderboard: str
    participant_id: strawberry.ID
    participant: Participant | None = strawberry.field(
        description="Null when the participant has been deleted since."
    )
    old_rank: int | None = strawberry.field(description="Null: was not ranked (just added).")
    new_rank: int | None = strawberry.field(description="Null: no longer ranked (deleted).")
    old_score: float | None
    new_score: float | None
    at: datetime = strawberry.field(description="When the change was applied to the ranking.")
    merged: int = strawberry.field(
        description="How many committed changes this message stands for: 1, unless this"
        " subscriber fell behind and skipped ahead (old* are from the first, new* from the"
        " last of them)."
    )
    # Results of executing this event, shared by subscribers (app.graphql.broadcast).
    shared_results: strawberry.Private[dict[Any, Any]] = field(default_factory=dict)

    @classmethod
    def of(cls, leaderboard: str, c: Change, mode: str) -> RankChange:
        """The event's one RankChange per rank mode, built by its first subscriber."""
        name = f"{EVENT}:{mode}"
        event: RankChange | None = c.shared.get(name)
        if event is None:
            event = c.shared[name] = cls.from_change(leaderboard, c, mode)
        return event

    @classmethod
    def from_change(cls, leaderboard: str, c: Change, mode: str) -> RankChange:
        old_rank, new_rank = c.ranks(mode)
        return cls(
            leaderboard=leaderboard,
            participant_id=strawberry.ID(str(c.participant_id)),
            participant=Participant.from_view(c.participant) if c.participant else None,
            old_rank=old_rank,
            new_rank=new_rank,
            old_score=c.old_score,
            new_score=c.new_score,
            at=c.at,
            merged=c.merged,
        )


class TopEntries(list[LeaderboardEntry]):
    """A pushed top N: a list, plus results shared by its subscribers."""

    def __init__(self, entries: list[LeaderboardEntry]) -> None:
        super().__init__(entries)
        self.shared_results: dict[Any, Any] = {}

    @classmethod
    def of(cls, update: TopUpdate, board: BoardInfo) -> TopEntries:
        """The update's one list, built by its first subscriber (entries of ``board``, so
        their snapshots, breakdowns, streaks and reached times resolve)."""
        event: TopEntries | None = update.shared.get(EVENT)
        if event is None:
            entries = [LeaderboardEntry.from_view(e, board) for e in update.entries]
            event = update.shared[EVENT] = cls(entries)
        return event
