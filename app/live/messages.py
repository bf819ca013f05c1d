"""What arrives on a board's changes channel, decoded (the format is ``scripts.PROJECT``'s)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from app.participants.service import ParticipantView
from app.ranking.keys import BoardRef, participant_id
from app.ranking.store import RESET, UPDATED, from_stored


@dataclass(frozen=True, slots=True)
class Change:
    """One committed change of a participant's place; None: not ranked before / after.
    Ranks are in the board's rank mode; places are 1-based positions in the ordering."""

    participant_id: int
    old_score: float | None
    new_score: float | None
    old_rank: int | None
    new_rank: int | None
    at: datetime
    version: int
    old_place: int | None = None
    new_place: int | None = None
    merged: int = 1  # how many committed changes this one stands for (a slow reader's)
    participant: ParticipantView | None = None  # filled in by the feed; None once deleted
    # Scratch space of this event, shared by every subscriber it is handed to (the GraphQL
    # layer keeps the object and results it builds once for all of them). Not copied by
    # ``replace``: a merged or re-filled change is a new event.
    shared: dict[str, Any] = field(default_factory=dict, init=False, compare=False, repr=False)

    def touches_top(self, first: int) -> bool:
        """Whether the top ``first`` entries can differ because of this change."""
        places = (self.old_place, self.new_place)
        if places == (None, None):  # a message without places: ranks are at most places
            places = (self.old_rank, self.new_rank)
        return any(place is not None and place <= first for place in places)

    def then(self, later: Change) -> Change:
        """This change followed by ``later`` of the same participant, as one change."""
        return replace(
            later,
            old_score=self.old_score,
            old_rank=self.old_rank,
            old_place=self.old_place,
            merged=self.merged + later.merged,
        )


class Reset:
    """The ranking changed wholesale (rebuilt, bulk-loaded, or messages may have been
    missed while Redis was away): listeners re-read it."""


RESET_MESSAGE = Reset()


@dataclass(frozen=True, slots=True)
class Updated:
    """A participant's details (name, age, ...) changed; its score did not."""

    participant_id: int


def decode(board: BoardRef, payload: str) -> Change | Reset | Updated:
    """Decode one message; raises ValueError on anything malformed. Ranks come out in the
    board's rank mode (as COMPETITION ranks from a process that publishes 7 fields)."""
    if payload == RESET:
        return RESET_MESSAGE
    fields = payload.split("|")
    if len(fields) == 2 and fields[0] == UPDATED:
        return Updated(participant_id(fields[1]))
    if len(fields) == 7:
        fields += [""] * 4
    if len(fields) != 11:
        raise ValueError(f"malformed change message {payload!r}")
    pid, old, new, old_rank, new_rank, at_ms, version, *places = fields
    old_place, new_place, old_dense, new_dense = (_number(p) for p in places)
    if board.rank_mode == "ORDINAL" and (old_place or new_place):
        old_rank, new_rank = places[0], places[1]
    elif board.rank_mode == "DENSE" and (old_dense or new_dense):
        old_rank, new_rank = places[2], places[3]
    return Change(
        participant_id=participant_id(pid),
        old_score=from_stored(board, old) if old else None,
        new_score=from_stored(board, new) if new else None,
        old_rank=_number(old_rank),
        new_rank=_number(new_rank),
        at=datetime.fromtimestamp(int(at_ms) / 1000, UTC),
        version=int(version),
        old_place=old_place,
        new_place=new_place,
    )


def _number(field: str) -> int | None:
    """A rank or place; "" and "0" (unknown) are None."""
    return int(field) or None if field else None
