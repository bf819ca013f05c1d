"""What arrives on a board's changes channel, decoded (the format is ``scripts.PROJECT``'s)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from app.participants.views import ParticipantView
from app.ranking.keys import BoardRef, participant_id
from app.ranking.store import GAP, RESET, UPDATED, from_stored


@dataclass(frozen=True, slots=True)
class Change:
    """One committed change of a participant's place; None: not ranked before / after.
    Ranks are COMPETITION ranks, places 1-based positions in the ordering (ORDINAL ranks),
    dense ranks None where the ranking keeps no levels; ``ranks`` picks a rank mode's."""

    participant_id: int
    old_score: float | None
    new_score: float | None
    old_rank: int | None
    new_rank: int | None
    at: datetime
    version: int
    old_place: int | None = None
    new_place: int | None = None
    old_dense: int | None = None
    new_dense: int | None = None
    old_tie: str | None = None  # tie keys before and after; None where a message did not say
    new_tie: str | None = None
    merged: int = 1  # how many committed changes this one stands for (a slow reader's)
    participant: ParticipantView | None = None  # filled in by the feed; None once deleted
    # Scratch space of this event, shared by every subscriber it is handed to (the GraphQL
    # layer keeps the object and results it builds once for all of them). Not copied by
    # ``replace``: a merged or re-filled change is a new event.
    shared: dict[str, Any] = field(default_factory=dict, init=False, compare=False, repr=False)

    def ranks(self, mode: str) -> tuple[int | None, int | None]:
        """(old, new) rank in rank mode ``mode``; COMPETITION ranks where a message from an
        older process, or a ranking without levels, does not say."""
        if mode == "ORDINAL" and (self.old_place or self.new_place):
            return self.old_place, self.new_place
        if mode == "DENSE" and (self.old_dense or self.new_dense):
            return self.old_dense, self.new_dense
        return self.old_rank, self.new_rank

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
            old_dense=self.old_dense,
            old_tie=self.old_tie,
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


@dataclass(frozen=True, slots=True)
class Gap:
    """A change of the participant was applied while the ranking was not ready (being
    rebuilt): its ranks are unknown, so no change message could say what it was."""

    participant_id: int


def decode(board: BoardRef, payload: str) -> Change | Reset | Updated | Gap:
    """Decode one message; raises ValueError on anything malformed. Processes of older
    versions publish 7 fields (no places or dense ranks) or 11 (no tie keys)."""
    if payload == RESET:
        return RESET_MESSAGE
    fields = payload.split("|")
    if len(fields) == 2 and fields[0] == UPDATED:
        return Updated(participant_id(fields[1]))
    if len(fields) == 2 and fields[0] == GAP:
        return Gap(participant_id(fields[1]))
    ties: list[str | None] = [None, None]
    if len(fields) == 13:
        ties = [fields.pop(11), fields.pop(11)]
    elif len(fields) == 7:
        fields += [""] * 4
    if len(fields) != 11:
        raise ValueError(f"malformed change message {payload!r}")
    pid, old, new, old_rank, new_rank, at_ms, version, *places = fields
    old_place, new_place, old_dense, new_dense = (_number(p) for p in places)
    old_tie, new_tie = ties
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
        old_dense=old_dense,
        new_dense=new_dense,
        old_tie=old_tie,
        new_tie=new_tie,
    )


def _number(field: str) -> int | None:
    """A rank or place; "" and "0" (unknown) are None."""
    return int(field) or None if field else None
