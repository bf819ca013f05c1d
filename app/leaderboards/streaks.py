"""Streaks: how many consecutive periods, up to a given one, a participant was active in
(had a counted event on the board). Boards with a single period have streaks of 0 or 1."""

from __future__ import annotations

from collections.abc import Sequence

from app.db import fetch
from app.leaderboards.definition import BoardDefinition
from app.leaderboards.periods import Period, previous

MAX_STREAK = 366  # periods looked back at most


def chain(definition: BoardDefinition, period: Period, length: int = MAX_STREAK) -> list[str]:
    """Keys of ``period`` and the periods before it, newest first."""
    keys: list[str] = []
    current: Period | None = period
    while current is not None and len(keys) < length:
        keys.append(current.key)
        current = previous(definition.window, current)
    return keys


async def streaks(
    definition: BoardDefinition, period: Period, pids: Sequence[int]
) -> dict[int, int]:
    """Each participant's streak ending at ``period`` (0 if inactive in it). One query."""
    keys = chain(definition, period)
    ids = sorted(set(pids))
    if not ids:
        return {}
    key_marks = ", ".join(f"${i + 2}" for i in range(len(keys)))
    id_marks = ", ".join(f"${i + 2 + len(keys)}" for i in range(len(ids)))
    rows = await fetch(
        "SELECT participant_id, period FROM standings WHERE leaderboard_id = $1"
        f" AND period IN ({key_marks}) AND participant_id IN ({id_marks})",
        [definition.id, *keys, *ids],
    )
    active: dict[int, set[str]] = {}
    for r in rows:
        active.setdefault(int(r["participant_id"]), set()).add(r["period"])
    out: dict[int, int] = {}
    for pid in ids:
        seen = active.get(pid, set())
        count = 0
        for key in keys:
            if key not in seen:
                break
            count += 1
        out[pid] = count
    return out
