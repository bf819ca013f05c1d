"""Every Redis key of the ranking projection is built here, and nowhere else.

A ranking lives in keys that share one hash tag, so Lua scripts touch them atomically
(and Redis Cluster keeps them on one shard):

    {prefix}:{<tenant>:<board>:<period>}:scores    sorted set, member = tie key + padded id
    {prefix}:{<tenant>:<board>:<period>}:versions  hash, padded id -> version of the last write
    {prefix}:{<tenant>:<board>:<period>}:ties      hash, padded id -> tie key (when not empty)
    {prefix}:{<tenant>:<board>:<period>}:levels    sorted set of distinct (score, tie key)
                                                   pairs, kept for DENSE boards only
    {prefix}:{<tenant>:<board>:<period>}:levels-ready  present once ``levels`` is complete
    {prefix}:{<tenant>:<board>:<period>}:levels-fill   token of the fill of ``levels`` under way
    {prefix}:{<tenant>:<board>:<period>}:ready     when the build the set holds began (epoch ms);
                                                   absent: the set is missing or partial
    {prefix}:{<tenant>:<board>:<period>}:gone      hash, padded id -> 1 for deleted participants
    {prefix}:{<tenant>:<board>:<period>}:rebuild   lock: the token of whoever rebuilds it
    {prefix}:{<tenant>:<board>:<period>}:building  the same token, while a build runs aside
    {prefix}:{<tenant>:<board>:<period>}:build:scores|versions|ties|levels
                                                   the ranking being built aside, swapped in
                                                   for the live keys when complete

(see ``app.ranking.rebuild``),

and one pub/sub channel per ranking, on which every applied write is announced:

    {prefix}:{<tenant>:<board>:<period>}:changes   see ``scripts.PROJECT`` for the format

and one pub/sub channel per board (all periods) for its events (a winner declared, a run
completed), as JSON:

    {prefix}:{<tenant>:<board>}:events

and one key per tenant that every committed change of the tenant's data increments:

    {prefix}:tenant:<tenant>:version               what read caches are keyed by

and, per API key, a token bucket per budget and the set of its open websocket connections
(see ``app.tenancy.rates``):

    {prefix}:rate:<key id>:<budget>                hash: tokens, at (ms)
    {prefix}:connections:<key id>                  sorted set: connection id -> expiry (ms)

and one hash of the processes that project changes (see ``app.ranking.processes``):

    {prefix}:processes                             token -> "b|<last beat, ms>" or, once it
                                                   stopped beating, "s|<last beat>|<claimed>"

Within equal scores Redis orders members by their bytes. A member is the participant's *tie
key* (empty unless the board has a tie-break; see ``app.leaderboards.ties``) followed by its
zero-padded id, so equal scores are ordered by the tie-break first, then oldest participant
first. Participants with equal score and equal tie key are tied: they share a rank.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

MEMBER_WIDTH = 19  # digits of the largest BIGINT


@dataclass(frozen=True, slots=True)
class BoardRef:
    """Which ranking: a tenant's leaderboard in one period."""

    tenant_id: int
    leaderboard_id: int
    key: str
    period: str
    higher_is_better: bool = True
    # How the board shows ranks: COMPETITION, DENSE (keeps the ``levels`` set) or ORDINAL.
    rank_mode: str = field(default="COMPETITION", compare=False)
    # One group's ranking of a scoped board (app.groups): read from the database, never
    # kept in Redis; its keys and channel are the whole board's.
    group_id: int | None = None
    # When the period closes (None: never, or not known): a ranking closed for longer than
    # the release grace is read from the database and released from Redis.
    closes_at: datetime | None = field(default=None, compare=False)

    def released(self, now: datetime, grace: timedelta) -> bool:
        """Whether the period closed more than ``grace`` before ``now``: its ranking is
        then the database's alone (read there, written only there)."""
        return self.closes_at is not None and self.closes_at + grace <= now

    @property
    def dense(self) -> bool:
        return self.rank_mode == "DENSE"


@dataclass(frozen=True, slots=True)
class RankingKeys:
    """The keys that hold one ranking's members; the live ones and the staging ones of a
    build aside have the same shape."""

    scores: str
    versions: str
    ties: str
    levels: str

    def all(self) -> list[str]:
        return [self.scores, self.versions, self.ties, self.levels]


@dataclass(frozen=True, slots=True)
class BoardKeys:
    scores: str
    versions: str
    ready: str
    ties: str
    levels: str
    levels_ready: str
    levels_fill: str
    gone: str
    rebuild_lock: str
    building: str
    staged: RankingKeys  # the ranking being built aside
    changes: str  # a pub/sub channel, not a key

    @property
    def live(self) -> RankingKeys:
        return RankingKeys(self.scores, self.versions, self.ties, self.levels)


def board_keys(prefix: str, board: BoardRef) -> BoardKeys:
    base = f"{prefix}:{{{board.tenant_id}:{board.key}:{board.period}}}"
    return BoardKeys(
        scores=f"{base}:scores",
        versions=f"{base}:versions",
        ties=f"{base}:ties",
        levels=f"{base}:levels",
        levels_ready=f"{base}:levels-ready",
        levels_fill=f"{base}:levels-fill",
        gone=f"{base}:gone",
        ready=f"{base}:ready",
        rebuild_lock=f"{base}:rebuild",
        building=f"{base}:building",
        staged=RankingKeys(
            f"{base}:build:scores",
            f"{base}:build:versions",
            f"{base}:build:ties",
            f"{base}:build:levels",
        ),
        changes=f"{base}:changes",
    )


def events_channel(prefix: str, tenant_id: int, board_key: str) -> str:
    return f"{prefix}:{{{tenant_id}:{board_key}}}:events"


def rate_key(prefix: str, bucket: str, budget: str) -> str:
    """A rate bucket: ``bucket`` is a key id, a publishable key's id with the client's
    address, or a keyless client's address (``app.tenancy.access.Caller.bucket``)."""
    return f"{prefix}:rate:{bucket}:{budget}"


def connections_key(prefix: str, bucket: str) -> str:
    return f"{prefix}:connections:{bucket}"


def processes_key(prefix: str) -> str:
    return f"{prefix}:processes"


def tenant_version_key(prefix: str, tenant_id: int) -> str:
    return f"{prefix}:tenant:{tenant_id}:version"


def versions_channel(prefix: str) -> str:
    """Where every bump of a tenant's data version is announced (app.ranking.versions)."""
    return f"{prefix}:versions"


def member(participant_id: int, tie: str = "") -> str:
    return tie + str(participant_id).zfill(MEMBER_WIDTH)


def participant_id(member_name: str | bytes) -> int:
    """The participant a member (or a bare padded id) stands for."""
    return int(member_name[-MEMBER_WIDTH:])


def tie_of(member_name: str) -> str:
    """The tie key part of a member."""
    return member_name[:-MEMBER_WIDTH]
