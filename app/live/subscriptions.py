"""Subscriptions. Resolvers parse arguments and follow ``LiveService`` streams; no logic."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, aclosing, asynccontextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import TypeVar

import strawberry
from starlette.websockets import WebSocket

from app.context import Context, GraphQLInfo
from app.errors import NotFound
from app.graphql.pagination import check_first, parse_id
from app.leaderboards.models import TimeWindow
from app.leaderboards.service import POINTS, BoardInfo, board_in
from app.leaderboards.types import LeaderboardEntry
from app.live.feed import TopUpdate
from app.live.messages import Change
from app.live.types import RankChange, TopEntries
from app.ranking.keys import BoardRef
from app.runs import service as run_service
from app.runs.types import LeaderboardRun
from app.seasons import loaders as season_loaders
from app.seasons.level_ups import LevelWatch
from app.seasons.types import LevelUp, Season
from app.winners import service as winner_service
from app.winners.types import Winner

T = TypeVar("T")

RECHECK_SECONDS = 60.0  # how often a subscription between periods looks for a new one

# A websocket close code for "too slow": 1013 is "try again later".
STUCK_CLOSE_CODE = 1013


@strawberry.type
class Subscription:
    @strawberry.subscription(
        description="Every committed score change on the leaderboard (of `participantIds`"
        " only, when given), from the moment the subscription starts. Additions have a null"
        " `oldRank`, deletions a null `newRank`. With `group` (a scoped board): the changes"
        " of the group's members, ranked within the group (both ranks among the other"
        " members as they are when the change is sent); a move between groups is not a"
        " score change (`leaderboardTop(group)` follows moves)."
    )
    async def rank_changed(
        self,
        info: GraphQLInfo,
        leaderboard: str = POINTS,
        participant_ids: list[strawberry.ID] | None = None,
        group: str | None = None,
    ) -> AsyncGenerator[RankChange, None]:
        # Arguments are checked before the stream exists, so a bad one is a request error
        # (an "error" message), not an event of a stream that then ends.
        ctx = info.context
        pids = None
        if participant_ids is not None:
            pids = frozenset(parse_id(p, name="participantIds") for p in participant_ids)
        current = await ctx.board(leaderboard, group=group)

        @asynccontextmanager
        async def follow(board: BoardRef) -> AsyncIterator[Callable[[], Awaitable[Change]]]:
            async with ctx.live_service.rank_changes(board, pids, _on_stuck(info)) as stream:
                yield stream.__anext__

        async def changes() -> AsyncGenerator[RankChange, None]:
            following = _following(ctx, leaderboard, current, follow, group)
            async with aclosing(following) as items:
                async for shown, change in items:
                    yield RankChange.of(shown.ref.key, change, await _rank_mode(ctx, shown.ref))

        return _while_allowed(ctx, changes())

    @strawberry.subscription(
        description="The top `first` entries at once, then again whenever they change (at"
        " most once per RANKED_LIVE_TOP_INTERVAL, 0.1 s by default); of one `group` of a"
        " scoped board if given (its members' changes and moves in or out)."
    )
    async def leaderboard_top(
        self,
        info: GraphQLInfo,
        leaderboard: str = POINTS,
        first: int = 10,
        group: str | None = None,
    ) -> AsyncGenerator[list[LeaderboardEntry], None]:
        ctx = info.context
        check_first(first, ctx.deps.settings.live_max_top)
        current = await ctx.board(leaderboard, group=group)

        @asynccontextmanager
        async def follow(board: BoardRef) -> AsyncIterator[Callable[[], Awaitable[TopUpdate]]]:
            async with ctx.live_service.top(board, first, _on_stuck(info)) as box:
                yield box.get

        async def tops() -> AsyncGenerator[list[LeaderboardEntry], None]:
            following = _following(ctx, leaderboard, current, follow, group)
            async with aclosing(following) as items:
                async for shown, update in items:
                    yield TopEntries.of(update, shown)

        return _while_allowed(ctx, tops())

    @strawberry.subscription(
        description="Each winner the leaderboard's winner check declares, from now on."
    )
    async def winner_declared(
        self, info: GraphQLInfo, leaderboard: str = POINTS
    ) -> AsyncGenerator[Winner, None]:
        ctx = info.context
        key = (await ctx.board(leaderboard)).definition.key  # NOT_FOUND before the stream

        async def stream() -> AsyncGenerator[Winner, None]:
            async with ctx.live_service.events(
                ctx.tenant.id, key, "winner", _on_stuck(info)
            ) as box:
                while True:
                    event = await box.get()
                    ctx.fresh()
                    yield Winner.from_view(winner_service.from_event(ctx.tenant.id, key, event))

        return _while_allowed(ctx, stream())

    @strawberry.subscription(
        description="Each run of the leaderboard that finishes (COMPLETE or FAILED), from now on."
    )
    async def run_completed(
        self, info: GraphQLInfo, leaderboard: str = POINTS
    ) -> AsyncGenerator[LeaderboardRun, None]:
        ctx = info.context
        key = (await ctx.board(leaderboard)).definition.key

        async def stream() -> AsyncGenerator[LeaderboardRun, None]:
            async with ctx.live_service.events(ctx.tenant.id, key, "run", _on_stuck(info)) as box:
                while True:
                    event = await box.get()
                    ctx.fresh()
                    yield LeaderboardRun.from_view(
                        await run_service.get_run(ctx.tenant.id, event["id"])
                    )

        return _while_allowed(ctx, stream())

    @strawberry.subscription(
        description="Each level a participant gains in the season (of `participantIds` only,"
        " when given), from now on: built on the season board's changes, one message per"
        " level, in order; a change that jumps three levels sends three. A level is sent once"
        " per subscription: above the highest this subscription has seen the participant at"
        " (followed participants: from their points when it starts). A re-score (weights or"
        " dates changed) sends the levels it gains to followed participants only. Levels as"
        " they were when the subscription started."
    )
    async def level_up(
        self,
        info: GraphQLInfo,
        season: str,
        participant_ids: list[strawberry.ID] | None = None,
    ) -> AsyncGenerator[LevelUp, None]:
        ctx = info.context
        pids = None
        if participant_ids is not None:
            pids = frozenset(parse_id(p, name="participantIds") for p in participant_ids)
        found, definition = await season_loaders.visible(ctx, season)  # NOT_FOUND first
        board = board_in(definition, found.key).ref
        shown = Season.from_view(found)
        watch = LevelWatch(ctx.deps, found, pids)

        async def stream() -> AsyncGenerator[LevelUp, None]:
            follow = ctx.live_service.rank_changes(board, pids, _on_stuck(info), resets=True)
            async with follow as changes:
                await watch.start()  # after subscribing: no change is missed meanwhile
                while True:
                    item = await changes.next_or_reset()
                    if isinstance(item, Change):
                        gained = watch.changed(
                            item.participant_id, item.participant, item.old_score,
                            item.new_score, item.at,
                        )  # fmt: skip
                    else:
                        gained = await watch.reset(ctx.deps.clock())
                    for g in gained:
                        yield LevelUp.from_view(shown, g)

        return _while_allowed(ctx, stream())


Follow = Callable[[BoardRef], AbstractAsyncContextManager[Callable[[], Awaitable[T]]]]


async def _while_allowed(ctx: Context, items: AsyncGenerator[T, None]) -> AsyncGenerator[T, None]:
    """``items`` while the caller's key stays valid: a key revoked (or a tenant suspended)
    ends the subscription with UNAUTHENTICATED (FORBIDDEN) within about twice
    ``RANKED_KEY_CACHE_SECONDS``, whether events flow or not."""
    every = ctx.deps.settings.key_cache_seconds
    checked = time.monotonic()
    _operation.set(asyncio.current_task())  # copied into the reading task's context below
    async with aclosing(items):
        following: asyncio.Future[T] = asyncio.ensure_future(items.__anext__())
        try:
            while True:
                done, _ = await asyncio.wait({following}, timeout=every)
                if time.monotonic() - checked >= every:
                    await ctx.recheck()
                    checked = time.monotonic()
                if not done:
                    continue
                try:
                    item = following.result()
                except StopAsyncIteration:
                    return
                yield item
                following = asyncio.ensure_future(items.__anext__())
        finally:
            following.cancel()
            with contextlib.suppress(asyncio.CancelledError, StopAsyncIteration):
                await following


async def _following(
    ctx: Context,
    leaderboard: str,
    shown: BoardInfo,
    follow: Follow[T],
    group: str | None = None,
) -> AsyncGenerator[tuple[BoardInfo, T], None]:
    """The items ``follow`` gives for the board, with the board they are of, one period
    after another: a daily board moves on at local midnight, and the new period's stream
    starts at once."""
    while True:
        board = shown.ref
        async with follow(board) as get:
            while True:
                item = await _next(get(), shown)
                if item is None:  # the period may have changed
                    shown = await ctx.fresh().board(leaderboard, group=group)
                    if shown.ref != board:
                        break
                    continue
                ctx.fresh()
                yield shown, item


async def _next(item: Awaitable[T], board: BoardInfo) -> T | None:
    """The next item, or None when it is time to look at the board's period again: when
    the period ends, or every RECHECK_SECONDS for a board whose period has already ended or
    has none yet (a term defined later starts a new one). Only this await is timed, never
    a ``yield``."""
    end = board.period.end
    if board.definition.window.kind == TimeWindow.ALL_TIME:
        left: float | None = None
    elif end is None or end <= datetime.now(UTC):
        left = RECHECK_SECONDS
    else:
        left = (end - datetime.now(UTC)).total_seconds()
    try:
        async with asyncio.timeout(left):
            return await item
    except TimeoutError:
        return None


_closing: set[asyncio.Task[None]] = set()
# The task streaming a subscription's results: ``_while_allowed`` reads its stream in a
# task of its own, so the stream cannot find the operation by ``asyncio.current_task()``.
_operation: ContextVar[asyncio.Task[object] | None] = ContextVar("operation", default=None)


def _on_stuck(info: GraphQLInfo) -> Callable[[], None]:
    """How to get rid of a subscriber that stopped reading: end its operation at once (it
    may be blocked writing to a full socket, so it cannot notice by itself), which releases
    everything it holds, then close the socket. A client that reads nothing cannot take the
    close handshake either; uvicorn's pings (RANKED_WS_PING_INTERVAL) drop it."""
    socket = info.context.request
    operation = _operation.get() or asyncio.current_task()  # streaming the results

    async def close(socket: WebSocket) -> None:
        with contextlib.suppress(Exception):  # already closing or gone: nothing to do
            await socket.close(STUCK_CLOSE_CODE, "subscriber too slow")

    def disconnect() -> None:
        if not isinstance(socket, WebSocket):
            return  # not a websocket (schema.subscribe in a test): the next read fails
        if operation is not None:
            operation.cancel()
        task = asyncio.create_task(close(socket))
        _closing.add(task)  # keep a reference until it is done
        task.add_done_callback(_closing.discard)

    return disconnect


async def _rank_mode(ctx: Context, board: BoardRef) -> str:
    """The board's rank mode as it is now (it may have changed since the feed began)."""
    try:
        return (await ctx.deps.definitions.board(ctx.tenant.id, board.key)).rank_mode.value
    except NotFound:  # deactivated meanwhile
        return board.rank_mode
