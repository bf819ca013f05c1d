"""Tenants: made, listed, suspended and configured (the command line's ``ranked tenant``).
Every other service function takes a tenant id from here."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.errors import Conflict, NotFound
from app.leaderboards.service import ensure_builtins
from app.tenancy.models import Tenant, TenantStatus
from app.tenancy.tenant_settings import TenantSettings, parse_settings
from app.text import check_key, check_text


@dataclass(frozen=True, slots=True)
class TenantRef:
    id: int
    slug: str


@dataclass(frozen=True, slots=True)
class TenantView:
    id: int
    slug: str
    name: str
    status: TenantStatus
    settings: TenantSettings


async def ensure_tenant(slug: str, name: str | None = None) -> TenantRef:
    """The tenant with ``slug``, created with its built-in metric and leaderboard if new."""
    tenant, _ = await Tenant.get_or_create(slug=slug, defaults={"name": name or slug})
    await ensure_builtins(tenant.id)
    return TenantRef(tenant.id, tenant.slug)


async def create_tenant(slug: str, name: str | None = None) -> TenantView:
    """A new tenant (CONFLICT if the slug is taken), with its built-ins."""
    check_key(slug, "A tenant", field="slug")
    check_text(name, "name", 200, empty=False)
    if await Tenant.exists(slug=slug):
        raise Conflict(f"A tenant {slug!r} exists already.")
    await ensure_tenant(slug, name)
    return await get_tenant(slug)


async def get_tenant(slug: str) -> TenantView:
    tenant = await Tenant.get_or_none(slug=slug)
    if tenant is None:
        raise NotFound(f"No tenant {slug!r}.")
    return _view(tenant)


async def list_tenants() -> list[TenantView]:
    return [_view(t) for t in await Tenant.all().order_by("id")]


async def set_status(slug: str, status: TenantStatus) -> TenantView:
    """Suspend (its keys get FORBIDDEN, its data stays) or reactivate a tenant."""
    if not await Tenant.filter(slug=slug).update(status=status):
        raise NotFound(f"No tenant {slug!r}.")
    return await get_tenant(slug)


async def configure(slug: str, changes: dict[str, Any]) -> TenantView:
    """Set (a value) or clear (None) settings of the tenant; all or nothing."""
    tenant = await Tenant.get_or_none(slug=slug)
    if tenant is None:
        raise NotFound(f"No tenant {slug!r}.")
    merged = {**tenant.settings, **changes}
    settings = parse_settings({k: v for k, v in merged.items() if v is not None})
    tenant.settings = settings.model_dump(exclude_none=True)
    await tenant.save(update_fields=["settings"])
    return _view(tenant)


def _view(tenant: Tenant) -> TenantView:
    return TenantView(
        tenant.id, tenant.slug, tenant.name, tenant.status, parse_settings(tenant.settings)
    )
