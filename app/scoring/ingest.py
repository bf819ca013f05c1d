"""Recording score events: one event or a batch of up to ``max_batch``, all or nothing.

Each event is appended once under its idempotency key ``(source, sourceId)``; a replay of a
key with the same content is reported as a duplicate and changes nothing, a reuse with other
content is a CONFLICT. In the same transaction, every active board the event's metric feeds
gets the event folded into the participant's aggregate for the event's period (if the
board's window and filter admit it), and the standing's composite score is recomputed. After
the commit the new standings are projected to Redis in version order.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import groupby
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from app.db import fetch, is_sqlite
from app.deps import Deps
from app.errors import BadUserInput, Conflict, NotFound
from app.leaderboards.definition import BoardDefinition, revision_of
from app.ops import metrics
from app.participants.views import ParticipantView, get_participants
from app.ranking.keys import BoardRef
from app.ranking.store import Standing, version_at
from app.scoring.aggregates import (
    ROWS_PER_STATEMENT,
    Aggregate,
    AggregateKey,
    StandingKey,
    _rows,
    composite_scores,
    upsert_aggregates,
)
from app.scoring.replays import reproject

ATTEMPTS = 3  # a batch that deadlocked with another (they overlap in another order) retries
RETRYABLE = ("40P01", "40001")  # deadlock detected, serialization failure
log = logging.getLogger(__name__)

LOCK_SPACE = 7201  # advisory locks of metrics: (LOCK_SPACE, metric id)
EVENT_COLUMNS = (
    "tenant_id, participant_id, metric_id, value, occurred_at, source, source_id, action_type,"
    " context, created_at"
)
UPSERT_STANDINGS_TAIL = (
    " ON CONFLICT (leaderboard_id, period, participant_id) DO UPDATE"
    " SET score = excluded.score, tie_key = excluded.tie_key,"
    " version = CASE WHEN standings.version >= excluded.version"
    "  THEN standings.version + 1 ELSE excluded.version END,"
    " updated_at = excluded.updated_at, {snapshots}"
    " RETURNING leaderboard_id, period, participant_id, score, version, tie_key"
)
NEW_SNAPSHOTS = "display_name = excluded.display_name, avatar = excluded.avatar"
# Re-scoring keeps the name and avatar a standing had (a past period shows them as they were).
KEPT_SNAPSHOTS = (
    "display_name = COALESCE(standings.display_name, excluded.display_name),"
    " avatar = COALESCE(standings.avatar, excluded.avatar)"
)


@dataclass(frozen=True, slots=True)
class EventInput:
    participant_id: int
    metric_id: int
    value: float
    source: str
    source_id: str | None  # None: a fresh random key (the change is never a replay)
    action_type: str = ""
    context: dict[str, Any] | None = None
    occurred_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Recorded:
    event_ids: list[int]  # per input, in order (the first event's id for a duplicate)
    duplicate: list[bool]
    standings: list[tuple[BoardRef, Standing]]
    people: dict[int, ParticipantView]  # as read when the events were appended


async def record_batch(deps: Deps, tenant_id: int, events: Sequence[EventInput]) -> Recorded:
    """Append ``events`` in one transaction and project the standings they change.

    Raises :class:`NotFound` for an unknown participant, :class:`Conflict` when a key was
    used for a different event, :class:`BadUserInput` when a score would leave the allowed
    range; then nothing at all was recorded.
    """
    now = datetime.now(UTC)
    keyed = [(e, e.source_id or uuid.uuid4().hex) for e in events]
    for attempt in range(1, ATTEMPTS + 1):
        try:
            ids, duplicate, standings, people = await _record(deps, tenant_id, keyed, now)
            break
        except IntegrityError:  # a participant was deleted meanwhile: say which
            await _check_participants(tenant_id, [e for e, _ in keyed])
            raise
        except Exception as exc:
            if getattr(exc, "sqlstate", None) not in RETRYABLE or attempt == ATTEMPTS:
                raise
            log.info("retrying a batch after %s", type(exc).__name__)
    hidden = {pid for pid, person in people.items() if person.opted_out}
    for board, group in groupby(standings, key=lambda bs: bs[0]):
        await deps.keeper.project(board, [visible(s, hidden) for _, s in group])
    fresh = {i for i, d in zip(ids, duplicate, strict=True) if not d}
    metrics.events_recorded(len(fresh))
    await reproject(deps, tenant_id, [i for i in ids if i not in fresh], people)
    return Recorded(ids, duplicate, standings, people)


def visible(standing: Standing, hidden: set[int]) -> Standing:
    """What Redis gets of a standing: opted-out participants are scored but not ranked."""
    if standing.participant_id in hidden:
        return Standing(standing.participant_id, None, standing.version)
    return standing


async def _record(
    deps: Deps, tenant_id: int, keyed: list[tuple[EventInput, str]], now: datetime
) -> tuple[list[int], list[bool], list[tuple[BoardRef, Standing]], dict[int, ParticipantView]]:
    async with in_transaction() as conn:
        pids = sorted({e.participant_id for e, _ in keyed})
        people = await get_participants(tenant_id, pids, conn, share_lock=True)
        _require(people, [e for e, _ in keyed])
        ids, duplicate = await _append(tenant_id, keyed, now, conn)
        fresh = [(e, i) for (e, _), i, d in zip(keyed, ids, duplicate, strict=True) if not d]
        standings = await _apply(deps, tenant_id, fresh, people, now, conn) if fresh else []
    return ids, duplicate, standings, people


def _require(people: dict[int, ParticipantView], events: list[EventInput]) -> None:
    for index, e in enumerate(events):
        if e.participant_id not in people:
            raise NotFound(f"No participant with id {e.participant_id}.", index=index)


async def _check_participants(tenant_id: int, events: list[EventInput]) -> None:
    people = await get_participants(tenant_id, sorted({e.participant_id for e in events}))
    _require(people, events)


async def _append(
    tenant_id: int,
    keyed: list[tuple[EventInput, str]],
    now: datetime,
    conn: BaseDBAsyncClient,
) -> tuple[list[int], list[bool]]:
    """Insert the events whose keys are new; returns each input's event id and whether it
    was a duplicate (of an earlier event, or of an earlier input of this batch)."""
    first_of: dict[tuple[str, str], int] = {}  # key -> index of its first input
    unique: list[int] = []
    for index, (e, key) in enumerate(keyed):
        if (e.source, key) not in first_of:
            first_of[(e.source, key)] = index
            unique.append(index)
    inserted: dict[tuple[str, str], int] = {}
    for start in range(0, len(unique), ROWS_PER_STATEMENT):
        chunk = unique[start : start + ROWS_PER_STATEMENT]
        values: list[Any] = []
        for index in chunk:
            e, key = keyed[index]
            values += [tenant_id, e.participant_id, e.metric_id, e.value, e.occurred_at or now,
                       e.source, key, e.action_type, _json(e.context), now]  # fmt: skip
        rows = await fetch(
            f"INSERT INTO score_events ({EVENT_COLUMNS}) VALUES {_rows(len(chunk), 10)}"
            " ON CONFLICT (tenant_id, source, source_id) DO NOTHING"
            " RETURNING id, source, source_id",
            values,
            conn,
        )
        inserted.update({(r["source"], r["source_id"]): int(r["id"]) for r in rows})
    earlier = await _existing(tenant_id, [k for k in first_of if k not in inserted], conn)
    ids: list[int] = []
    duplicate: list[bool] = []
    for index, (e, key) in enumerate(keyed):
        k = (e.source, key)
        if k in inserted and first_of[k] == index:
            ids.append(inserted[k])
            duplicate.append(False)
            continue
        if k in inserted:  # repeated within this batch
            first = keyed[first_of[k]][0]
            original = (inserted[k], first.participant_id, first.metric_id, first.value)
        elif k in earlier:
            original = earlier[k]
        else:  # its first use was rolled back meanwhile
            raise Conflict("sourceId is being used concurrently; retry.", index=index)
        if original[1:] != (e.participant_id, e.metric_id, e.value):
            raise Conflict(
                f"sourceId {key!r} of source {e.source!r} was already used for a different event.",
                field="sourceId",
                index=index,
            )
        ids.append(original[0])
        duplicate.append(True)
    return ids, duplicate


async def _existing(
    tenant_id: int, keys: list[tuple[str, str]], conn: BaseDBAsyncClient
) -> dict[tuple[str, str], tuple[int, int, int, float]]:
    """``(id, participant, metric, value)`` of the stored events with these keys."""
    found: dict[tuple[str, str], tuple[int, int, int, float]] = {}
    for start in range(0, len(keys), ROWS_PER_STATEMENT):
        chunk = keys[start : start + ROWS_PER_STATEMENT]
        pairs = " OR ".join(
            f"(source = ${2 * i + 2} AND source_id = ${2 * i + 3})" for i in range(len(chunk))
        )
        rows = await fetch(
            "SELECT id, source, source_id, participant_id, metric_id, value FROM score_events"
            f" WHERE tenant_id = $1 AND ({pairs})",
            [tenant_id, *(v for pair in chunk for v in pair)],
            conn,
        )
        for r in rows:
            found[(r["source"], r["source_id"])] = (
                int(r["id"]),
                int(r["participant_id"]),
                int(r["metric_id"]),
                float(r["value"]),
            )
    return found


def _json(value: dict[str, Any] | None) -> str:
    return json.dumps(value or {}, separators=(",", ":"))


BoardsFor = Callable[[int], Awaitable[list[BoardDefinition]]]


async def _apply(
    deps: Deps,
    tenant_id: int,
    fresh: list[tuple[EventInput, int]],
    people: dict[int, ParticipantView],
    now: datetime,
    conn: BaseDBAsyncClient,
) -> list[tuple[BoardRef, Standing]]:
    """Fold new events into the aggregates of every board their metrics feed, and
    recompute the standings they touch."""
    metric_ids = sorted({e.metric_id for e, _ in fresh})
    await lock_metrics(metric_ids, conn, exclusive=False)
    feeds = {m: await deps.definitions.boards_fed_by(tenant_id, m) for m in metric_ids}
    if await _stale(metric_ids, feeds, conn):  # redefined meanwhile (in another process)
        deps.definitions.forget()
        feeds = {m: await deps.definitions.boards_fed_by(tenant_id, m) for m in metric_ids}

    async def boards_for(metric_id: int) -> list[BoardDefinition]:
        return feeds.get(metric_id, [])

    return await fold_events(deps, tenant_id, fresh, people, boards_for, now, conn)


async def fold_events(
    deps: Deps,
    tenant_id: int,
    events: list[tuple[EventInput, int]],
    people: dict[int, ParticipantView],
    boards_for: BoardsFor,
    now: datetime,
    conn: BaseDBAsyncClient,
    *,
    rescoring: bool = False,
) -> list[tuple[BoardRef, Standing]]:
    """Fold events (with their ids) into the aggregates of the boards ``boards_for`` names
    for their metric, and upsert the standings they touch; returns those standings."""
    changes: dict[AggregateKey, Aggregate] = {}
    boards: dict[int, BoardDefinition] = {}
    for e, event_id in events:
        at = e.occurred_at or now
        for board in await boards_for(e.metric_id):
            period = board.period_at(at)
            if period is None or not board.entry_filter.admits(people[e.participant_id], at):
                continue
            boards[board.id] = board
            one = Aggregate.of_event(e.value, at, event_id)
            key = (board.id, period.key, e.participant_id, e.metric_id)
            if key in changes:
                changes[key].merge(one)
            else:
                changes[key] = one
    if not changes:
        return []
    await _lock_composites(tenant_id, boards, changes, now, conn)
    touched: dict[int, dict[StandingKey, dict[int, dict[str, Any]]]] = {}
    for row in await upsert_aggregates(tenant_id, changes, conn):
        board_id, skey = int(row["leaderboard_id"]), _standing_key(row)
        touched.setdefault(board_id, {}).setdefault(skey, {})[int(row["metric_id"])] = row
    scores: dict[StandingKey, tuple[float, str]] = {}
    unranked: list[StandingKey] = []
    for board_id, rows in touched.items():
        for standing, place in (await composite_scores(boards[board_id], rows, conn)).items():
            if place is None:
                unranked.append(standing)
            else:
                scores[standing] = place
    await _drop_placeholders(unranked, conn)
    return await _upsert_standings(
        deps, tenant_id, boards, scores, people, now, conn, rescoring=rescoring
    )


async def _lock_composites(
    tenant_id: int,
    boards: dict[int, BoardDefinition],
    changes: dict[AggregateKey, Aggregate],
    now: datetime,
    conn: BaseDBAsyncClient,
) -> None:
    """Lock the standings of boards with several metrics before touching their aggregates:
    a score is computed from every metric's aggregate, so two batches changing different
    metrics of one participant must not both compute it from the other's old value.
    (PostgreSQL only: SQLite has one writer at a time.)"""
    keys = sorted({(b, p, pid) for b, p, pid, _ in changes if len(boards[b].metrics) > 1})
    if not keys or is_sqlite(conn):
        return
    version = version_at(now)
    for start in range(0, len(keys), ROWS_PER_STATEMENT):
        chunk = keys[start : start + ROWS_PER_STATEMENT]
        values: list[Any] = []
        for board_id, period, pid in chunk:
            values += [tenant_id, board_id, period, pid, 0.0, "", version, now]
        await fetch(
            "INSERT INTO standings (tenant_id, leaderboard_id, period, participant_id, score,"
            f" tie_key, version, updated_at) VALUES {_rows(len(chunk), 8)}"
            " ON CONFLICT (leaderboard_id, period, participant_id)"
            " DO UPDATE SET version = standings.version",
            values,
            conn,
        )


async def _drop_placeholders(keys: list[StandingKey], conn: BaseDBAsyncClient) -> None:
    """Remove the standings ``_lock_composites`` created for participants whose events only
    count for metrics of weight 0 (they are tracked, not ranked)."""
    for (board_id, period), group in groupby(sorted(keys), key=lambda k: k[:2]):
        pids = [pid for _, _, pid in group]
        for start in range(0, len(pids), ROWS_PER_STATEMENT):
            chunk = pids[start : start + ROWS_PER_STATEMENT]
            marks = ", ".join(f"${i + 3}" for i in range(len(chunk)))
            await fetch(
                "DELETE FROM standings WHERE leaderboard_id = $1 AND period = $2"
                f" AND participant_id IN ({marks})",
                [board_id, period, *chunk],
                conn,
            )


async def lock_metrics(ids: list[int], conn: BaseDBAsyncClient, *, exclusive: bool) -> None:
    """Serialise re-scoring boards from a metric's events (exclusive) against recording
    events of it (shared), so a recomputation or a new board never misses or double-counts
    an event. PostgreSQL only: SQLite has one writer at a time anyway."""
    if is_sqlite(conn) or not ids:
        return
    kind = "" if exclusive else "_shared"
    marks = ", ".join(f"(${i + 1}::int)" for i in range(len(ids)))
    await fetch(
        f"SELECT pg_advisory_xact_lock{kind}({LOCK_SPACE}, id)"
        f" FROM (SELECT id FROM (VALUES {marks}) v(id) ORDER BY id) ids",
        sorted(ids),
        conn,
    )


async def _stale(
    metric_ids: list[int], feeds: dict[int, list[BoardDefinition]], conn: BaseDBAsyncClient
) -> bool:
    """Whether the boards the metrics feed differ from the cached ``feeds``."""
    marks = ", ".join(f"${i + 1}" for i in range(len(metric_ids)))
    rows = await fetch(
        "SELECT lm.metric_id, l.id, l.updated_at FROM leaderboard_metrics lm"
        " JOIN leaderboards l ON l.id = lm.leaderboard_id"
        f" WHERE lm.metric_id IN ({marks}) AND l.is_active",
        metric_ids,
        conn,
    )
    current = {(int(r["metric_id"]), int(r["id"]), revision_of(r["updated_at"])) for r in rows}
    cached = {(m, b.id, b.revision) for m, bs in feeds.items() for b in bs}
    return current != cached


def _standing_key(row: dict[str, Any]) -> StandingKey:
    return int(row["leaderboard_id"]), str(row["period"]), int(row["participant_id"])


async def _upsert_standings(
    deps: Deps,
    tenant_id: int,
    boards: dict[int, BoardDefinition],
    scores: dict[StandingKey, tuple[float, str]],
    people: dict[int, ParticipantView],
    now: datetime,
    conn: BaseDBAsyncClient,
    *,
    rescoring: bool,
) -> list[tuple[BoardRef, Standing]]:
    """Write the new scores and tie keys, with the participants' names and avatars as of now
    (kept as they were, when ``rescoring``)."""
    limit = deps.settings.max_abs_score
    for score, _ in scores.values():
        if not abs(score) <= limit:
            raise BadUserInput(f"A score would leave the allowed range (±{limit:g}).")
    items = sorted(scores.items())
    version = version_at(now)
    out: list[tuple[BoardRef, Standing]] = []
    for start in range(0, len(items), ROWS_PER_STATEMENT):
        chunk = items[start : start + ROWS_PER_STATEMENT]
        values: list[Any] = []
        for (board_id, period, pid), (score, tie) in chunk:
            person = people[pid]
            values += [tenant_id, board_id, period, pid, score, tie, version, now, person.name,
                       person.avatar_url]  # fmt: skip
        rows = await fetch(
            "INSERT INTO standings (tenant_id, leaderboard_id, period, participant_id, score,"
            f" tie_key, version, updated_at, display_name, avatar) VALUES {_rows(len(chunk), 10)}"
            + UPSERT_STANDINGS_TAIL.format(
                snapshots=KEPT_SNAPSHOTS if rescoring else NEW_SNAPSHOTS
            ),
            values,
            conn,
        )
        for r in rows:
            board = boards[int(r["leaderboard_id"])].ref(str(r["period"]))
            standing = Standing(
                int(r["participant_id"]), float(r["score"]), int(r["version"]), r["tie_key"]
            )
            out.append((board, standing))
    out.sort(key=lambda bs: (bs[0].leaderboard_id, bs[0].period, bs[1].participant_id))
    return out
