"""Setting who belongs to which group, in bulk: ``setMemberships``.

One row says "participant P's groups of kind K are exactly these": moving a pupil from 7B
to 7C is ``{P, CLASS, [7C]}``, and their subjects and campus stay as they were. The whole
batch is checked before anything is written, then written in one transaction that locks
the participants named (PostgreSQL), so two batches naming the same pupil apply one after
the other and the counts returned are exact.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from app.db import IN_CHUNK, execute, fetch, fetch_in, is_sqlite
from app.deps import Deps
from app.errors import BadUserInput
from app.groups.service import MembershipChange, MembershipFields, announce_moves, check_batch
from app.groups.views import GroupView, check_kind, groups_named
from app.text import check_key


async def set_memberships(
    deps: Deps, tenant_id: int, given: Sequence[MembershipFields]
) -> MembershipChange:
    """Set each participant's groups of a kind; all or nothing."""
    check_batch(len(given), deps, "memberships")
    _check_rows(given)
    groups = {g.key: g for g in await groups_named(tenant_id, [k for m in given for k in m.groups])}
    wanted = _wanted(given, groups)
    async with in_transaction() as conn:
        await _check_participants(tenant_id, given, conn)
        current = await _current(tenant_id, given, conn)
        removed = [mid for (pid, gid), mid in current.items() if (pid, gid) not in wanted]
        added = sorted(wanted - current.keys())
        await _remove(removed, conn)
        inserted = await _add(tenant_id, added, conn)
    if removed or inserted:
        await announce_moves(deps, tenant_id, {m.kind for m in given})
    return MembershipChange(len({m.participant_id for m in given}), inserted, len(removed))


def _check_rows(given: Sequence[MembershipFields]) -> None:
    seen: set[tuple[int, str]] = set()
    for i, m in enumerate(given):
        check_kind(m.kind, field=f"memberships[{i}].kind")
        for key in m.groups:
            check_key(key, "A group", field=f"memberships[{i}].groups")
        if len(set(m.groups)) != len(m.groups):
            raise BadUserInput("A group is given twice.", field=f"memberships[{i}].groups")
        if (m.participant_id, m.kind) in seen:
            raise BadUserInput(
                f"Participant {m.participant_id}'s {m.kind} groups are given twice.",
                field=f"memberships[{i}]",
            )
        seen.add((m.participant_id, m.kind))


def _wanted(
    given: Sequence[MembershipFields], groups: dict[str, GroupView]
) -> set[tuple[int, int]]:
    """(participant, group) pairs the batch asks for; BAD_USER_INPUT for an unknown group
    or one of another kind."""
    wanted: set[tuple[int, int]] = set()
    for i, m in enumerate(given):
        for key in m.groups:
            group = groups.get(key)
            if group is None:
                raise BadUserInput(f"No group with key {key!r}.", field=f"memberships[{i}].groups")
            if group.kind != m.kind:
                raise BadUserInput(
                    f"Group {key!r} is a {group.kind} group, not a {m.kind} one.",
                    field=f"memberships[{i}].groups",
                )
            wanted.add((m.participant_id, group.id))
    return wanted


async def _check_participants(
    tenant_id: int, given: Sequence[MembershipFields], conn: BaseDBAsyncClient
) -> None:
    """BAD_USER_INPUT unless every participant named is the tenant's; locks their rows."""
    lock = "" if is_sqlite(conn) else " ORDER BY id FOR UPDATE"
    rows = await fetch_in(
        f"SELECT id FROM participants WHERE tenant_id = $1 AND id IN ({{items}}){lock}",
        [tenant_id],
        sorted({m.participant_id for m in given}),
        conn,
    )
    found = {int(r["id"]) for r in rows}
    for i, m in enumerate(given):
        if m.participant_id not in found:
            raise BadUserInput(
                f"No participant with id {m.participant_id}.",
                field=f"memberships[{i}].participantId",
            )


async def _current(
    tenant_id: int, given: Sequence[MembershipFields], conn: BaseDBAsyncClient
) -> dict[tuple[int, int], int]:
    """(participant, group) -> membership id, for the kinds each row names."""
    kinds = {(m.participant_id, m.kind) for m in given}
    rows = await fetch_in(
        "SELECT m.id, m.participant_id, m.group_id, g.kind FROM group_members m"
        " JOIN groups g ON g.id = m.group_id"
        " WHERE m.tenant_id = $1 AND m.participant_id IN ({items})",
        [tenant_id],
        sorted({m.participant_id for m in given}),
        conn,
    )
    return {
        (int(r["participant_id"]), int(r["group_id"])): int(r["id"])
        for r in rows
        if (int(r["participant_id"]), r["kind"]) in kinds
    }


async def _remove(membership_ids: list[int], conn: BaseDBAsyncClient) -> None:
    for start in range(0, len(membership_ids), IN_CHUNK):
        chunk = membership_ids[start : start + IN_CHUNK]
        marks = ", ".join(f"${i + 1}" for i in range(len(chunk)))
        await execute(f"DELETE FROM group_members WHERE id IN ({marks})", chunk, conn)


async def _add(tenant_id: int, pairs: list[tuple[int, int]], conn: BaseDBAsyncClient) -> int:
    """Insert the (participant, group) memberships; returns how many were new."""
    added, now = 0, datetime.now(UTC)
    for start in range(0, len(pairs), IN_CHUNK):
        chunk = pairs[start : start + IN_CHUNK]
        rows = ", ".join(f"($1, ${2 * i + 3}, ${2 * i + 4}, $2)" for i in range(len(chunk)))
        values: list[object] = [tenant_id, now]
        for pid, gid in chunk:
            values += [pid, gid]
        found = await fetch(
            "INSERT INTO group_members (tenant_id, participant_id, group_id, created_at)"
            f" VALUES {rows} ON CONFLICT (group_id, participant_id) DO NOTHING RETURNING id",
            values,
            conn,
        )
        added += len(found)
    return added
