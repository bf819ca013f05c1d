"""GraphQL types of tenancy: API keys, the audit log, and who is asking."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.scalars import JSON

from app.graphql.pagination import PageInfo
from app.tenancy.access import Caller
from app.tenancy.audit import AuditView
from app.tenancy.keys import KeyView
from app.tenancy.scopes import Scope

strawberry.enum(Scope, description="What a key may do (see the README's Security section).")


@strawberry.type(description="An API key as listed: never the key itself.")
class ApiKey:
    id: strawberry.ID
    name: str
    scopes: list[Scope] = strawberry.field(description="As given; ADMIN implies READ, INGEST.")
    hint: str = strawberry.field(description="The key's first characters, to tell keys apart.")
    created_at: datetime
    last_used_at: datetime | None = strawberry.field(description="To the minute.")
    revoked_at: datetime | None

    @classmethod
    def from_view(cls, k: KeyView) -> ApiKey:
        return cls(
            id=strawberry.ID(str(k.id)),
            name=k.name,
            scopes=sorted(k.scopes),
            hint=k.hint,
            created_at=k.created_at,
            last_used_at=k.last_used_at,
            revoked_at=k.revoked_at,
        )


@strawberry.type
class ApiKeyEdge:
    cursor: str
    node: ApiKey


@strawberry.type(description="API keys, oldest first.")
class ApiKeyConnection:
    edges: list[ApiKeyEdge]
    page_info: PageInfo


@strawberry.type(description="A key just made: `key` is shown this once, and never stored.")
class CreatedApiKey:
    key: str
    api_key: ApiKey


@strawberry.type(description="One admin operation, as the audit log keeps it.")
class AuditEntry:
    id: strawberry.ID
    key_id: strawberry.ID | None = strawberry.field(description="Null: the command line.")
    actor: str = strawberry.field(description="The key's name, or `cli`.")
    operation: str
    arguments: JSON = strawberry.field(description="As given (secrets redacted).")
    outcome: str = strawberry.field(description="`ok`, or the error's code.")
    at: datetime

    @classmethod
    def from_view(cls, e: AuditView) -> AuditEntry:
        return cls(
            id=strawberry.ID(str(e.id)),
            key_id=strawberry.ID(str(e.key_id)) if e.key_id is not None else None,
            actor=e.actor,
            operation=e.operation,
            arguments=JSON(e.arguments),
            outcome=e.outcome,
            at=e.at,
        )


@strawberry.type
class AuditEntryEdge:
    cursor: str
    node: AuditEntry


@strawberry.type(description="Audit entries, newest first.")
class AuditEntryConnection:
    edges: list[AuditEntryEdge]
    page_info: PageInfo


@strawberry.type(description="Who is asking: the key's tenant, name and scopes.")
class Viewer:
    tenant: str
    key_name: str
    scopes: list[Scope] = strawberry.field(description="With those they imply.")

    @classmethod
    def of(cls, who: Caller) -> Viewer:
        return cls(tenant=who.tenant.slug, key_name=who.key_name, scopes=sorted(who.scopes))
