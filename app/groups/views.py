"""Reading groups: what boards, live feeds and the service need, without ``Deps`` (so the
leaderboard service can name a group without importing the group service)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from tortoise.backends.base.client import BaseDBAsyncClient

from app.db import fetch_in
from app.errors import BadUserInput, NotFound
from app.leaderboards.definition import BoardDefinition
from app.text import storable

# Kinds name things in the API (scope: CLASS): upper-case words, like the enums beside them.
KIND = re.compile(r"[A-Z][A-Z0-9_]{0,31}")


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
    wanted = sorted({k for k in keys if storable(k)})
    rows = await fetch_in(
        'SELECT id, "key", kind, name FROM groups WHERE tenant_id = $1 AND "key" IN ({items})',
        [tenant_id],
        wanted,
        conn,
    )
    return [view_of(r) for r in rows]


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
    """Which of the participants belong to the group (index look-ups)."""
    rows = await fetch_in(
        "SELECT participant_id FROM group_members WHERE group_id = $1"
        " AND participant_id IN ({items})",
        [group_id],
        sorted(set(participant_ids)),
    )
    return {int(r["participant_id"]) for r in rows}


def check_kind(kind: str, field: str = "kind") -> None:
    """BAD_USER_INPUT unless ``kind`` is an upper-case word (CLASS, SUBJECT, CAMPUS ...)."""
    if not KIND.fullmatch(kind):
        raise BadUserInput(
            "A group kind is 1 to 32 upper-case letters, digits or '_', starting with a"
            " letter (CLASS, SUBJECT, CAMPUS ...).",
            field=field,
        )
