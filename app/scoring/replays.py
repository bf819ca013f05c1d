"""Replays of events already recorded: what they produced is projected again.

A client retries a write when it got no answer, and the likeliest reason it got none is that
the process died after the commit but before the projection to Redis: that change is in the
database and nowhere else. A replay (same ``(source, sourceId)``) changes nothing in the
database, so it re-projects the standings its original event fed, as they are now. The
projection is versioned, so when nothing was missed this changes nothing either.
"""

from __future__ import annotations

from collections.abc import Sequence

from app.db import fetch, timestamp
from app.deps import Deps
from app.participants.views import ParticipantView
from app.ranking.keys import BoardRef
from app.ranking.store import Standing


async def reproject(
    deps: Deps, tenant_id: int, event_ids: Sequence[int], people: dict[int, ParticipantView]
) -> None:
    """Project again the current standings that the stored events ``event_ids`` fed."""
    ids = sorted(set(event_ids))
    if not ids:
        return
    marks = ", ".join(f"${i + 2}" for i in range(len(ids)))
    events = await fetch(
        "SELECT participant_id, metric_id, occurred_at FROM score_events"
        f" WHERE tenant_id = $1 AND id IN ({marks})",
        [tenant_id, *ids],
    )
    wanted: dict[BoardRef, set[int]] = {}
    for e in events:
        for fed in await deps.definitions.boards_fed_by(tenant_id, int(e["metric_id"])):
            period = fed.period_at(timestamp(e["occurred_at"]))
            if period is not None:
                wanted.setdefault(fed.ref(period.key), set()).add(int(e["participant_id"]))
    for board, pids in wanted.items():
        await deps.keeper.project(board, await _standings(board, sorted(pids), people))


async def _standings(
    board: BoardRef, pids: list[int], people: dict[int, ParticipantView]
) -> list[Standing]:
    marks = ", ".join(f"${i + 3}" for i in range(len(pids)))
    rows = await fetch(
        "SELECT participant_id, score, version, tie_key FROM standings"
        f" WHERE leaderboard_id = $1 AND period = $2 AND participant_id IN ({marks})",
        [board.leaderboard_id, board.period, *pids],
    )
    hidden = {pid for pid, person in people.items() if person.opted_out}
    return [
        Standing(
            int(r["participant_id"]),
            None if int(r["participant_id"]) in hidden else float(r["score"]),
            int(r["version"]),
            r["tie_key"],
        )
        for r in rows
    ]
