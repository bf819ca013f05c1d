"""Participants: add, edit, delete, look up, list.

Adding a participant gives it a zero standing on every active board of its tenant, so it is
ranked at once; deleting it deletes its events and standings and removes it from every
ranking in Redis (with a tombstone, so a late concurrent write cannot bring it back).
"""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from app.db import fetch, is_sqlite, timestamp
from app.deps import Deps
from app.errors import Conflict, NotFound, Unavailable
from app.leaderboards.service import current_boards, newcomer_boards, rankings_of
from app.participants.models import Participant
from app.participants.validation import ParticipantFields, clean_fields
from app.ranking.keys import BoardRef
from app.ranking.rebuild import mark_dirty
from app.ranking.store import Standing, version_at
from app.scoring.models import Standing as StandingRow

log = logging.getLogger(__name__)

VIEW_FIELDS = (
    "id",
    "external_id",
    "name",
    "age",
    "address",
    "participant_type",
    "metadata",
    "created_at",
    "updated_at",
    "opted_out",
    "avatar_url",
)


@dataclass(frozen=True, slots=True)
class ParticipantView:
    id: int
    external_id: str | None
    name: str
    age: int | None
    address: str
    participant_type: str
    metadata: dict[str, Any]
    created_at: datetime
    updated_at: datetime
    opted_out: bool = False
    avatar_url: str = ""


@dataclass(frozen=True, slots=True)
class ParticipantPage:
    items: list[ParticipantView]
    has_next: bool
    total: int


def _view(row: dict[str, Any]) -> ParticipantView:
    return ParticipantView(**{f: row[f] for f in VIEW_FIELDS})


def _raw_view(row: dict[str, Any]) -> ParticipantView:
    """A view from a raw row: SQLite hands back JSON and timestamps as text."""
    metadata, created, updated = row["metadata"], row["created_at"], row["updated_at"]
    return ParticipantView(
        id=row["id"],
        external_id=row["external_id"],
        name=row["name"],
        age=row["age"],
        address=row["address"],
        participant_type=row["participant_type"],
        metadata=json.loads(metadata) if isinstance(metadata, str) else metadata,
        created_at=timestamp(created),
        updated_at=timestamp(updated),
        opted_out=bool(row["opted_out"]),  # SQLite: 0 or 1
        avatar_url=row["avatar_url"],
    )


async def add_participant(deps: Deps, tenant_id: int, fields: ParticipantFields) -> ParticipantView:
    """Create a participant, ranked at once with zero points on the points board (other
    boards rank participants from their first event)."""
    values = clean_fields(fields, creating=True)
    boards = await newcomer_boards(tenant_id)
    now = datetime.now(UTC)
    try:
        async with in_transaction() as conn:
            row = await Participant.create(using_db=conn, tenant_id=tenant_id, **values)
            await StandingRow.bulk_create(
                [
                    StandingRow(
                        tenant_id=tenant_id,
                        leaderboard_id=b.leaderboard_id,
                        period=b.period,
                        participant_id=row.id,
                        score=0.0,
                        tie_key=tie,
                        version=version_at(now),
                        updated_at=now,
                        display_name=row.name,
                        avatar=row.avatar_url,
                    )
                    for b, tie in boards
                ],
                using_db=conn,
            )
    except IntegrityError as exc:
        raise Conflict("A participant with this externalId already exists.") from exc
    zero = None if row.opted_out else 0.0  # opted out: scored, never ranked
    for board, tie in boards:
        await deps.keeper.project(board, [Standing(row.id, zero, version_at(now), tie)])
    return (await get_participants(tenant_id, [row.id]))[row.id]


async def update_participant(
    deps: Deps, tenant_id: int, participant_id: int, fields: ParticipantFields
) -> ParticipantView:
    """Change the given fields of a participant; its scores are untouched."""
    values = clean_fields(fields, creating=False)
    if values:
        try:
            async with in_transaction():  # an opt-out and its new standing versions together
                updated = await Participant.filter(id=participant_id, tenant_id=tenant_id).update(
                    **values, updated_at=datetime.now(UTC)
                )
                if not updated:
                    raise NotFound(f"No participant with id {participant_id}.")
                shown = await _restamp(tenant_id, participant_id) if "opted_out" in values else []
        except IntegrityError as exc:
            raise Conflict("A participant with this externalId already exists.") from exc
        hidden = bool(values.get("opted_out"))
        for board, standing in shown:  # after the commit, as every projection
            score = None if hidden else standing.score
            await deps.keeper.project(board, [replace(standing, score=score)])
        await _touch(deps, tenant_id, participant_id)
    found = await get_participants(tenant_id, [participant_id])
    if participant_id not in found:
        raise NotFound(f"No participant with id {participant_id}.")
    return found[participant_id]


async def delete_participant(deps: Deps, tenant_id: int, participant_id: int) -> None:
    """Delete a participant, its score events and standings, and remove it from rankings."""
    boards = await rankings_of(tenant_id, participant_id)
    deleted = await Participant.filter(id=participant_id, tenant_id=tenant_id).delete()
    if not deleted:
        raise NotFound(f"No participant with id {participant_id}.")
    for board in boards:
        await deps.keeper.remove(board, [participant_id])


async def get_participants(
    tenant_id: int,
    ids: Sequence[int],
    conn: BaseDBAsyncClient | None = None,
    *,
    share_lock: bool = False,
) -> dict[int, ParticipantView]:
    """The participants with these ids (absent ones are missing from the result). With
    ``share_lock`` (in a transaction) their rows stay as read until it ends: a concurrent
    opt-out or deletion waits for it."""
    if not ids:
        return {}
    # Raw SQL: this is on the hot read path (a page of entries), and the ORM's row
    # conversion costs several times the query itself.
    marks = ", ".join(f"${i}" for i in range(2, 2 + len(ids)))
    rows = await fetch(
        f"SELECT {', '.join(VIEW_FIELDS)} FROM participants"
        f" WHERE tenant_id = $1 AND id IN ({marks})"
        + (" ORDER BY id FOR SHARE" if share_lock and not is_sqlite(conn) else ""),
        [tenant_id, *ids],
        conn,
    )
    return {r["id"]: _raw_view(r) for r in rows}


async def list_participants(tenant_id: int, first: int, after_id: int | None) -> ParticipantPage:
    """Participants in id order, ``first`` after ``after_id`` (keyset pagination)."""
    query = Participant.filter(tenant_id=tenant_id)
    total = await query.count()
    if after_id is not None:
        query = query.filter(id__gt=after_id)
    rows = await query.order_by("id").limit(first + 1).values(*VIEW_FIELDS)
    return ParticipantPage([_view(r) for r in rows[:first]], len(rows) > first, total)


async def _restamp(tenant_id: int, participant_id: int) -> list[tuple[BoardRef, Standing]]:
    """New versions (and change times, for repairs) for every standing of the participant,
    in the caller's transaction: whatever shows or hides it next wins over any projection
    already on its way. Returns the standings to project."""
    now = datetime.now(UTC)
    rows = await fetch(
        "UPDATE standings SET version = CASE WHEN version >= $1 THEN version + 1 ELSE $2 END,"
        " updated_at = $3 WHERE tenant_id = $4 AND participant_id = $5"
        " RETURNING leaderboard_id, period, score, version, tie_key",
        [version_at(now), version_at(now), now, tenant_id, participant_id],
    )
    boards = {(b.leaderboard_id, b.period): b for b in await rankings_of(tenant_id, participant_id)}
    return [
        (
            boards[key],
            Standing(participant_id, float(r["score"]), int(r["version"]), r["tie_key"]),
        )
        for r in rows
        if (key := (int(r["leaderboard_id"]), r["period"])) in boards
    ]


async def _touch(deps: Deps, tenant_id: int, participant_id: int) -> None:
    """Invalidate cached reads of the tenant and tell live tops the participant changed. If
    Redis is away, mark its boards for repair: the repair bumps the version once Redis is
    back, so no stale read outlives the outage."""
    boards = await current_boards(tenant_id)
    try:
        await deps.store.touch(tenant_id)
    except Unavailable:
        log.warning("could not bump the data version of tenant %s; marked for repair", tenant_id)
        for board in boards:
            await mark_dirty(board)
        return
    for board in boards:  # a missed announcement only delays a renamed entry on dashboards
        with contextlib.suppress(Unavailable):
            await deps.store.announce_update(board, participant_id)
