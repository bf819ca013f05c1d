"""Recording score events and keeping standings derived from them.

Every change of a score is an append-only event with an idempotency key ``(source,
sourceId)``. The event and the standings it changes are written in one transaction; only
after the commit are the new standings projected to Redis, in version order.
"""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from app.db import fetch
from app.deps import Deps
from app.errors import BadUserInput, Conflict, NotFound, Unavailable
from app.leaderboards import rankings
from app.leaderboards.rankings import EntryView
from app.leaderboards.service import POINTS
from app.participants.models import Participant
from app.participants.service import ParticipantView, get_participants
from app.ranking.keys import BoardRef
from app.ranking.store import Cursor, Standing, to_stored
from app.scoring.models import ScoreEvent
from app.text import storable

MAX_SOURCE_ID = 200
ADJUST_SOURCE = "adjustPoints"

UPSERT_STANDING = (
    "INSERT INTO standings (tenant_id, leaderboard_id, period, participant_id, score, version,"
    " updated_at) VALUES ($1, $2, $3, $4, $5, 1, $6)"
    " ON CONFLICT (leaderboard_id, period, participant_id) DO UPDATE"
    " SET score = standings.score + excluded.score, version = standings.version + 1,"
    " updated_at = excluded.updated_at"
    " RETURNING score, version"
)


@dataclass(frozen=True, slots=True)
class EventInput:
    participant_id: int
    metric_id: int
    value: float
    source: str
    source_id: str | None
    action_type: str = ""
    context: dict[str, Any] | None = None
    occurred_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Recorded:
    event_id: int
    duplicate: bool
    standings: list[tuple[BoardRef, Standing]]
    participant: ParticipantView | None = None  # as read when the event was appended


def check_value(deps: Deps, value: float) -> None:
    """Reject non-finite, zero and absurd score changes."""
    if not math.isfinite(value):
        raise BadUserInput("delta must be a finite number.", field="delta")
    if value == 0:
        raise BadUserInput("delta must not be zero.", field="delta")
    if abs(value) > deps.settings.max_abs_delta:
        raise BadUserInput(
            f"delta must be at most {deps.settings.max_abs_delta:g} in size.", field="delta"
        )


async def record_event(deps: Deps, tenant_id: int, event: EventInput) -> Recorded:
    """Append ``event`` once; a replay of its idempotency key changes nothing.

    Raises :class:`NotFound` for an unknown participant, :class:`Conflict` when the key was
    used for a different change, :class:`BadUserInput` when a score would leave the range.
    """
    check_value(deps, event.value)
    if event.source_id is not None and not (
        0 < len(event.source_id) <= MAX_SOURCE_ID and storable(event.source_id)
    ):
        raise BadUserInput(
            f"idempotencyKey must be 1 to {MAX_SOURCE_ID} characters of valid text.",
            field="idempotencyKey",
        )
    source_id = event.source_id or uuid.uuid4().hex
    for _attempt in range(2):  # a concurrent first use of the same key wins; we then replay
        if event.source_id is not None:  # a fresh random key cannot have been used
            existing = await ScoreEvent.get_or_none(
                tenant_id=tenant_id, source=event.source, source_id=source_id
            )
            if existing is not None:
                return _replay(existing, event)
        try:
            recorded = await _append(deps, tenant_id, event, source_id)
        except IntegrityError:
            if not await Participant.exists(id=event.participant_id, tenant_id=tenant_id):
                raise NotFound(f"No participant with id {event.participant_id}.") from None
            continue
        for board, standing in recorded.standings:
            await deps.keeper.project(board, [standing])
        return recorded
    raise Conflict("The idempotency key is being used concurrently; retry.")


def _replay(existing: ScoreEvent, event: EventInput) -> Recorded:
    same = (
        existing.participant_id == event.participant_id  # type: ignore[attr-defined]
        and existing.metric_id == event.metric_id  # type: ignore[attr-defined]
        and existing.value == event.value
    )
    if not same:
        raise Conflict(
            "This idempotency key was already used for a different change.",
            field="idempotencyKey",
        )
    return Recorded(existing.id, True, [])


async def _append(deps: Deps, tenant_id: int, event: EventInput, source_id: str) -> Recorded:
    now = datetime.now(UTC)
    async with in_transaction() as conn:
        found = await get_participants(tenant_id, [event.participant_id], conn)
        if event.participant_id not in found:
            raise NotFound(f"No participant with id {event.participant_id}.")
        row = await ScoreEvent.create(
            using_db=conn,
            tenant_id=tenant_id,
            participant_id=event.participant_id,
            metric_id=event.metric_id,
            value=event.value,
            occurred_at=event.occurred_at or now,
            source=event.source,
            source_id=source_id,
            action_type=event.action_type,
            context=event.context or {},
        )
        standings = []
        for board, weight in await deps.definitions.boards_fed_by(tenant_id, event.metric_id):
            standing = await _add_to_standing(deps, board, event, weight * event.value, now, conn)
            standings.append((board, standing))
    return Recorded(row.id, False, standings, found[event.participant_id])


async def _add_to_standing(
    deps: Deps,
    board: BoardRef,
    event: EventInput,
    amount: float,
    now: datetime,
    conn: BaseDBAsyncClient,
) -> Standing:
    rows = await fetch(
        UPSERT_STANDING,
        [board.tenant_id, board.leaderboard_id, board.period, event.participant_id, amount, now],
        conn,
    )
    score, version = float(rows[0]["score"]), int(rows[0]["version"])
    if not abs(score) <= deps.settings.max_abs_score:
        raise BadUserInput(
            f"The score would leave the allowed range (±{deps.settings.max_abs_score:g}).",
            field="delta",
        )
    return Standing(event.participant_id, score, version)


async def adjust_points(
    deps: Deps, tenant_id: int, participant_id: int, delta: float, idempotency_key: str | None
) -> EntryView:
    """Add ``delta`` points (the +/- buttons) and return the participant's new entry.

    The entry is the one this change produced (its score, and its rank among the others
    now), even when concurrent changes of the same participant land right after it. A
    repeated ``idempotency_key`` applies once; the replay returns the current entry. While
    Redis is away the change is still committed and the rank is computed by the database.
    """
    board = (await deps.definitions.board(tenant_id, POINTS)).ref
    recorded = await record_event(
        deps,
        tenant_id,
        EventInput(
            participant_id=participant_id,
            metric_id=await deps.definitions.metric_id(tenant_id, POINTS),
            value=delta,
            source=ADJUST_SOURCE,
            source_id=idempotency_key,
            action_type="adjust_points",
        ),
    )
    mine = next((s for b, s in recorded.standings if b == board), None)
    if mine is not None and mine.score is not None:  # the entry as of this change
        found: tuple[float, int] | None = (
            mine.score,
            await rankings.rank_of_score(deps, board, participant_id, mine.score),
        )
    else:  # a replay: the entry as it is now
        try:
            found = (await rankings.scores_and_ranks(deps, board, [participant_id]))[participant_id]
        except Unavailable:
            found = await rankings.entry_from_database(board, participant_id)
    person = recorded.participant
    if person is None:  # a replay: read the participant now
        person = (await get_participants(tenant_id, [participant_id])).get(participant_id)
    if found is None or person is None:  # deleted meanwhile
        raise NotFound(f"No participant with id {participant_id}.")
    score, rank = found
    return EntryView(rank, score, person, Cursor(repr(to_stored(board, score)), participant_id))
