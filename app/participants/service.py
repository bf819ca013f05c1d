"""Participants: add, edit, delete, look up, list.

Adding a participant gives it a zero standing on every active board of its tenant, so it is
ranked at once; deleting it deletes its events and standings and removes it from every
ranking in Redis (with a tombstone, so a late concurrent write cannot bring it back).
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from app.db import fetch
from app.deps import Deps
from app.errors import Conflict, NotFound, Unavailable
from app.leaderboards.service import current_boards, newcomer_boards, rankings_of
from app.participants.models import Participant
from app.participants.validation import ParticipantFields, clean_fields, search_text
from app.participants.views import VIEW_FIELDS, ParticipantView, get_participants
from app.ranking.keys import BoardRef
from app.ranking.store import Standing, version_at
from app.scoring.models import Standing as StandingRow

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ParticipantPage:
    items: list[ParticipantView]
    has_next: bool
    total: int


def _view(row: dict[str, Any]) -> ParticipantView:
    return ParticipantView(**{f: row[f] for f in VIEW_FIELDS})


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


async def list_participants(tenant_id: int, first: int, after_id: int | None) -> ParticipantPage:
    """Participants in id order, ``first`` after ``after_id`` (keyset pagination)."""
    query = Participant.filter(tenant_id=tenant_id)
    total = await query.count()
    if after_id is not None:
        query = query.filter(id__gt=after_id)
    rows = await query.order_by("id").limit(first + 1).values(*VIEW_FIELDS)
    return ParticipantPage([_view(r) for r in rows[:first]], len(rows) > first, total)


async def search_participants(tenant_id: int, text: str, first: int) -> list[ParticipantView]:
    """Participants whose name starts with ``text`` (any case), or whose external id or id
    is ``text``: exact matches first, then by name. ``%`` and ``_`` are plain characters."""
    wanted = search_text(text)
    exact = Q(external_id=wanted)
    if wanted.isascii() and wanted.isdigit() and len(wanted) <= 18:
        exact |= Q(id=int(wanted))
    query = Participant.filter(tenant_id=tenant_id)
    found = await query.filter(exact).order_by("id").limit(first).values(*VIEW_FIELDS)
    named = (
        await query.filter(name__istartswith=wanted)
        .exclude(id__in=[r["id"] for r in found])
        .order_by("name", "id")
        .limit(first - len(found))
        .values(*VIEW_FIELDS)
        if len(found) < first
        else []
    )
    return [_view(r) for r in [*found, *named]]


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
    if not await deps.keeper.touch(tenant_id):
        return
    for board in await current_boards(
        tenant_id
    ):  # a missed announcement only delays a renamed entry on dashboards
        with contextlib.suppress(Unavailable):
            await deps.store.announce_update(board, participant_id)
