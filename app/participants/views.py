"""What the other domains see of a participant, and how they read participants by id.

A leaf module: the services of participants, leaderboards, scoring and live updates all read
participants through it, and it imports none of them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from app.db import fetch, is_sqlite, timestamp

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
