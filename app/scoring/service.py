"""Score changes as the API offers them: +/- points, and score events of any metric.

Both go through :func:`app.scoring.ingest.record_batch`; this module validates and
resolves the input (participant ids or external ids, metric keys) and shapes the results.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

from app.deps import Deps
from app.errors import BadUserInput, Conflict, NotFound, RankedError
from app.leaderboards import rankings
from app.leaderboards.rankings import EntryView
from app.leaderboards.service import POINTS, MetricInfo
from app.participants.models import Participant
from app.participants.views import ParticipantView, get_participants
from app.ranking.keys import BoardRef
from app.ranking.store import Cursor, Entry, Standing, stored_text
from app.scoring.ingest import EventInput, Recorded, record_batch
from app.text import check_text, storable, storable_json

MAX_SOURCE_ID = 200
MAX_SOURCE = 64
MAX_ACTION_TYPE = 64
ADJUST_SOURCE = "adjustPoints"
# How far in the future an occurredAt may lie (clock skew between the caller and us).
FUTURE_TOLERANCE = timedelta(minutes=5)
EARLIEST = datetime(1970, 1, 2, tzinfo=UTC)  # (a day of margin for any time zone's periods)

__all__ = ["EventInput", "Recorded", "ScoreInput", "ScoreResult", "adjust_points", "record_scores"]


@dataclass(frozen=True, slots=True)
class ScoreInput:
    """One ``recordScore`` input, as the client sent it."""

    metric: str
    value: float
    source: str
    source_id: str
    participant_id: int | None = None
    external_id: str | None = None
    occurred_at: datetime | None = None
    action_type: str = ""
    context: dict[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class ScoreResult:
    event_id: int
    participant_id: int
    duplicate: bool


def check_value(deps: Deps, value: float, field: str, *, zero: bool) -> None:
    """Reject non-finite and absurd values (and zero, where it would change nothing)."""
    if not math.isfinite(value):
        raise BadUserInput(f"{field} must be a finite number.", field=field)
    if value == 0 and not zero:
        raise BadUserInput(f"{field} must not be zero.", field=field)
    if abs(value) > deps.settings.max_abs_delta:
        raise BadUserInput(
            f"{field} must be at most {deps.settings.max_abs_delta:g} in size.", field=field
        )


def check_whole(metric: MetricInfo, value: float, field: str) -> None:
    """A metric of dataType INTEGER (the built-in points among them) counts whole numbers."""
    if metric.whole and not float(value).is_integer():
        raise BadUserInput(
            f"{field} must be a whole number: metric {metric.key!r} counts whole numbers"
            f" (dataType INTEGER), and {value:g} is not one.",
            field=field,
        )


async def record_scores(
    deps: Deps, tenant_id: int, inputs: Sequence[ScoreInput]
) -> list[ScoreResult]:
    """Record a batch of score events, all or nothing; errors name the input's ``index``."""
    cap = deps.settings.max_batch
    if not 1 <= len(inputs) <= cap:
        raise BadUserInput(f"Send 1 to {cap} events at a time.", field="inputs", max=cap)
    now = datetime.now(UTC)
    pids = await _participant_ids(tenant_id, inputs)
    events: list[EventInput] = []
    for index, item in enumerate(inputs):
        try:
            events.append(await _event(deps, tenant_id, item, pids, now))
        except (BadUserInput, NotFound) as exc:
            exc.extensions["index"] = index
            raise
    recorded = await record_batch(deps, tenant_id, events)
    return [
        ScoreResult(event_id, e.participant_id, duplicate)
        for e, event_id, duplicate in zip(
            events, recorded.event_ids, recorded.duplicate, strict=True
        )
    ]


async def _participant_ids(tenant_id: int, inputs: Sequence[ScoreInput]) -> dict[str, int]:
    """External id -> participant id, for the external ids the inputs use (one query)."""
    wanted = {
        i.external_id for i in inputs if i.external_id is not None and storable(i.external_id)
    }
    if not wanted:
        return {}
    rows = await Participant.filter(tenant_id=tenant_id, external_id__in=wanted).values(
        "id", "external_id"
    )
    return {r["external_id"]: r["id"] for r in rows}


async def _event(
    deps: Deps, tenant_id: int, item: ScoreInput, by_external: dict[str, int], now: datetime
) -> EventInput:
    if (item.participant_id is None) == (item.external_id is None):
        raise BadUserInput("Give either participantId or externalId.", field="participantId")
    if item.external_id is not None:
        pid = by_external.get(item.external_id)
        if pid is None:
            raise NotFound(f"No participant with externalId {item.external_id!r}.")
    else:
        pid = item.participant_id
    check_value(deps, item.value, "value", zero=True)
    metric = await deps.definitions.metric(tenant_id, item.metric)
    check_whole(metric, item.value, "value")
    check_text(item.source, "source", MAX_SOURCE, empty=False)
    check_text(item.source_id, "sourceId", MAX_SOURCE_ID, empty=False)
    check_text(item.action_type, "actionType", MAX_ACTION_TYPE)
    if item.context is not None and not storable_json(item.context):
        raise BadUserInput("context must be JSON of valid text.", field="context")
    at = item.occurred_at
    if at is not None:
        if at.tzinfo is None:
            raise BadUserInput("occurredAt needs a time zone offset.", field="occurredAt")
        if at > now + FUTURE_TOLERANCE:
            raise BadUserInput("occurredAt lies in the future.", field="occurredAt")
        if at < EARLIEST:
            raise BadUserInput("occurredAt must be in 1970 or later.", field="occurredAt")
    return EventInput(
        participant_id=pid,  # type: ignore[arg-type]
        metric_id=metric.id,
        value=item.value,
        source=item.source,
        source_id=item.source_id,
        action_type=item.action_type,
        context=item.context,
        occurred_at=at.astimezone(UTC) if at is not None else None,
    )


async def adjust_points(
    deps: Deps, tenant_id: int, participant_id: int, delta: float, idempotency_key: str | None
) -> EntryView:
    """Add ``delta`` points (the +/- buttons) and return the participant's new entry.

    The entry is the one this change produced (its score, and its rank among the others
    now), even when concurrent changes of the same participant land right after it. A
    repeated ``idempotency_key`` applies once; the replay returns the current entry. While
    Redis is away the change is still committed and the rank is computed by the database.
    Concurrent changes of a tenant are committed together (``deps.writes``); each is
    answered once the transaction holding it committed.
    """
    check_value(deps, delta, "delta", zero=False)
    points = await deps.definitions.metric(tenant_id, POINTS)
    check_whole(points, delta, "delta")
    if idempotency_key is not None:
        check_text(idempotency_key, "idempotencyKey", MAX_SOURCE_ID, empty=False)
    board = (await deps.definitions.board(tenant_id, POINTS)).ref("all")
    event = EventInput(
        participant_id=participant_id,
        metric_id=points.id,
        value=delta,
        source=ADJUST_SOURCE,
        # Keyed before it is grouped: a group that must be recorded again can only replay it.
        source_id=idempotency_key if idempotency_key is not None else uuid.uuid4().hex,
        action_type="adjust_points",
    )
    try:
        applied = await deps.writes.submit(
            (tenant_id, POINTS), event, partial(_commit_points, deps, tenant_id, board), _whose
        )
    except Conflict:  # in the words of this mutation's arguments
        raise Conflict(
            "This idempotency key was already used for a different change.",
            field="idempotencyKey",
        ) from None
    except (BadUserInput, NotFound) as exc:
        exc.extensions.pop("index", None)
        if isinstance(exc, BadUserInput):
            exc.extensions["field"] = "delta"
        raise
    mine, person = applied.standing, applied.person
    found: Entry | None
    if applied.entry is not None:  # ranked with the others of its group
        found = applied.entry
    elif mine is not None and mine.score is not None:  # the entry as of this change
        found = await rankings.entry_with(deps, board, participant_id, mine.score, mine.tie)
    else:  # a replay: the entry as it is now
        found = await rankings.entry_now(deps, board, participant_id)
    if applied.duplicate:  # a replay: read the participant now
        person = (await get_participants(tenant_id, [participant_id])).get(participant_id)
    if found is None and person is not None and person.opted_out:  # not ranked, but scored:
        stored = await rankings.standing_score(board, participant_id)  # the rank it would have
        if stored is not None:
            found = await rankings.entry_with(deps, board, participant_id, *stored)
    if found is None or person is None:  # deleted meanwhile
        raise NotFound(f"No participant with id {participant_id}.")
    definition = await deps.definitions.board(tenant_id, POINTS)
    rank = await rankings.rank_as(deps, definition.rank_mode, board, found)
    cursor = Cursor(stored_text(board, found.score), participant_id, found.tie)
    return EntryView(rank, found.score, person, cursor, found.position)


@dataclass(frozen=True, slots=True)
class _Applied:
    """What one change of a group commit got: whether it replayed an earlier one, and its
    participant's standing on the points board and details as of the commit."""

    duplicate: bool
    standing: Standing | None
    person: ParticipantView | None
    entry: Entry | None = None  # its entry as of its change, when Redis gave the group's


def _whose(event: EventInput) -> int:
    return event.participant_id  # two changes of one participant never share a transaction


async def _commit_points(
    deps: Deps, tenant_id: int, board: BoardRef, events: list[EventInput], *, again: bool = True
) -> list[_Applied | BaseException]:
    """Record concurrent ``adjustPoints`` changes in one transaction (``deps.writes``) and
    answer each with its own outcome. A change the database refuses (its participant is
    gone, its key was used for another change) is answered with that error and the others
    are committed without it; an error that names no change has each recorded alone."""
    try:
        recorded = await record_batch(deps, tenant_id, events)
    except RankedError as exc:
        if len(events) == 1:
            return [exc]
        index = exc.extensions.pop("index", None)
        if not isinstance(index, int) or not again:
            return [(await _commit_points(deps, tenant_id, board, [e]))[0] for e in events]
        rest = await _commit_points(
            deps, tenant_id, board, events[:index] + events[index + 1 :], again=False
        )
        return [*rest[:index], exc, *rest[index:]]
    except Exception as exc:  # noqa: BLE001 - each change alone, so one fault fails one call
        if len(events) == 1:
            return [exc]
        return [(await _commit_points(deps, tenant_id, board, [e]))[0] for e in events]
    mine = {s.participant_id: s for b, s in recorded.standings if b == board}
    scored = [(pid, s.score, s.tie) for pid, s in mine.items() if s.score is not None]
    ranked = await rankings.entries_with(deps, board, scored) or []
    entries = {pid: entry for (pid, _, _), entry in zip(scored, ranked, strict=False)}
    return [
        _Applied(
            duplicate,
            mine.get(e.participant_id),
            recorded.people.get(e.participant_id),
            entries.get(e.participant_id),
        )
        for e, duplicate in zip(events, recorded.duplicate, strict=True)
    ]
