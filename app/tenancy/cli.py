"""The ``ranked tenant`` and ``ranked key`` commands: tenants made, listed, suspended and
configured; API keys made (shown once), listed and revoked. Every change is audited with
the actor ``cli``.

``app.cli`` adds these groups to the command line and passes, as the click context's
``obj``, the :class:`Runner` every command runs its coroutine with (it sets up logging the
same way for all of them); this module does not import ``app.cli``, which imports it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Coroutine
from typing import Annotated, Any, Protocol, TypeVar

import typer

from app.settings import get_settings
from app.tenancy.keyring import KeyRing

T = TypeVar("T")

tenants = typer.Typer(help="Tenants (institutions): made, listed, suspended, configured.")
keys = typer.Typer(help="API keys of a tenant: made (shown once), listed, revoked.")


class Runner(Protocol):
    """Runs a command's coroutine to completion (``app.cli``'s, with logging set up)."""

    def __call__(self, main: Callable[[], Coroutine[Any, Any, T]], /) -> T: ...


def in_database(run: Runner, work: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run ``work`` with the ORM open; a domain error is printed and exits 1."""
    from app.db import database
    from app.errors import RankedError

    async def main() -> T:
        async with database(get_settings()):
            return await work()

    try:
        return run(main)
    except RankedError as refused:
        typer.echo(f"{refused.code}: {refused.message}", err=True)
        raise typer.Exit(1) from None


def keyring() -> KeyRing:
    """The key ring of the settings: their pepper (or the one kept in data_dir)."""
    from app.tenancy.keyring import load_pepper

    settings = get_settings()
    pepper = settings.key_pepper.get_secret_value() if settings.key_pepper else None
    return KeyRing(load_pepper(pepper, settings.data_dir), settings.key_cache_seconds)


def _in_database(ctx: typer.Context, work: Callable[[], Coroutine[Any, Any, T]]) -> T:
    run: Runner = ctx.obj  # set by app.cli.main
    return in_database(run, work)


async def _audited(slug: str, operation: str, arguments: dict[str, Any]) -> None:
    from app.tenancy import audit
    from app.tenancy.service import get_tenant

    tenant = await get_tenant(slug)
    await audit.record(tenant.id, None, "cli", operation, arguments, audit.OK)


def _show_tenant(t: Any) -> None:
    settings = json.dumps(t.settings.model_dump(exclude_none=True), separators=(",", ":"))
    typer.echo(f"{t.slug:<24} {t.status.value:<10} {t.name}  {settings}")


@tenants.command("create")
def tenant_create(
    ctx: typer.Context,
    slug: Annotated[str, typer.Argument(help="Its key: letters, digits, '_', '.', '-'.")],
    name: Annotated[str | None, typer.Option(help="Its name (default: the slug).")] = None,
) -> None:
    """Make a tenant, with its built-in points metric and board."""
    from app.tenancy.service import create_tenant

    async def work() -> Any:
        made = await create_tenant(slug, name)
        await _audited(slug, "tenant create", {"slug": slug, "name": name})
        return made

    _show_tenant(_in_database(ctx, work))


@tenants.command("list")
def tenant_list(ctx: typer.Context) -> None:
    """Every tenant: slug, status, name, settings."""
    from app.tenancy.service import list_tenants

    for tenant in _in_database(ctx, list_tenants):
        _show_tenant(tenant)


@tenants.command("suspend")
def tenant_suspend(ctx: typer.Context, slug: str) -> None:
    """Suspend a tenant: its keys get FORBIDDEN (within RANKED_KEY_CACHE_SECONDS); its data
    stays."""
    _set_status(ctx, slug, "SUSPENDED")


@tenants.command("activate")
def tenant_activate(ctx: typer.Context, slug: str) -> None:
    """Lift a suspension."""
    _set_status(ctx, slug, "ACTIVE")


def _set_status(ctx: typer.Context, slug: str, status: str) -> None:
    from app.tenancy.models import TenantStatus
    from app.tenancy.service import set_status

    async def work() -> Any:
        changed = await set_status(slug, TenantStatus(status))
        verb = "activate" if status == "ACTIVE" else "suspend"  # as the command is named
        await _audited(slug, f"tenant {verb}", {"slug": slug})
        return changed

    _show_tenant(_in_database(ctx, work))


@tenants.command("set")
def tenant_set(
    ctx: typer.Context,
    slug: str,
    values: Annotated[
        list[str],
        typer.Argument(help="NAME=VALUE (NAME= clears it), e.g. rate_reads_per_second=20"),
    ],
) -> None:
    """Set the tenant's own settings (overrides of the service's)."""
    from app.tenancy.service import configure

    changes: dict[str, Any] = {}
    for item in values:
        name, equals, value = item.partition("=")
        if not equals:
            typer.echo(f"expected NAME=VALUE, got {item!r}", err=True)
            raise typer.Exit(2)
        changes[name.strip()] = json.loads(value) if value.strip() else None

    async def work() -> Any:
        changed = await configure(slug, changes)
        await _audited(slug, "tenant set", changes)
        return changed

    _show_tenant(_in_database(ctx, work))


@keys.command("create")
def key_create(
    ctx: typer.Context,
    tenant: Annotated[str, typer.Option(help="The tenant's slug.")],
    scope: Annotated[
        list[str], typer.Option(help="PUBLIC (alone), READ, INGEST, ADMIN; repeat for more.")
    ],
    name: Annotated[str, typer.Option(help="What it is for (shown in listings).")] = "cli",
) -> None:
    """Make an API key; prints the key (this once: only its digest is kept)."""
    from app.tenancy.keys import create_key
    from app.tenancy.scopes import Scope
    from app.tenancy.service import get_tenant

    try:
        scopes = [Scope(s.upper()) for s in scope]
    except ValueError:
        typer.echo(f"scopes are {', '.join(s.value for s in Scope)}", err=True)
        raise typer.Exit(2) from None

    async def work() -> tuple[str, Any]:
        owner = await get_tenant(tenant)
        made = await create_key(keyring(), owner.id, name, scopes)
        await _audited(tenant, "key create", {"name": name, "scopes": sorted(scopes)})
        return made

    key, view = _in_database(ctx, work)
    typer.echo(f"key {view.id} of {tenant} ({', '.join(sorted(view.scopes))}):", err=True)
    typer.echo(key)


@keys.command("list")
def key_list(
    ctx: typer.Context, tenant: Annotated[str, typer.Option(help="The tenant's slug.")]
) -> None:
    """The tenant's keys: id, name, scopes, hint, made, last used, revoked."""
    from app.tenancy.keys import list_keys
    from app.tenancy.service import get_tenant

    async def work() -> Any:
        return await list_keys((await get_tenant(tenant)).id, 10_000, None)

    for k in _in_database(ctx, work).items:
        used = f"{k.last_used_at:%Y-%m-%d %H:%M}" if k.last_used_at else "never"
        revoked = f"  revoked {k.revoked_at:%Y-%m-%d %H:%M}" if k.revoked_at else ""
        typer.echo(
            f"{k.id:>5}  {k.name:<24} {','.join(sorted(k.scopes)):<18} {k.hint}…"
            f"  made {k.created_at:%Y-%m-%d %H:%M}  used {used}{revoked}"
        )


@keys.command("revoke")
def key_revoke(
    ctx: typer.Context,
    key_id: Annotated[int, typer.Argument(help="The key's id (ranked key list).")],
    tenant: Annotated[str, typer.Option(help="The tenant's slug.")],
) -> None:
    """Revoke a key: refused within RANKED_KEY_CACHE_SECONDS everywhere."""
    from app.tenancy.keys import revoke_key
    from app.tenancy.service import get_tenant

    async def work() -> Any:
        revoked = await revoke_key(keyring(), (await get_tenant(tenant)).id, key_id)
        await _audited(tenant, "key revoke", {"id": key_id})
        return revoked

    view = _in_database(ctx, work)
    typer.echo(f"revoked key {view.id} ({view.name})")
