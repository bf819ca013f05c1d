"""Managing a tenant's API keys: made (the key shown once), listed, revoked. The command line
(``ranked key``) and the admin mutations call these."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from tortoise.exceptions import IntegrityError

from app.errors import NotFound
from app.tenancy.keyring import KeyRing, hint_of, new_key
from app.tenancy.models import ApiKey
from app.tenancy.scopes import Scope, check_scopes, decode, encode
from app.text import check_text

BOOTSTRAP_NAME = "RANKED_ADMIN_TOKEN"
DEMO_KEY_NAME = "demo (make run)"


@dataclass(frozen=True, slots=True)
class KeyView:
    id: int
    name: str
    scopes: frozenset[Scope]  # as given (ADMIN implies READ and INGEST)
    hint: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


@dataclass(frozen=True, slots=True)
class KeyPage:
    items: list[KeyView]
    has_next: bool


async def create_key(
    keys: KeyRing, tenant_id: int, name: str, scopes: Iterable[Scope]
) -> tuple[str, KeyView]:
    """A new key of the tenant; returns the key itself (never stored, never shown again)
    and how it is listed."""
    check_text(name, "name", 100, empty=False)
    chosen = check_scopes(scopes)
    key = new_key(publishable=Scope.PUBLIC in chosen)
    row = await ApiKey.create(
        tenant_id=tenant_id,
        name=name,
        scopes=encode(chosen),
        digest=keys.digest(key),
        hint=hint_of(key),
        created_at=datetime.now(UTC),
    )
    return key, _view(row)


async def revoke_key(keys: KeyRing, tenant_id: int, key_id: int) -> KeyView:
    """Revoke the key (at once here, within the key cache's lifetime everywhere); revoking
    it again changes nothing. NOT_FOUND for a key of another tenant."""
    row = await ApiKey.get_or_none(id=key_id, tenant_id=tenant_id)
    if row is None:
        raise NotFound(f"No API key with id {key_id}.")
    if row.revoked_at is None:
        row.revoked_at = datetime.now(UTC)
        await row.save(update_fields=["revoked_at"])
        keys.forget()
    return _view(row)


async def list_keys(tenant_id: int, first: int, after_id: int | None) -> KeyPage:
    """The tenant's keys in the order they were made, ``first`` after ``after_id``."""
    query = ApiKey.filter(tenant_id=tenant_id)
    if after_id is not None:
        query = query.filter(id__gt=after_id)
    rows = await query.order_by("id").limit(first + 1)
    return KeyPage([_view(r) for r in rows[:first]], len(rows) > first)


async def adopt_token(keys: KeyRing, tenant_id: int, token: str) -> bool:
    """Make ``RANKED_ADMIN_TOKEN`` an admin key of the tenant (once; revocable like any
    key). Returns whether it was adopted now."""
    digest = keys.digest(token)
    if await ApiKey.exists(digest=digest):
        return False
    try:
        await ApiKey.create(
            tenant_id=tenant_id,
            name=BOOTSTRAP_NAME,
            scopes=encode({Scope.ADMIN}),
            digest=digest,
            hint=hint_of(token)[:4],
            created_at=datetime.now(UTC),
        )
    except IntegrityError:  # another process of the same start-up adopted it first
        return False
    return True


async def demo_key(keys: KeyRing, tenant_id: int, kept: str | None) -> str:
    """The admin key of the first run's tenant: ``kept`` (the one made last time) while it
    is valid, else a new one."""
    if kept:
        found = await keys.lookup(kept)
        if found is not None and not found.revoked and found.tenant_id == tenant_id:
            return kept
    key, _ = await create_key(keys, tenant_id, DEMO_KEY_NAME, [Scope.ADMIN])
    return key


async def has_keys() -> bool:
    """Whether any tenant has a key that is not revoked."""
    return await ApiKey.filter(revoked_at__isnull=True).exists()


def _view(row: ApiKey) -> KeyView:
    return KeyView(
        id=row.id,
        name=row.name,
        scopes=decode(row.scopes),
        hint=row.hint,
        created_at=row.created_at,
        last_used_at=row.last_used_at,
        revoked_at=row.revoked_at,
    )
