"""Groups and memberships: defined and set in bulk by admins, read by boards and GraphQL.

Every write here is all or nothing: the whole batch is checked first (keys, kinds, that
each participant and group exists in the tenant) and then written in one transaction, so a
bad row changes nothing. A committed change bumps the tenant's data version (cached reads
are out of date) and tells the live tops of the boards scoped by the kinds it touched to
re-read (a move changes a group's top without any score changing).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from tortoise.transactions import in_transaction

from app.db import IN_CHUNK, execute, fetch, fetch_in
from app.deps import Deps
from app.errors import BadUserInput, Unavailable
from app.groups.views import GroupView, check_kind, groups_named, view_of
from app.leaderboards.definition import load_definitions
from app.leaderboards.service import board_in
from app.text import check_key, check_text

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class GroupFields:
    key: str
    kind: str
    name: str


@dataclass(frozen=True, slots=True)
class MembershipFields:
    """The participant's groups of ``kind`` become exactly ``groups`` (keys; [] leaves all)."""

    participant_id: int
    kind: str
    groups: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class MembershipChange:
    participants: int  # participants whose groups were set
    added: int  # memberships created
    removed: int  # memberships ended


@dataclass(frozen=True, slots=True)
class GroupPage:
    groups: list[GroupView]
    has_next: bool


def check_batch(size: int, deps: Deps, what: str) -> None:
    """BAD_USER_INPUT unless a batch of ``what`` holds 1 to RANKED_MAX_BATCH rows."""
    if not 1 <= size <= deps.settings.max_batch:
        raise BadUserInput(f"Give 1 to {deps.settings.max_batch} {what}.", field=what)


async def define_groups(
    deps: Deps, tenant_id: int, given: Sequence[GroupFields]
) -> list[GroupView]:
    """Create the groups, or rename them / change their kind (by key); in the order given."""
    check_batch(len(given), deps, "groups")
    seen: set[str] = set()
    for i, g in enumerate(given):
        check_key(g.key, "A group", field=f"groups[{i}].key")
        check_kind(g.kind, field=f"groups[{i}].kind")
        check_text(g.name, f"groups[{i}].name", 200, empty=False)
        if g.key in seen:
            raise BadUserInput(f"Group {g.key!r} is given twice.", field=f"groups[{i}].key")
        seen.add(g.key)
    now = datetime.now(UTC)
    before = {g.key: g.kind for g in await groups_named(tenant_id, [g.key for g in given])}
    async with in_transaction() as conn:
        for start in range(0, len(given), IN_CHUNK):
            chunk = given[start : start + IN_CHUNK]
            values: list[object] = [tenant_id, now]
            rows = []
            for g in chunk:
                rows.append(
                    f"($1, ${len(values) + 1}, ${len(values) + 2}, ${len(values) + 3}, $2, $2)"
                )
                values += [g.key, g.kind, g.name]
            await execute(
                'INSERT INTO groups (tenant_id, "key", kind, name, created_at, updated_at)'
                f' VALUES {", ".join(rows)} ON CONFLICT (tenant_id, "key") DO UPDATE SET'
                " kind = excluded.kind, name = excluded.name, updated_at = excluded.updated_at",
                values,
                conn,
            )
    # A group given another kind moves all its members between scopes.
    await announce_moves(deps, tenant_id, {g.kind for g in given} | set(before.values()))
    by_key = {g.key: g for g in await groups_named(tenant_id, [g.key for g in given])}
    return [by_key[g.key] for g in given]


async def list_groups(
    tenant_id: int, kind: str | None, first: int, after_key: str | None
) -> GroupPage:
    """The tenant's groups (of one kind, if given) in key order, ``first`` after ``after_key``."""
    condition, values = "tenant_id = $1", [tenant_id]
    if kind is not None:
        condition += f" AND kind = ${len(values) + 1}"
        values.append(kind)  # type: ignore[arg-type]
    if after_key is not None:
        condition += f' AND "key" > ${len(values) + 1}'
        values.append(after_key)  # type: ignore[arg-type]
    rows = await fetch(
        f'SELECT id, "key", kind, name FROM groups WHERE {condition}'
        f' ORDER BY "key" LIMIT {int(first) + 1}',
        values,
    )
    return GroupPage([view_of(r) for r in rows[:first]], len(rows) > first)


async def member_counts(group_ids: Sequence[int]) -> dict[int, int]:
    """How many members each group has (from the membership index)."""
    if not group_ids:
        return {}
    marks = ", ".join(f"${i + 1}" for i in range(len(group_ids)))
    rows = await fetch(
        f"SELECT group_id, COUNT(*) AS n FROM group_members WHERE group_id IN ({marks})"
        " GROUP BY group_id",
        list(group_ids),
    )
    counts = {int(r["group_id"]): int(r["n"]) for r in rows}
    return {g: counts.get(g, 0) for g in group_ids}


async def groups_of(tenant_id: int, participant_ids: Sequence[int]) -> dict[int, list[GroupView]]:
    """Each participant's groups, by kind then key. One query per 400 participants."""
    out: dict[int, list[GroupView]] = {pid: [] for pid in participant_ids}
    rows = await fetch_in(
        'SELECT m.participant_id, g.id, g."key", g.kind, g.name FROM group_members m'
        " JOIN groups g ON g.id = m.group_id"
        ' WHERE m.tenant_id = $1 AND m.participant_id IN ({items}) ORDER BY g.kind, g."key"',
        [tenant_id],
        sorted(set(participant_ids)),
    )
    for r in rows:
        out[int(r["participant_id"])].append(view_of(r))
    return out


async def announce_moves(deps: Deps, tenant_id: int, kinds: set[str]) -> None:
    """Cached reads are out of date, and live group tops of boards scoped by ``kinds``
    re-read (a ``reset`` on the board's channel: a move changes no score)."""
    await deps.keeper.touch(tenant_id)
    for definition in await load_definitions(tenant_id, is_active=True):
        if definition.scope in kinds:
            try:
                await deps.store.announce_reset(board_in(definition).ref)
            except Unavailable:  # the tops are re-read when the listener is back anyway
                log.warning("could not announce a move on %s", definition.key)
