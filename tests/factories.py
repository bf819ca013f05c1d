"""Small factories shared by tests: participants and points, through the real services."""

from __future__ import annotations

from app.deps import Deps
from app.leaderboards.service import POINTS, get_board
from app.participants.service import add_participant
from app.participants.validation import ParticipantFields
from app.ranking.keys import BoardRef
from app.scoring.service import adjust_points
from app.tenancy.keys import create_key
from app.tenancy.scopes import Scope


async def participant(
    deps: Deps, tenant_id: int, name: str = "P", points: float = 0, age: int = 30
) -> int:
    """Add a participant with ``points`` points; returns its id."""
    view = await add_participant(deps, tenant_id, ParticipantFields(name=name, age=age))
    if points:
        await adjust_points(deps, tenant_id, view.id, points, None)
    return view.id


async def points_board(tenant_id: int) -> BoardRef:
    return (await get_board(tenant_id, POINTS)).ref


async def redis_ranking(deps: Deps, board: BoardRef) -> list[tuple[int, float]]:
    """The whole ranking as Redis holds it: (participant id, score), best first."""
    window = await deps.store.window_from(board, 0, 1_000_000)
    return [(r.participant_id, r.score) for r in window.rows]


async def api_key(deps: Deps, tenant_id: int, *scopes: Scope, name: str = "test") -> str:
    """A new API key of the tenant with ``scopes``."""
    key, _ = await create_key(deps.keys, tenant_id, name, scopes)
    return key


def bearer(key: str) -> dict[str, str]:
    """The ``headers`` of a request presenting ``key``."""
    return {"authorization": f"Bearer {key}"}
