"""Bulk seeding (COPY into PostgreSQL), as `ranked seed` and the benchmark use it."""

from __future__ import annotations

from app.deps import Deps
from app.leaderboards import admin, rankings
from app.leaderboards.admin import BoardFields, WeightFields
from app.leaderboards.models import Aggregation
from app.participants.models import Participant
from app.participants.seeding import seed_participants
from app.scoring.models import MetricAggregate, ScoreEvent
from app.scoring.recompute import verify
from app.tenancy.service import TenantRef
from tests.factories import points_board


async def test_seeded_participants_are_scored_ranked_and_verifiable(
    deps: Deps, tenant: TenantRef
) -> None:
    counting = BoardFields(name="C", metrics=(WeightFields("points", 2.0),))
    await admin.define_leaderboard(deps, tenant.id, "doubled", counting)

    added = await seed_participants(deps, tenant.id, 250, batch=100, seed=7)

    assert added == 250
    assert await Participant.filter(tenant_id=tenant.id, opted_out=False).count() == 250
    events = await ScoreEvent.filter(tenant_id=tenant.id).count()
    assert await MetricAggregate.filter(tenant_id=tenant.id).count() == 2 * events
    assert len(await rankings.top_rows(deps, await points_board(tenant.id), 1000)) == 250
    for key in ("points", "doubled"):
        definition = await deps.definitions.board(tenant.id, key)
        assert definition.metrics[0].aggregation == Aggregation.SUM
        assert await verify(deps, definition, "all", 250) == []
