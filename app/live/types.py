"""GraphQL types of live updates: a thin skin over ``Change``."""

from __future__ import annotations

from datetime import datetime

import strawberry

from app.live.messages import Change
from app.participants.types import Participant


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

    @classmethod
    def from_change(cls, leaderboard: str, c: Change) -> RankChange:
        return cls(
            leaderboard=leaderboard,
            participant_id=strawberry.ID(str(c.participant_id)),
            participant=Participant.from_view(c.participant) if c.participant else None,
            old_rank=c.old_rank,
            new_rank=c.new_rank,
            old_score=c.old_score,
            new_score=c.new_score,
            at=c.at,
            merged=c.merged,
        )
