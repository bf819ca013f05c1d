"""Reading groups: what boards, live feeds and the service need, without ``Deps`` (so the
leaderboard service can name a group without importing the group service)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from tortoise.backends.base.client import BaseDBAsyncClient

from app.db import fetch
from app.errors import BadUserInput, NotFound
from app.leaderboards.definition import BoardDefinition
from app.text import storable

# Kinds name things in the API (scope: CLASS): upper-case words, like the enums beside them.
KIND = re.compile(r"[A-Z][A-Z0-9_]{0,31}")
CHUNK = 400  # rows per multi-row statement (SQLite binds at most 32,766 values)


@dataclass(frozen=True, slots=True)
class GroupView:
    id: int
    key: str
    kind: str
    name: str


def view_of(row: dict[str, object]) -> GroupView:
    return GroupView(int(row["id"]), str(row["key"]), str(row["kind"]), str(row["name"]))  # type: ignore[call-overload]


async def groups_named(
    tenant_id: int, keys: Sequence[str], conn: BaseDBAsyncClient | None = None
) -> list[GroupView]:
    """The tenant's groups of these keys (those that exist)."""
    found: list[GroupView] = []
    wanted = sorted({k for k in keys if storable(k)})
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        marks = ", ".join(f"${i + 2}" for i in range(len(chunk)))
        rows = await fetch(
            f'SELECT id, "key", kind, name FROM groups WHERE tenant_id = $1 AND "key" IN ({marks})',
            [tenant_id, *chunk],
            conn,
        )
        found += [view_of(r) for r in rows]
    return found


async def get_group(tenant_id: int, key: str) -> GroupView:
    """The tenant's group ``key``, or :class:`NotFound`."""
    found = await groups_named(tenant_id, [key])
    if not found:
        raise NotFound(f"No group with key {key!r}.")
    return found[0]


async def scoped_group(definition: BoardDefinition, key: str) -> GroupView:
    """Group ``key``, which the scoped board ``definition`` ranks; BAD_USER_INPUT when the
    board is not scoped or ranks groups of another kind, NOT_FOUND when there is no such
    group."""
    if definition.scope is None:
        raise BadUserInput(
            f"Leaderboard {definition.key!r} is not scoped by a group kind (define it with"
            " a scope to rank each group).",
            field="group",
        )
    group = await get_group(definition.tenant_id, key)
    if group.kind != definition.scope:
        raise BadUserInput(
            f"Group {key!r} is a {group.kind} group; leaderboard {definition.key!r} ranks"
            f" {definition.scope} groups.",
            field="group",
        )
    return group


async def members_among(group_id: int, participant_ids: Iterable[int]) -> set[int]:
    """Which of the participants belong to the group (index look-ups, 400 at a time)."""
    ids, found = sorted(set(participant_ids)), set()
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        marks = ", ".join(f"${i + 2}" for i in range(len(chunk)))
        rows = await fetch(
            "SELECT participant_id FROM group_members WHERE group_id = $1"
            f" AND participant_id IN ({marks})",
            [group_id, *chunk],
        )
        found |= {int(r["participant_id"]) for r in rows}
    return found


def check_kind(kind: str, field: str = "kind") -> None:
    """BAD_USER_INPUT unless ``kind`` is an upper-case word (CLASS, SUBJECT, CAMPUS ...)."""
    if not KIND.fullmatch(kind):
        raise BadUserInput(
            "A group kind is 1 to 32 upper-case letters, digits or '_', starting with a"
            " letter (CLASS, SUBJECT, CAMPUS ...).",
            field=field,
        )
