"""Deriving a board again from the event log: re-scoring after a definition changed, and
verifying that the live ranking equals what the events say.

Re-scoring runs in one transaction that holds the board's metrics exclusively (events of
them wait), so no event is missed or counted twice. Standing versions keep growing (they
follow the clock), so a late projection from before the re-scoring never overwrites a newer
score in Redis, and a standing deleted and later created again is not mistaken for an old one.
"""

from __future__ import annotations

import logging
import math
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from app.db import connection, fetch, timestamp
from app.deps import Deps
from app.errors import Unavailable
from app.leaderboards import rankings
from app.leaderboards.definition import BoardDefinition
from app.leaderboards.keeper import clear_own_mark, mark_dirty
from app.leaderboards.service import NO_PERIOD, POINTS, board_in, ranked_periods
from app.participants.views import ParticipantView, get_participants
from app.ranking.keys import BoardRef
from app.ranking.rebuild import rebuild_board
from app.scoring.aggregates import Aggregate, standing_of
from app.scoring.ingest import EventInput, fold_events, lock_metrics

log = logging.getLogger(__name__)

EVENT_BATCH = 10_000
TOLERANCE = 1e-9  # relative: sums of doubles in another order may differ in the last bits


async def rescore(deps: Deps, definition: BoardDefinition) -> int:
    """Recompute every aggregate and standing of the board from events, then bring every
    period's ranking in Redis up to date; returns how many standings events support."""
    async with in_transaction():
        before, count = await rescore_rows(deps, definition)
        mark = await mark_dirty(definition.id)  # until Redis follows (or if this process dies)
    await refresh_rankings(deps, definition, before, mark)
    return count


async def rescore_rows(deps: Deps, definition: BoardDefinition) -> tuple[list[str], int]:
    """The database part of :func:`rescore`, in the caller's transaction (so a definition
    change and its re-scoring commit together). Returns the periods that had standings
    before, for :func:`refresh_rankings` after the commit, and how many it scored."""
    conn = connection()  # the caller's transaction
    before = await ranked_periods(definition.id)
    await lock_metrics([m.metric_id for m in definition.metrics], conn, exclusive=True)
    await fetch("DELETE FROM metric_aggregates WHERE leaderboard_id = $1", [definition.id], conn)
    await fetch("UPDATE standings SET score = 0 WHERE leaderboard_id = $1", [definition.id], conn)
    touched: set[tuple[str, int]] = set()

    async def boards_for(metric_id: int) -> list[BoardDefinition]:
        return [definition] if definition.weight_of(metric_id) else []

    now = datetime.now(UTC)
    async for events, people in _events(definition, conn):
        written = await fold_events(
            deps, definition.tenant_id, events, people, boards_for, now, conn, rescoring=True
        )
        touched.update((board.period, s.participant_id) for board, s in written)
    await _drop_untouched(definition, now, conn)
    return before, len(touched)


async def refresh_rankings(
    deps: Deps, definition: BoardDefinition, before: list[str], mark: datetime | None = None
) -> None:
    """Bring every Redis ranking of the board that had or has standings up to date, and its
    current one (ready at once, even while empty). In place: readers never find a ranking
    missing; new versions win, dropped ones go. A re-scoring marks the board dirty in its
    transaction (``mark``, from ``mark_dirty``): the mark is cleared once every ranking is
    refreshed, and stays for the keeper to repair if Redis failed meanwhile, or this process
    died."""
    after = await ranked_periods(definition.id)
    # The period reads show: the current one, or between periods the next (or last) one,
    # as the keeper keeps them (a season's board after its season: the season).
    shown = board_in(definition).ref.period
    now_key = [shown] if shown != NO_PERIOD else []
    changed = datetime.now(UTC)  # after the re-scoring committed: a rebuild must follow it
    complete = True
    for period in dict.fromkeys(before + after + now_key):
        board = definition.ref(period)
        if await deps.keeper.released(board):
            await deps.keeper.released_changed(board)  # re-scored in the database alone
            continue
        try:
            await rebuild_board(
                deps.store,
                board,
                batch=deps.settings.rebuild_batch,
                needed_since=changed,
                lock_seconds=deps.settings.rebuild_lock_seconds,
            )
        except Unavailable:
            log.warning("could not refresh %s/%s; the keeper will", definition.key, period)
            complete = False
    if mark is not None and complete:
        await clear_own_mark(definition.id, mark)


async def _drop_untouched(
    definition: BoardDefinition, now: datetime, conn: BaseDBAsyncClient
) -> None:
    """Standings no event supports any more (not rewritten at ``now``) go, except on the
    points board, which ranks every participant: there they stay, at 0, with a new version."""
    if definition.key == POINTS:
        await fetch(
            "UPDATE standings SET version = version + 1, updated_at = $1, tie_key = $2"
            " WHERE leaderboard_id = $3 AND updated_at <> $4",
            [now, definition.tie_break.key(None, None), definition.id, now],
            conn,
        )
    else:
        await fetch(
            "DELETE FROM standings WHERE leaderboard_id = $1 AND updated_at <> $2",
            [definition.id, now],
            conn,
        )


async def _events(
    definition: BoardDefinition, conn: BaseDBAsyncClient | None = None
) -> AsyncIterator[tuple[list[tuple[EventInput, int]], dict[int, ParticipantView]]]:
    """The events of the board's metrics in id order, in batches, with their participants."""
    ids = [m.metric_id for m in definition.metrics]
    if not ids:
        return
    marks = ", ".join(f"${i + 3}" for i in range(len(ids)))
    after = 0
    while True:
        rows = await fetch(
            "SELECT id, participant_id, metric_id, value, occurred_at FROM score_events"
            f" WHERE tenant_id = $1 AND id > $2 AND metric_id IN ({marks})"
            f" ORDER BY id LIMIT {EVENT_BATCH}",
            [definition.tenant_id, after, *ids],
            conn,
        )
        if not rows:
            return
        after = int(rows[-1]["id"])
        people = await get_participants(
            definition.tenant_id, sorted({int(r["participant_id"]) for r in rows}), conn
        )
        yield [(_event(r), int(r["id"])) for r in rows], people


def _event(row: dict[str, Any]) -> EventInput:
    at = timestamp(row["occurred_at"])
    return EventInput(
        participant_id=int(row["participant_id"]),
        metric_id=int(row["metric_id"]),
        value=float(row["value"]),
        source="",
        source_id="",
        occurred_at=at.astimezone(UTC),
    )


@dataclass(frozen=True, slots=True)
class Difference:
    position: int  # 1-based
    expected: tuple[int, float] | None  # (participant id, score)
    live: tuple[int, float] | None


async def expected_scores(definition: BoardDefinition, period: str) -> dict[int, tuple[float, str]]:
    """Every ranked participant's score and tie key in ``period`` recomputed from the events
    alone (participants who opted out are scored but not ranked, so not here)."""
    aggregates: dict[tuple[int, int], Aggregate] = {}
    async for events, people in _events(definition):
        for event, event_id in events:
            at = event.occurred_at or datetime.now(UTC)
            found = definition.period_at(at)
            person = people.get(event.participant_id)
            if found is None or found.key != period or person is None or person.opted_out:
                continue
            if not definition.entry_filter.admits(person, at):
                continue
            one = Aggregate.of_event(event.value, at, event_id)
            key = (event.participant_id, event.metric_id)
            if key in aggregates:
                aggregates[key].merge(one)
            else:
                aggregates[key] = one
    rows: dict[int, dict[int, dict[str, Any]]] = {}
    for (pid, metric_id), agg in aggregates.items():
        rows.setdefault(pid, {})[metric_id] = agg.row()
    scores = {
        pid: place
        for pid, by_metric in rows.items()
        if (place := standing_of(definition, by_metric)) is not None
    }
    if definition.key == POINTS:  # every participant is on it, with 0 until scored
        unscored = (0.0, definition.tie_break.key(None, None))
        for r in await fetch(
            "SELECT id FROM participants WHERE tenant_id = $1 AND NOT opted_out",
            [definition.tenant_id],
        ):
            scores.setdefault(int(r["id"]), unscored)
    return scores


async def verify(
    deps: Deps, definition: BoardDefinition, period: str, top: int
) -> list[Difference]:
    """Compare the live top ``top`` with the top recomputed from events (order included:
    score, then tie-break, then participant id); [] when equal."""
    board: BoardRef = definition.ref(period)
    scores = await expected_scores(definition, period)
    sign = -1.0 if definition.higher_is_better else 1.0
    order = sorted(scores.items(), key=lambda item: (sign * item[1][0], item[1][1], item[0]))
    expected = [(pid, score) for pid, (score, _) in order[:top]]
    live = [(r.participant_id, r.score) for r in await rankings.top_rows(deps, board, top)]
    differences = []
    for i in range(max(len(expected), len(live))):
        e = expected[i] if i < len(expected) else None
        got = live[i] if i < len(live) else None
        if not _same(e, got):
            differences.append(Difference(i + 1, e, got))
    return differences


def _same(a: tuple[int, float] | None, b: tuple[int, float] | None) -> bool:
    if a is None or b is None:
        return a is b
    return a[0] == b[0] and math.isclose(a[1], b[1], rel_tol=TOLERANCE, abs_tol=TOLERANCE)
