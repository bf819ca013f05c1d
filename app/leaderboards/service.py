"""Leaderboard definitions: the built-ins, look-up by key, and which boards a metric feeds."""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError

from app.db import fetch
from app.errors import NotFound
from app.leaderboards.models import Leaderboard, LeaderboardMetric, Metric, TimeWindow
from app.ranking.keys import BoardRef
from app.text import storable

POINTS = "points"
ALL_TIME_PERIOD = "all"


@dataclass(frozen=True, slots=True)
class BoardInfo:
    ref: BoardRef
    name: str
    description: str


async def ensure_builtins(tenant_id: int) -> None:
    """Create the ``points`` metric and the all-time ``points`` leaderboard if missing."""
    try:
        metric, _ = await Metric.get_or_create(
            tenant_id=tenant_id,
            key=POINTS,
            defaults={"name": "Points", "description": "Points given with +/- (adjustPoints)."},
        )
        board, _ = await Leaderboard.get_or_create(
            tenant_id=tenant_id,
            key=POINTS,
            defaults={"name": "Points", "description": "All-time points of every participant."},
        )
        await LeaderboardMetric.get_or_create(
            tenant_id=tenant_id, leaderboard=board, metric=metric, defaults={"weight": 1.0}
        )
    except IntegrityError:  # another process created them first
        pass


def period_of(board: Leaderboard) -> str:
    """The current period key of a board (all-time boards have one period, ``all``)."""
    assert board.time_window == TimeWindow.ALL_TIME
    return ALL_TIME_PERIOD


def board_ref(board: Leaderboard) -> BoardRef:
    return BoardRef(board.tenant_id, board.id, board.key, period_of(board))  # type: ignore[attr-defined]


async def get_board(tenant_id: int, key: str) -> BoardInfo:
    """The active leaderboard ``key`` of the tenant, or :class:`NotFound`."""
    board = (
        await Leaderboard.get_or_none(tenant_id=tenant_id, key=key, is_active=True)
        if storable(key)
        else None
    )
    if board is None:
        raise NotFound(f"No leaderboard with key {key!r}.")
    return BoardInfo(board_ref(board), board.name, board.description)


async def active_boards(tenant_id: int | None = None) -> list[BoardRef]:
    """Every active board, of one tenant or (for maintenance) of all tenants."""
    query = Leaderboard.filter(is_active=True)
    if tenant_id is not None:
        query = query.filter(tenant_id=tenant_id)
    return [board_ref(b) for b in await query]


async def boards_fed_by(
    tenant_id: int, metric_id: int, conn: BaseDBAsyncClient
) -> list[tuple[BoardRef, float]]:
    """The active boards that metric ``metric_id`` contributes to, with its weight."""
    rows = await fetch(
        "SELECT l.id, l.key, l.time_window, lm.weight FROM leaderboard_metrics lm"
        " JOIN leaderboards l ON l.id = lm.leaderboard_id"
        " WHERE lm.tenant_id = $1 AND lm.metric_id = $2 AND l.is_active",
        [tenant_id, metric_id],
        conn,
    )
    return [
        (BoardRef(tenant_id, r["id"], r["key"], ALL_TIME_PERIOD), float(r["weight"])) for r in rows
    ]


async def metric_id(tenant_id: int, key: str) -> int:
    metric = await Metric.get_or_none(tenant_id=tenant_id, key=key) if storable(key) else None
    if metric is None:
        raise NotFound(f"No metric with key {key!r}.")
    return metric.id
