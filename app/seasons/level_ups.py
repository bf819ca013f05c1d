"""Which levels a ``levelUp`` subscription announces: each level once, in order.

A subscription keeps, per participant, the highest level it has seen them at (their
high-water mark) and announces only levels above it: points that fall and rise again, an
opt-out then an opt-in, repeat nothing. Followed participants (``participantIds``) are
seeded from their stored points when the subscription starts; others when first seen in a
change, from its old score (not ranked before: level 0). On a reset of the ranking (a
re-score: weights or dates changed, or a rebuild), followed participants' points are read
again and any level gained is announced; without ``participantIds`` a reset announces
nothing (clients re-read progress).

Without ``participantIds`` the marks are kept for the ``MAX_WATCHED`` participants seen
last (memory per subscription stays bounded); one forgotten is seeded again from the old
score of its next change, as if first seen.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from app.deps import Deps
from app.participants.views import ParticipantView
from app.seasons.levels import level_of, levels_gained
from app.seasons.service import ProgressView, SeasonView, progress

MAX_WATCHED = 100_000  # high-water marks one subscription keeps (about 10 MB at most)


@dataclass(frozen=True, slots=True)
class LevelGained:
    participant_id: int
    participant: ParticipantView | None
    old_level: int
    new_level: int  # old_level + 1
    points: float  # after the change
    at: datetime


@dataclass(slots=True)
class LevelWatch:
    """One subscription's high-water levels; see the module docstring."""

    deps: Deps
    season: SeasonView
    participant_ids: frozenset[int] | None  # None: every participant
    _reached: OrderedDict[int, int] = field(default_factory=OrderedDict)

    async def start(self) -> None:
        """Seed the followed participants' levels from their stored points."""
        if self.participant_ids:
            for pid, p in (await self._progress(self.participant_ids)).items():
                self._reached[pid] = p.level.level

    def changed(
        self,
        participant_id: int,
        participant: ParticipantView | None,
        old_score: float | None,
        new_score: float | None,
        at: datetime,
    ) -> list[LevelGained]:
        """The levels a committed change gains (None: not ranked before / after)."""
        if participant_id not in self._reached:
            before = level_of(self.season.levels, old_score) if old_score is not None else 0
            self._reached[participant_id] = before
            while len(self._reached) > MAX_WATCHED:
                self._reached.popitem(last=False)
        else:
            self._reached.move_to_end(participant_id)
        if new_score is None:  # opted out or deleted: their points did not change
            return []
        return self._gained(participant_id, participant, new_score, at)

    async def reset(self, at: datetime) -> list[LevelGained]:
        """After a wholesale change: the followed participants' levels gained, if any."""
        if not self.participant_ids:
            return []
        found = await self._progress(self.participant_ids)
        gained: list[LevelGained] = []
        for pid, p in sorted(found.items()):
            self._reached.setdefault(pid, 0)
            gained += self._gained(pid, p.participant, p.points, at)
        return gained

    def _gained(
        self, pid: int, who: ParticipantView | None, points: float, at: datetime
    ) -> list[LevelGained]:
        gained = levels_gained(self.season.levels, self._reached[pid], points)
        if gained:
            self._reached[pid] = gained[-1][1]
        return [LevelGained(pid, who, old, new, points, at) for old, new in gained]

    async def _progress(self, pids: Iterable[int]) -> dict[int, ProgressView]:
        return await progress(self.deps, self.season, sorted(pids))
