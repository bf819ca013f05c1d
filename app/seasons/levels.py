"""Levels from points: pure functions, no I/O.

Two schemes. A step ``s``: level ``floor(points / s)``, the next level at ``(level + 1) * s``
(seed 004's ``floor(points / 1000)``). Thresholds ``t1 < t2 < ...`` (an XP curve): the level
is how many thresholds the points have reached, the next level at the first threshold not
reached, none above the last. Negative points are level 0 with no progress.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

DEFAULT_STEP = 1000


@dataclass(frozen=True, slots=True)
class Levels:
    step: int | None = DEFAULT_STEP  # None: thresholds
    thresholds: tuple[float, ...] = ()


@dataclass(frozen=True, slots=True)
class LevelProgress:
    level: int
    next_threshold: float | None  # None: the top level
    to_next: float | None
    progress: float  # 0..1 within the current level; 1.0 at the top


def level_of(levels: Levels, points: float) -> int:
    """The level ``points`` reach."""
    if points < 0:
        return 0
    if levels.step is not None:
        return math.floor(points / levels.step)
    return sum(1 for t in levels.thresholds if t <= points)


def floor_of(levels: Levels, level: int) -> float:
    """The points at which ``level`` begins."""
    if level <= 0:
        return 0.0
    if levels.step is not None:
        return float(level * levels.step)
    return levels.thresholds[level - 1]


def next_threshold(levels: Levels, level: int) -> float | None:
    """The points at which ``level + 1`` begins; None above the last threshold."""
    if levels.step is not None:
        return float((level + 1) * levels.step)
    return levels.thresholds[level] if level < len(levels.thresholds) else None


def progress_of(levels: Levels, points: float) -> LevelProgress:
    """Level, next threshold, points still needed and progress within the level."""
    level = level_of(levels, points)
    upcoming = next_threshold(levels, level)
    if upcoming is None:
        return LevelProgress(level, None, None, 1.0)
    if points < 0:
        return LevelProgress(0, upcoming, upcoming - points, 0.0)
    start = floor_of(levels, level)
    share = (points - start) / (upcoming - start)
    return LevelProgress(level, upcoming, upcoming - points, min(1.0, max(0.0, share)))


def levels_gained(levels: Levels, reached: int, points: float) -> list[tuple[int, int]]:
    """Each level above ``reached`` that ``points`` reach, in order, as (old level, new
    level) pairs one apart: a jump of three levels is three pairs. None when below."""
    return [(level, level + 1) for level in range(reached, level_of(levels, points))]
