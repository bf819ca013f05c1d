"""GraphQL types of groups: a thin skin over ``GroupView`` and ``GroupStandingView``."""

from __future__ import annotations

import strawberry

from app.context import GraphQLInfo
from app.graphql.pagination import Edge, PageInfo, parse_id
from app.groups import loaders
from app.groups.service import GroupFields, MembershipChange, MembershipFields
from app.groups.standings import GroupStandingView
from app.groups.views import GroupView


@strawberry.type(
    description="A group of participants: a class, a subject, a campus, or any kind an admin names."
)
class Group:
    key: str
    kind: str = strawberry.field(description="e.g. CLASS, SUBJECT, CAMPUS.")
    name: str
    id_: strawberry.Private[int]

    @classmethod
    def from_view(cls, g: GroupView) -> Group:
        return cls(key=g.key, kind=g.kind, name=g.name, id_=g.id)

    @strawberry.field(description="How many participants belong to the group.")
    async def member_count(self, info: GraphQLInfo) -> int:
        return await loaders.member_counts(info.context).load(self.id_)


@strawberry.type
class GroupConnection:
    edges: list[Edge[Group]]
    page_info: PageInfo


@strawberry.type(description="A group ranked against the others of its kind on a board.")
class GroupStanding:
    rank: int = strawberry.field(description="Equal scores share a rank.")
    group: Group
    score: float = strawberry.field(
        description="The sum or the mean (the board's groupScore) of its ranked members' scores."
    )
    members: int = strawberry.field(description="Members ranked on the board (whose scores count).")

    @classmethod
    def from_view(cls, s: GroupStandingView) -> GroupStanding:
        return cls(rank=s.rank, group=Group.from_view(s.group), score=s.score, members=s.members)


@strawberry.type
class GroupStandingConnection:
    edges: list[Edge[GroupStanding]]
    page_info: PageInfo


@strawberry.input(description="A group, created or (by key) renamed or given another kind.")
class GroupInput:
    key: str
    kind: str = strawberry.field(description="Upper-case: CLASS, SUBJECT, CAMPUS ...")
    name: str

    def to_fields(self) -> GroupFields:
        return GroupFields(self.key, self.kind, self.name)


@strawberry.input(
    description="The participant's groups of `kind` become exactly `groups` (keys of groups of"
    " that kind); its groups of other kinds stay. [] takes it out of every group of the kind."
)
class MembershipInput:
    participant_id: strawberry.ID
    kind: str
    groups: list[str]

    def to_fields(self, index: int) -> MembershipFields:
        pid = parse_id(self.participant_id, name=f"memberships[{index}].participantId")
        return MembershipFields(pid, self.kind, tuple(self.groups))


@strawberry.type(description="What setMemberships changed.")
class MembershipResult:
    participants: int = strawberry.field(description="Participants whose groups were set.")
    added: int = strawberry.field(description="Memberships created.")
    removed: int = strawberry.field(description="Memberships ended.")

    @classmethod
    def from_view(cls, c: MembershipChange) -> MembershipResult:
        return cls(participants=c.participants, added=c.added, removed=c.removed)
