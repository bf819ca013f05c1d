"""Tenants never see or touch each other's participants, scores or rankings."""

from __future__ import annotations

from app.deps import Deps
from app.scoring.models import Standing
from app.tenancy.service import TenantRef, ensure_tenant
from tests.conftest import GQL, error_code
from tests.factories import participant


async def test_a_tenant_cannot_read_or_score_another_tenants_participant(
    gql: GQL, deps: Deps, tenant: TenantRef
) -> None:
    other = await ensure_tenant("other-school")
    theirs = await participant(deps, other.id, "Theirs", points=5)
    ours = await participant(deps, tenant.id, "Ours", points=1)

    seen = await gql(f'{{ participant(id: "{theirs}") {{ id }} participants {{ totalCount }} }}')
    adjust = await gql(
        f'mutation {{ adjustPoints(participantId: "{theirs}", delta: 10) {{ score }} }}'
    )
    delete = await gql(f'mutation {{ deleteParticipant(id: "{theirs}") }}')
    top = await gql("{ leaderboard { size entries { edges { node { participant { id } } } } } }")

    assert seen["data"] == {"participant": None, "participants": {"totalCount": 1}}
    assert error_code(adjust) == "NOT_FOUND"
    assert error_code(delete) == "NOT_FOUND"
    assert top["data"]["leaderboard"]["size"] == 1
    assert [
        e["node"]["participant"]["id"] for e in top["data"]["leaderboard"]["entries"]["edges"]
    ] == [str(ours)]
    assert (await Standing.get(participant_id=theirs)).score == 5


async def test_each_tenant_has_its_own_points_leaderboard(
    gql: GQL, deps: Deps, tenant: TenantRef
) -> None:
    other = await ensure_tenant("other-school")
    await participant(deps, other.id, "Theirs", points=50)
    await participant(deps, tenant.id, "Ours", points=1)
    query = (
        "{ leaderboard { size entries { edges { node { rank score participant { name } } } } } }"
    )

    ours, theirs = await gql(query), await gql(query, as_tenant=other)

    assert ours["data"]["leaderboard"]["entries"]["edges"] == [
        {"node": {"rank": 1, "score": 1.0, "participant": {"name": "Ours"}}}
    ]
    assert theirs["data"]["leaderboard"]["entries"]["edges"] == [
        {"node": {"rank": 1, "score": 50.0, "participant": {"name": "Theirs"}}}
    ]
