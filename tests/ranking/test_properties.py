"""Property: whatever happens, the live ranking is the one the events in the database imply."""

from __future__ import annotations

import uuid
from collections import defaultdict

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.deps import Deps
from app.leaderboards import rankings
from app.participants.service import add_participant, delete_participant
from app.participants.validation import ParticipantFields
from app.scoring.models import ScoreEvent
from app.scoring.service import adjust_points
from app.tenancy.service import ensure_tenant
from tests.factories import points_board

Op = tuple[str, int, int]
ops = st.lists(
    st.one_of(
        st.tuples(st.just("add"), st.integers(13, 90), st.just(0)),
        st.tuples(st.just("adjust"), st.integers(0, 30), st.integers(-20, 20).filter(bool)),
        st.tuples(st.just("delete"), st.integers(0, 30), st.just(0)),
    ),
    max_size=40,
)


def competition_ranks(scores: dict[int, float]) -> list[tuple[int, float, int]]:
    """(participant, score, rank), best first, ties by id and sharing a rank (1, 2, 2, 4)."""
    ordered = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
    result: list[tuple[int, float, int]] = []
    for position, (pid, score) in enumerate(ordered):
        tied = result and result[-1][1] == score
        result.append((pid, score, result[-1][2] if tied else position + 1))
    return result


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(script=ops)
async def test_the_live_ranking_equals_the_ranking_recomputed_from_events(
    deps: Deps, script: list[Op]
) -> None:
    tenant = await ensure_tenant(f"prop-{uuid.uuid4().hex[:8]}")  # a fresh tenant per example
    alive: list[int] = []
    for op, arg, delta in script:
        if op == "add":
            alive.append(
                (await add_participant(deps, tenant.id, ParticipantFields(name="P", age=arg))).id
            )
        elif alive and op == "adjust":
            await adjust_points(deps, tenant.id, alive[arg % len(alive)], delta, None)
        elif alive and op == "delete":
            await delete_participant(deps, tenant.id, alive.pop(arg % len(alive)))

    from_events: dict[int, float] = defaultdict(float, dict.fromkeys(alive, 0.0))
    for event in await ScoreEvent.filter(tenant_id=tenant.id):
        from_events[event.participant_id] += event.value  # type: ignore[attr-defined]
    board = await points_board(tenant.id)
    await deps.keeper.rebuild(board)  # a new tenant's ranking may still be on its way
    page = await rankings.page(deps, board, 1000, None)

    live = [(e.participant.id, e.score, e.rank) for e in page.entries]
    assert live == competition_ranks(from_events)
    assert page.total == len(alive) == await rankings.size(deps, board)
