"""How long runs stay in the live tables, per time window: the service's
``RANKED_RETENTION_DAYS`` (seed 002's tiers by default), overridden per tenant
(``setRetention``, kept in the tenant's settings). Past it, the archive job
(``app.runs.archive``) moves a run to the archive tables.

A run's age counts from the end of its period (from when it was made, for a run of a period
that never ends: all time), so a snapshot is kept for as long after its period as its window
says, however late it was made.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.transactions import in_transaction

from app.deps import Deps
from app.errors import BadUserInput, NotFound
from app.leaderboards.models import TimeWindow
from app.settings import MAX_RETENTION_DAYS, Settings
from app.tenancy.models import Tenant
from app.tenancy.tenant_settings import TenantSettings, parse_settings


@dataclass(frozen=True, slots=True)
class RetentionRule:
    window: TimeWindow
    days: int
    tenant_set: bool  # False: the service's default applies


def rules(settings: Settings, tenant: TenantSettings) -> list[RetentionRule]:
    """Every window's retention for a tenant with these settings, in the windows' order."""
    own = tenant.retention_days or {}
    return [
        RetentionRule(w, own.get(w.value, settings.retention_days[w.value]), w.value in own)
        for w in TimeWindow
    ]


def cutoffs(
    settings: Settings, tenant: TenantSettings, now: datetime
) -> dict[TimeWindow, datetime]:
    """Per window, the instant before which a run's period must have ended to be archived."""
    return {r.window: now - timedelta(days=r.days) for r in rules(settings, tenant)}


async def tenant_rules(settings: Settings, tenant_id: int) -> list[RetentionRule]:
    tenant = await Tenant.get_or_none(id=tenant_id)
    if tenant is None:
        raise NotFound("No such tenant.")
    return rules(settings, parse_settings(tenant.settings))


async def set_retention(
    deps: Deps, tenant_id: int, window: TimeWindow, days: int | None
) -> list[RetentionRule]:
    """The tenant's own retention of ``window`` (None: back to the service's default). The
    tenant's row is locked while its settings are rewritten: concurrent changes of other
    windows or settings are all kept."""
    if days is not None and not 1 <= days <= MAX_RETENTION_DAYS:
        raise BadUserInput(f"days must be 1..{MAX_RETENTION_DAYS}.", field="days")
    async with in_transaction() as conn:
        tenant = await Tenant.select_for_update().using_db(conn).get(id=tenant_id)
        own = dict(parse_settings(tenant.settings).retention_days or {})
        if days is None:
            own.pop(window.value, None)
        else:
            own[window.value] = days
        stored = {k: v for k, v in tenant.settings.items() if k != "retention_days"}
        if own:
            stored["retention_days"] = own
        tenant.settings = parse_settings(stored).model_dump(exclude_none=True)
        await tenant.save(update_fields=["settings"], using_db=conn)
    await deps.keeper.touch(tenant_id)  # cached reads of the retention are out of date
    return rules(deps.settings, parse_settings(tenant.settings))
