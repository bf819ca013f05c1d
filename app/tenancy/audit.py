"""The audit log: every admin operation of a tenant (who, what, with which arguments, when,
how it ended), written after it ran and readable by the tenant's admins (``auditLog``).
Arguments named like secrets are never stored, and what is stored is bounded (long texts
and lists cut, an entry's arguments at most ``LONGEST_ARGUMENTS`` characters)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from app.tenancy.models import AuditEntry

OK = "ok"
REDACTED = "[redacted]"
SECRET_NAMES = ("token", "secret", "password", "pepper")  # how secret argument names end
LONGEST_TEXT = 500  # characters of one argument value kept
LONGEST_LIST = 20  # items of one list argument kept (then a count of the rest)
LONGEST_ARGUMENTS = 8_000  # characters of an entry's arguments, as JSON, at most


@dataclass(frozen=True, slots=True)
class AuditView:
    id: int
    key_id: int | None
    actor: str
    operation: str
    arguments: dict[str, Any]
    outcome: str
    at: datetime


@dataclass(frozen=True, slots=True)
class AuditPage:
    items: list[AuditView]
    has_next: bool


async def record(
    tenant_id: int,
    key_id: int | None,
    actor: str,
    operation: str,
    arguments: dict[str, Any],
    outcome: str,
) -> None:
    await AuditEntry.create(
        tenant_id=tenant_id,
        key_id=key_id,
        actor=actor[:120],
        operation=operation[:64],
        arguments=bounded(redact(arguments)),
        outcome=outcome[:32],
        at=datetime.now(UTC),
    )


async def entries(tenant_id: int, first: int, before_id: int | None) -> AuditPage:
    """The tenant's entries, newest first, ``first`` older than ``before_id``."""
    query = AuditEntry.filter(tenant_id=tenant_id)
    if before_id is not None:
        query = query.filter(id__lt=before_id)
    rows = await query.order_by("-id").limit(first + 1)
    return AuditPage([_view(r) for r in rows[:first]], len(rows) > first)


def redact(value: Any, name: str = "") -> Any:
    """``value`` with secrets replaced and long texts cut: what the log may keep."""
    if name.lower().endswith(SECRET_NAMES):
        return REDACTED
    if isinstance(value, dict):
        return {k: redact(v, str(k)) for k, v in value.items()}
    if isinstance(value, list):
        kept = [redact(v, name) for v in value[:LONGEST_LIST]]
        if len(value) > LONGEST_LIST:
            kept.append(f"… {len(value) - LONGEST_LIST:,} more")
        return kept
    if isinstance(value, str) and len(value) > LONGEST_TEXT:
        return value[:LONGEST_TEXT] + "…"
    return value


def bounded(arguments: dict[str, Any]) -> dict[str, Any]:
    """The arguments, or only their names when they are still too large to keep."""
    if len(json.dumps(arguments, default=str)) <= LONGEST_ARGUMENTS:
        return arguments
    return {"(too large to keep)": sorted(arguments)}


def _view(row: AuditEntry) -> AuditView:
    return AuditView(
        row.id, row.key_id, row.actor, row.operation, row.arguments, row.outcome, row.at
    )
