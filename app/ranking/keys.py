"""Every Redis key of the ranking projection is built here, and nowhere else.

A ranking lives in three keys that share one hash tag, so Lua scripts touch them atomically
(and Redis Cluster keeps them on one shard):

    {prefix}:{<tenant>:<board>:<period>}:scores    sorted set, member = padded participant id
    {prefix}:{<tenant>:<board>:<period>}:versions  hash, member -> version of the last write
    {prefix}:{<tenant>:<board>:<period>}:ready     present once the set holds every standing
    {prefix}:{<tenant>:<board>:<period>}:rebuild   lock held while a rebuild runs

and one pub/sub channel per ranking, on which every applied write is announced:

    {prefix}:{<tenant>:<board>:<period>}:changes   see ``scripts.PROJECT`` for the format

and one key per tenant that every committed change of the tenant's data increments:

    {prefix}:tenant:<tenant>:version               what read caches are keyed by

Members are zero-padded so that byte order equals numeric order: within equal scores, Redis
orders members lexicographically, which makes ties list oldest participant first.
"""

from __future__ import annotations

from dataclasses import dataclass

MEMBER_WIDTH = 19  # digits of the largest BIGINT


@dataclass(frozen=True, slots=True)
class BoardRef:
    """Which ranking: a tenant's leaderboard in one period."""

    tenant_id: int
    leaderboard_id: int
    key: str
    period: str
    higher_is_better: bool = True


@dataclass(frozen=True, slots=True)
class BoardKeys:
    scores: str
    versions: str
    ready: str
    rebuild_lock: str
    changes: str  # a pub/sub channel, not a key


def board_keys(prefix: str, board: BoardRef) -> BoardKeys:
    base = f"{prefix}:{{{board.tenant_id}:{board.key}:{board.period}}}"
    return BoardKeys(
        scores=f"{base}:scores",
        versions=f"{base}:versions",
        ready=f"{base}:ready",
        rebuild_lock=f"{base}:rebuild",
        changes=f"{base}:changes",
    )


def tenant_version_key(prefix: str, tenant_id: int) -> str:
    return f"{prefix}:tenant:{tenant_id}:version"


def member(participant_id: int) -> str:
    return str(participant_id).zfill(MEMBER_WIDTH)


def participant_id(member_name: str | bytes) -> int:
    return int(member_name)
