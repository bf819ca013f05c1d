"""Group mutations (admins): define groups, set who belongs to them, in bulk."""

from __future__ import annotations

import strawberry

from app.context import GraphQLInfo
from app.groups import memberships as memberships_service
from app.groups import service
from app.groups.types import Group, GroupInput, MembershipInput, MembershipResult


@strawberry.type
class GroupMutations:
    @strawberry.mutation(
        description="Create groups, or rename them or change their kind (by key); all or"
        " nothing, in the order given."
    )
    async def define_groups(self, info: GraphQLInfo, groups: list[GroupInput]) -> list[Group]:
        ctx = info.context
        ctx.require_admin()
        found = await service.define_groups(
            ctx.deps, ctx.tenant.id, [g.to_fields() for g in groups]
        )
        return [Group.from_view(g) for g in found]

    @strawberry.mutation(
        description="Set participants' groups of a kind (a move from 7B to 7C is {kind: CLASS,"
        ' groups: ["7C"]}); all or nothing: an unknown participant or group, or a group of'
        " another kind, changes nothing. Scoped boards rank the moved participants in their"
        " new groups at once."
    )
    async def set_memberships(
        self, info: GraphQLInfo, memberships: list[MembershipInput]
    ) -> MembershipResult:
        ctx = info.context
        ctx.require_admin()
        given = [m.to_fields(i) for i, m in enumerate(memberships)]
        change = await memberships_service.set_memberships(ctx.deps, ctx.tenant.id, given)
        return MembershipResult.from_view(change)
