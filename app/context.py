"""The per-request (or per-websocket) GraphQL context: who is asking, and loaders."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from strawberry.dataloader import DataLoader
from strawberry.types import Info

from app.deps import Deps
from app.errors import NotFound
from app.groups.views import scoped_group
from app.leaderboards import rankings
from app.leaderboards.breakdown import PartView, breakdowns
from app.leaderboards.service import POINTS, BoardInfo, board_in
from app.leaderboards.streaks import streaks
from app.live.service import LiveService
from app.participants.views import ParticipantView
from app.ranking.keys import BoardRef
from app.tenancy.access import ANONYMOUS, Caller, can_see, check_caller, identify, require_admin
from app.tenancy.service import TenantRef

K = TypeVar("K")
V = TypeVar("V")

# (board, score, first, after participant id) -> (participants, more follow)
GroupKey = tuple[BoardRef, float, int, int | None]
GroupPage = tuple[list[ParticipantView], bool]
# (board key, period, participant id) -> the parts of its score
PartsKey = tuple[str, str, int]


@dataclass
class Context:
    """Made per HTTP request, and per websocket connection (then ``caller`` is set again
    from the ``connection_init`` payload, which strawberry puts in ``connection_params``)."""

    deps: Deps
    caller: Caller = ANONYMOUS  # who is asking (app.tenancy.access): a key's tenant and scopes
    request: Any = None
    response: Any = None
    live: LiveService | None = None  # the process's live service (subscriptions)
    connection_params: dict[str, Any] | None = None
    authorization: str | None = None  # as presented: subscriptions check it again
    # Set by resolvers whose answer depends on more than the tenant's data and the caller's
    # view (the key itself, keys, the audit log): the result cache keeps no such answer.
    uncacheable: bool = False
    _boards: dict[str, BoardInfo] = field(default_factory=dict)
    _listed: dict[BoardRef, int] = field(default_factory=dict)
    _points: DataLoader[int, tuple[float, int] | None] | None = None  # (score, rank)
    _groups: DataLoader[GroupKey, GroupPage] | None = None
    _parts: DataLoader[PartsKey, list[PartView]] | None = None
    _streaks: DataLoader[PartsKey, int] | None = None
    _snapshots: DataLoader[tuple[BoardRef, int], tuple[str | None, str | None]] | None = None
    _loaders: dict[str, DataLoader[Any, Any]] = field(default_factory=dict)

    def fresh(self) -> Context:
        """Forget what was loaded: a websocket's context lives as long as the connection,
        and each pushed event must read current data."""
        self._boards.clear()
        self._listed.clear()
        self._points = self._groups = self._parts = self._streaks = self._snapshots = None
        self._loaders.clear()
        return self

    def loader(self, name: str, load: Callable[[list[K]], Awaitable[list[V]]]) -> DataLoader[K, V]:
        """The request's DataLoader ``name`` (a domain's ``loaders.py`` names and defines
        it), made with ``load`` on first use."""
        found = self._loaders.get(name)
        if found is None:
            found = self._loaders[name] = DataLoader(load_fn=load)
        return found

    @property
    def live_service(self) -> LiveService:
        if self.live is None:
            raise RuntimeError("this context serves no subscriptions (no live service)")
        return self.live

    @property
    def tenant(self) -> TenantRef:
        """The tenant everything in this request reads and writes: the key's."""
        return self.caller.tenant

    def require_admin(self) -> None:
        require_admin(self.caller)

    async def recheck(self) -> None:
        """Raise if the key this context was made with is no longer valid (revoked, its
        tenant suspended): long-lived subscriptions ask now and then."""
        if self.authorization is not None:
            check_caller(await identify(self.deps.keys, self.authorization))

    async def board(
        self, key: str, period: str | None = None, group: str | None = None
    ) -> BoardInfo:
        """The tenant's active board ``key`` in ``period`` (default: the current one), of
        one ``group`` if given (a scoped board), looked up once per request; NOT_FOUND when
        the caller may not see it."""
        name = f"{key}\x00{period or ''}\x00{group or ''}"
        if name not in self._boards:
            definition = await self.deps.definitions.board(self.tenant.id, key)
            if not can_see(self.caller, definition.visibility):
                raise NotFound(f"No leaderboard with key {key!r}.")
            ranked = None if group is None else await scoped_group(definition, group)
            self._boards[name] = board_in(definition, period, group=ranked)
        return self._boards[name]

    async def listed(self, board: BoardInfo) -> int:
        """How many entries the board lists (within its maxEntries), counted once per
        request: a count is cheap from Redis and costs a scan from the database."""
        if board.ref not in self._listed:
            total = await rankings.size(self.deps, board.ref)
            cap = board.definition.max_entries
            self._listed[board.ref] = total if cap is None else min(total, cap)
        return self._listed[board.ref]

    @property
    def points(self) -> DataLoader[int, tuple[float, int] | None]:
        """``(score, rank)`` on the points board per participant (in the board's rank mode),
        batched per request."""
        if self._points is None:

            async def load(ids: list[int]) -> list[tuple[float, int] | None]:
                points = await self.board(POINTS)
                found = await rankings.scores_and_ranks(self.deps, points.ref, ids)
                mode = points.definition.rank_mode
                return [
                    (e.score, await rankings.rank_as(self.deps, mode, points.ref, e)) if e else None
                    for e in (found.get(i) for i in ids)
                ]

            self._points = DataLoader(load_fn=load)
        return self._points

    @property
    def breakdowns(self) -> DataLoader[PartsKey, list[PartView]]:
        """Score breakdowns of entries, one query per board and period of a request."""
        if self._parts is None:

            async def load(keys: list[PartsKey]) -> list[list[PartView]]:
                async def one(key: str, period: str, pids: list[int]) -> dict[int, list[PartView]]:
                    definition = await self.deps.definitions.board(self.tenant.id, key)
                    return await breakdowns(definition, period, pids)

                return await _per_ranking(keys, one)

            self._parts = DataLoader(load_fn=load)
        return self._parts

    @property
    def streaks(self) -> DataLoader[PartsKey, int]:
        """Streaks of entries, one query per board and period of a request."""
        if self._streaks is None:

            async def load(keys: list[PartsKey]) -> list[int]:
                async def one(key: str, period: str, pids: list[int]) -> dict[int, int]:
                    board = board_in(await self.deps.definitions.board(self.tenant.id, key), period)
                    return await streaks(board.definition, board.period, pids)

                return await _per_ranking(keys, one)

            self._streaks = DataLoader(load_fn=load)
        return self._streaks

    @property
    def snapshots(self) -> DataLoader[tuple[BoardRef, int], tuple[str | None, str | None]]:
        """Names and avatars of entries as of their last change, one query per ranking."""
        if self._snapshots is None:

            async def load(
                keys: list[tuple[BoardRef, int]],
            ) -> list[tuple[str | None, str | None]]:
                by_board: dict[BoardRef, list[int]] = {}
                for board, pid in keys:
                    by_board.setdefault(board, []).append(pid)
                found: dict[tuple[BoardRef, int], tuple[str | None, str | None]] = {}
                for board, pids in by_board.items():
                    for pid, snap in (await rankings.snapshots(board, pids)).items():
                        found[(board, pid)] = snap
                return [found.get(k, (None, None)) for k in keys]

            self._snapshots = DataLoader(load_fn=load)
        return self._snapshots

    @property
    def score_group_members(self) -> DataLoader[GroupKey, GroupPage]:
        """Participants of score groups, one query for all groups of a request."""
        if self._groups is None:

            async def load(keys: list[GroupKey]) -> list[GroupPage]:
                found: dict[GroupKey, GroupPage] = {}
                pages: dict[tuple[BoardRef, int, int | None], list[float]] = {}
                for board, score, first, after in keys:
                    pages.setdefault((board, first, after), []).append(score)
                for (board, first, after), scores in pages.items():
                    groups = await rankings.participants_with_scores(board, scores, first, after)
                    for score, page in groups.items():
                        found[(board, score, first, after)] = page
                return [found[k] for k in keys]

            self._groups = DataLoader(load_fn=load)
        return self._groups


async def _per_ranking(
    keys: list[PartsKey], load: Callable[[str, str, list[int]], Awaitable[dict[int, V]]]
) -> list[V]:
    """A DataLoader batch of (board key, period, participant) keys, loaded with one call of
    ``load`` per board and period."""
    by_ranking: dict[tuple[str, str], list[int]] = {}
    for key, period, pid in keys:
        by_ranking.setdefault((key, period), []).append(pid)
    found: dict[PartsKey, V] = {}
    for (key, period), pids in by_ranking.items():
        for pid, value in (await load(key, period, pids)).items():
            found[(key, period, pid)] = value
    return [found[k] for k in keys]


GraphQLInfo = Info[Context, None]
