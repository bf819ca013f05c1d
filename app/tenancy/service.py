"""Tenant look-up and creation. Every service function takes a tenant id from here."""

from __future__ import annotations

from dataclasses import dataclass

from app.leaderboards.service import ensure_builtins
from app.tenancy.models import Tenant


@dataclass(frozen=True, slots=True)
class TenantRef:
    id: int
    slug: str


async def ensure_tenant(slug: str, name: str | None = None) -> TenantRef:
    """The tenant with ``slug``, created with its built-in metric and leaderboard if new."""
    tenant, _ = await Tenant.get_or_create(slug=slug, defaults={"name": name or slug})
    await ensure_builtins(tenant.id)
    return TenantRef(tenant.id, tenant.slug)
