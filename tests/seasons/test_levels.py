"""Levels from points: a step, or thresholds (an XP curve)."""

from __future__ import annotations

import pytest

from app.errors import BadUserInput
from app.seasons.levels import LevelProgress, Levels, level_of, levels_gained, progress_of
from app.seasons.validation import checked_levels

STEP = Levels(step=1000)
CURVE = Levels(step=None, thresholds=(100.0, 300.0, 700.0))


@pytest.mark.parametrize(
    ("points", "expected"),
    [
        (0, LevelProgress(0, 1000, 1000, 0.0)),
        (999, LevelProgress(0, 1000, 1, 0.999)),
        (1000, LevelProgress(1, 2000, 1000, 0.0)),
        (2500, LevelProgress(2, 3000, 500, 0.5)),
        (-40, LevelProgress(0, 1000, 1040, 0.0)),
    ],
)
def test_a_step_makes_a_level_every_step_points(points: float, expected: LevelProgress) -> None:
    assert progress_of(STEP, points) == expected


@pytest.mark.parametrize(
    ("points", "expected"),
    [
        (0, LevelProgress(0, 100, 100, 0.0)),
        (50, LevelProgress(0, 100, 50, 0.5)),
        (100, LevelProgress(1, 300, 200, 0.0)),
        (500, LevelProgress(2, 700, 200, 0.5)),
        (700, LevelProgress(3, None, None, 1.0)),
        (10_000, LevelProgress(3, None, None, 1.0)),
        (-1, LevelProgress(0, 100, 101, 0.0)),
    ],
)
def test_thresholds_count_the_levels_reached_and_stop_at_the_top(
    points: float, expected: LevelProgress
) -> None:
    assert progress_of(CURVE, points) == expected


def test_a_jump_of_three_levels_is_three_level_ups_in_order() -> None:
    assert levels_gained(STEP, level_of(STEP, 500), 3200) == [(0, 1), (1, 2), (2, 3)]
    assert levels_gained(CURVE, level_of(CURVE, 99), 700) == [(0, 1), (1, 2), (2, 3)]
    assert levels_gained(STEP, 3, 500) == []  # falling gains nothing
    assert levels_gained(STEP, 1, 1999) == []
    assert levels_gained(STEP, 3, 1500) == []  # a level reached before is not gained again
    assert level_of(STEP, 1999.5) == 1


def test_the_default_is_a_step_of_1000() -> None:
    assert checked_levels(None, None) == Levels(step=1000)


@pytest.mark.parametrize(
    ("step", "thresholds"),
    [
        (0, None),
        (-5, None),
        (10, [100.0]),  # not both
        (None, []),
        (None, [100.0, 100.0]),  # strictly ascending
        (None, [300.0, 100.0]),
        (None, [0.0, 100.0]),  # positive
        (None, [-1.0]),
        (None, [float("inf")]),
        (None, [float(i) for i in range(1, 1002)]),  # at most 1000
    ],
)
def test_bad_levels_are_refused(step: int | None, thresholds: list[float] | None) -> None:
    with pytest.raises(BadUserInput):
        checked_levels(step, thresholds)
