"""Checks of what admins give for seasons: BAD_USER_INPUT, and nothing changed."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from app.errors import BadUserInput
from app.leaderboards.admin import MAX_METRICS
from app.leaderboards.periods import MAX_KEY_LENGTH
from app.participants.validation import MAX_METADATA_BYTES
from app.seasons.levels import DEFAULT_STEP, Levels
from app.text import KEY, check_key, check_text, storable_json

MAX_THRESHOLDS = 1000
MAX_REWARDS = 1000
MAX_LEVEL = 1_000_000
MAX_PAYLOAD_BYTES = MAX_METADATA_BYTES  # as a participant's metadata: 16 KiB of JSON


@dataclass(frozen=True, slots=True)
class WeightGiven:
    metric: str  # key
    weight: int


@dataclass(frozen=True, slots=True)
class RewardFields:
    level: int
    key: str
    name: str
    payload: Any = None


def check_season_key(key: str) -> None:
    if not KEY.fullmatch(key) or len(key) > MAX_KEY_LENGTH:
        raise BadUserInput(
            f"A season key is 1 to {MAX_KEY_LENGTH} letters, digits, '_', '.' or '-',"
            " starting with a letter or digit (e.g. S1-2025).",
            field="key",
        )


def check_name(name: str | None) -> None:
    check_text(name, "name", 200, empty=False)


def checked_levels(step: int | None, thresholds: Sequence[float] | None) -> Levels:
    """The levels scheme given: a step or thresholds, not both (neither: a step of 1000)."""
    if step is not None and thresholds is not None:
        raise BadUserInput("Give levelStep or levelThresholds, not both.", field="levelStep")
    if thresholds is None:
        step = DEFAULT_STEP if step is None else step
        if step < 1:
            raise BadUserInput("levelStep must be a positive whole number.", field="levelStep")
        return Levels(step=step)
    if not 1 <= len(thresholds) <= MAX_THRESHOLDS:
        raise BadUserInput(
            f"levelThresholds lists 1 to {MAX_THRESHOLDS} thresholds.", field="levelThresholds"
        )
    previous = 0.0
    for t in thresholds:
        if not math.isfinite(t) or t <= previous:
            raise BadUserInput(
                "levelThresholds must be positive numbers in strictly ascending order.",
                field="levelThresholds",
            )
        previous = t
    return Levels(step=None, thresholds=tuple(float(t) for t in thresholds))


def check_weights(weights: Sequence[WeightGiven]) -> None:
    """Positive whole weights, each metric once (unknown metrics: the board's own check)."""
    if not 1 <= len(weights) <= MAX_METRICS:
        raise BadUserInput(f"A season has 1 to {MAX_METRICS} weights.", field="weights")
    metrics = [w.metric for w in weights]
    if len(set(metrics)) != len(metrics):
        raise BadUserInput("Each metric may appear once.", field="metric")
    for w in weights:
        if w.weight < 1:
            raise BadUserInput("Weights are positive whole numbers.", field="weight")


def check_rewards(rewards: Sequence[RewardFields]) -> None:
    if len(rewards) > MAX_REWARDS:
        raise BadUserInput(f"A season has at most {MAX_REWARDS} rewards.", field="rewards")
    keys = [r.key for r in rewards]
    if len(set(keys)) != len(keys):
        raise BadUserInput("Each reward key may appear once in a season.", field="key")
    for r in rewards:
        if not 1 <= r.level <= MAX_LEVEL:
            raise BadUserInput(f"A reward's level is 1 to {MAX_LEVEL}.", field="level")
        check_key(r.key, "A reward")
        check_name(r.name)
        if not storable_json(r.payload):
            raise BadUserInput("payload must not contain NUL characters.", field="payload")
        if len(json.dumps(r.payload)) > MAX_PAYLOAD_BYTES:
            raise BadUserInput(
                f"payload must be at most {MAX_PAYLOAD_BYTES} bytes of JSON.", field="payload"
            )
