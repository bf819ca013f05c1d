"""The ``ranked`` command line: serve, worker, jobs, migrate, seed, rebuild, verify,
export-schema."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from app.settings import get_settings

T = TypeVar("T")

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
SCHEMA_FILE = Path("schema.graphql")
DEMO_KEY_FILE = "demo-admin-key"  # in data_dir: the key `make run` prints (mode 0600)

cli = typer.Typer(
    help="Ranked: a live leaderboard service.", no_args_is_help=True, add_completion=False
)


def _run(main: Callable[[], Coroutine[Any, Any, T]]) -> T:
    logging.basicConfig(level=get_settings().log_level.upper(), format="%(levelname)s %(message)s")
    return asyncio.run(main())


@cli.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Bind address (default: HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default: PORT).")] = None,
    workers: Annotated[int, typer.Option(help="uvicorn worker processes.")] = 1,
    worker: Annotated[
        bool, typer.Option("--worker", help="Also run a job worker (`ranked worker`) beside it.")
    ] = False,
    demo: Annotated[
        bool,
        typer.Option(
            "--demo", help="Print an admin key of the default tenant and a GraphiQL link with it."
        ),
    ] = False,
) -> None:
    """Serve GraphQL (and GraphiQL) at /graphql; with --worker, the job worker too."""
    import uvicorn

    from app.connections import embedded_redis
    from app.main import server_options

    settings = get_settings()
    host, port = host or settings.host, port or settings.port
    _refuse_exposure(host)
    if demo:
        _print_demo(host, port)
    # The embedded Redis (if any) lives in this process, for every process it starts.
    with embedded_redis(settings) as url:
        os.environ.update(REDIS_URL=url, DATABASE_URL=settings.effective_database_url)
        get_settings.cache_clear()
        jobs = subprocess.Popen([sys.executable, "-m", "app", "worker"]) if worker else None
        try:
            uvicorn.run(
                "app.main:create_app",
                factory=True,
                host=host,
                port=port,
                workers=workers,
                log_level=settings.log_level,
                **server_options(settings),
            )
        finally:
            if jobs is not None:
                _stop(jobs)


def _refuse_exposure(host: str) -> None:
    """Exit with a message when serving beyond this machine without a way in for anyone
    (no key at all) or with keys only this machine can check (no RANKED_KEY_PEPPER)."""
    import ipaddress

    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if loopback:
        return
    settings = get_settings()
    if settings.key_pepper is None:
        typer.echo(
            f"refusing to serve on {host}: set RANKED_KEY_PEPPER (a long random secret, the"
            " same on every machine) before serving beyond this one",
            err=True,
        )
        raise typer.Exit(2)
    from app.tenancy.keys import has_keys

    if settings.admin_token is None and not _in_database(has_keys):
        typer.echo(
            f"refusing to serve on {host} with no API key at all: make one with"
            " `ranked key create --tenant <slug> --scope ADMIN` (see README, Security)",
            err=True,
        )
        raise typer.Exit(2)


def _print_demo(host: str, port: int) -> None:
    """The first run's way in: the default tenant's demo admin key (kept in data_dir)."""
    from app.tenancy.keys import demo_key
    from app.tenancy.service import ensure_tenant

    settings = get_settings()
    kept_at = settings.data_dir / DEMO_KEY_FILE

    async def work() -> str:
        tenant = await ensure_tenant(settings.default_tenant)
        kept = kept_at.read_text().strip() if kept_at.exists() else None
        return await demo_key(_keyring(), tenant.id, kept)

    key = _in_database(work)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    kept_at.touch(mode=0o600)
    kept_at.write_text(key + "\n")
    # The address it listens on (a browser may try ::1 first for "localhost"); any: loopback.
    shown = {"0.0.0.0": "127.0.0.1", "::": "[::1]", "::1": "[::1]"}.get(host, host)
    url = f"http://{shown}:{port}/graphql"
    typer.echo(
        f"\nRanked demo, tenant {settings.default_tenant!r}. Admin key (kept in {kept_at}):\n"
        f"  {key}\n"
        f"GraphiQL, signed in with it:\n  {url}#key={key}\n"
        f"curl:\n  curl -s {url} -H 'Authorization: Bearer {key}' -H 'Content-Type:"
        ' application/json\' -d \'{"query": "{ leaderboard { size } }"}\'\n'
    )


def _stop(process: subprocess.Popen[bytes], seconds: float = 20) -> None:
    """SIGINT (arq's graceful stop: running jobs are cancelled and retried later), then
    SIGKILL if it does not end in time."""
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@cli.command()
def worker(
    burst: Annotated[
        bool, typer.Option("--burst", help="Stop once the queue is empty (tests, one-offs).")
    ] = False,
) -> None:
    """Run the job worker: winner checks, leaderboard runs, runs of closed periods."""
    from app.jobs.worker import run_worker

    _run(lambda: run_worker(get_settings(), burst=burst))


@cli.command()
def jobs(
    limit: Annotated[int, typer.Option(help="How many to list.", min=1)] = 20,
    name: Annotated[str | None, typer.Option(help="Only jobs of this name.")] = None,
) -> None:
    """List the latest job runs: name, tick or run id, outcome, duration, detail."""
    from app.db import database
    from app.joblog.service import recent

    async def main() -> None:
        async with database(get_settings()):
            for job in await recent(limit, name):
                took = f"{job.duration_ms} ms" if job.duration_ms is not None else "running"
                detail = json.dumps(job.detail, separators=(",", ":")) if job.detail else ""
                error = f" error: {job.error}" if job.error else ""
                typer.echo(
                    f"{job.started_at:%Y-%m-%d %H:%M:%S}  {job.name:<15} {job.key:<28}"
                    f" {job.outcome:<10} {took:>9}  {detail}{error}"
                )

    _run(main)


@cli.command()
def migrate() -> None:
    """Apply every pending database migration (creates the schema on an empty database)."""
    from aerich import Command

    from app.db import tortoise_config

    if not any(MIGRATIONS.glob("models/*.py")):
        typer.echo(f"no migrations found in {MIGRATIONS}; is the install complete?", err=True)
        raise typer.Exit(1)

    async def main() -> list[str]:
        settings = get_settings()
        if settings.effective_database_url.startswith("sqlite"):
            settings.data_dir.mkdir(parents=True, exist_ok=True)
        config = tortoise_config(settings.effective_database_url)
        async with Command(config, app="models", location=str(MIGRATIONS)) as command:
            await command.init()
            return await command.upgrade(run_in_transaction=True)

    applied = _run(main)
    typer.echo(f"applied: {', '.join(applied)}" if applied else "database is up to date")


@cli.command()
def seed(
    participants: Annotated[int, typer.Option(help="How many participants to add.", min=1)] = 100,
    max_points: Annotated[int, typer.Option(help="Random points go from 0 to this.", min=0)] = 1000,
    if_empty: Annotated[bool, typer.Option(help="Do nothing if participants exist.")] = False,
    batch: Annotated[int, typer.Option(help="Rows per transaction.", min=1)] = 10_000,
    seed: Annotated[int | None, typer.Option(help="Random seed, for repeatable data.")] = None,
) -> None:
    """Add fake participants (Faker names, ages 13-90, addresses) with random points."""
    from app.main import running
    from app.participants.models import Participant
    from app.participants.seeding import seed_participants

    async def main() -> int:
        async with running(get_settings()) as rt:
            deps, tenant = rt.deps, rt.tenant
            if if_empty and await Participant.filter(tenant_id=tenant.id).exists():
                return 0
            with typer.progressbar(length=participants, label="seeding", file=sys.stderr) as bar:
                return await seed_participants(
                    deps, tenant.id, participants, max_points=max_points, batch=batch,
                    seed=seed, progress=bar.update,
                )  # fmt: skip

    added = _run(main)
    typer.echo(f"added {added} participants" if added else "participants exist; nothing seeded")


@cli.command()
def rebuild(
    leaderboard: Annotated[str | None, typer.Option(help="Only this board key.")] = None,
    from_events: Annotated[
        bool, typer.Option(help="First recompute aggregates and standings from the events.")
    ] = False,
) -> None:
    """Rebuild Redis rankings (current periods) from the database (after a flush, a
    restore, or drift), aside: readers keep the old ranking until the new one is swapped
    in. With --from-events, re-derive the database's scores first."""
    from app.leaderboards.definition import load_definitions
    from app.leaderboards.service import board_in
    from app.main import running
    from app.ranking.rebuild import rebuild_board
    from app.scoring.recompute import rescore

    async def main() -> None:
        settings = get_settings()
        async with running(settings) as rt:
            deps = rt.deps
            for definition in await load_definitions(None, is_active=True):
                if leaderboard is not None and definition.key != leaderboard:
                    continue
                if from_events:
                    await rescore(deps, definition)
                board = board_in(definition).ref
                count = await rebuild_board(
                    deps.store,
                    board,
                    batch=settings.rebuild_batch,
                    fresh=True,
                    lock_seconds=settings.rebuild_lock_seconds,
                )
                typer.echo(f"tenant {board.tenant_id} {board.key}/{board.period}: {count}")

    _run(main)


@cli.command()
def verify(
    leaderboard: Annotated[str, typer.Option(help="The board key.")],
    tenant: Annotated[
        str | None, typer.Option(help="Tenant slug (default: RANKED_DEFAULT_TENANT).")
    ] = None,
    period: Annotated[
        str | None, typer.Option(help="Period key (default: the current one).")
    ] = None,
    top: Annotated[int, typer.Option(help="How many entries to compare.", min=1)] = 100,
) -> None:
    """Compare the live top N with scores recomputed from the events; exit 1 on any
    difference (listed), 0 when they agree."""
    from app.leaderboards.service import board_in, get_definition
    from app.main import running
    from app.scoring.recompute import verify as compare
    from app.tenancy.models import Tenant

    async def main() -> int:
        settings = get_settings()
        async with running(settings) as rt:
            deps, default = rt.deps, rt.tenant
            owner = await Tenant.get_or_none(slug=tenant) if tenant else default
            if owner is None:
                typer.echo(f"no tenant {tenant!r}", err=True)
                return 2
            definition = await get_definition(owner.id, leaderboard)
            key = board_in(definition, period).ref.period
            differences = await compare(deps, definition, key, top)
            for d in differences:
                typer.echo(f"#{d.position}: expected {d.expected}, live {d.live}")
            typer.echo(f"{leaderboard}/{key}: {len(differences)} difference(s) in the top {top}")
            return 1 if differences else 0

    raise typer.Exit(_run(main))


tenants = typer.Typer(help="Tenants (institutions): made, listed, suspended, configured.")
keys = typer.Typer(help="API keys of a tenant: made (shown once), listed, revoked.")
cli.add_typer(tenants, name="tenant")
cli.add_typer(keys, name="key")


def _in_database(work: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run ``work`` with the ORM open; a domain error is printed and exits 1."""
    from app.db import database
    from app.errors import RankedError

    async def main() -> T:
        async with database(get_settings()):
            return await work()

    try:
        return _run(main)
    except RankedError as refused:
        typer.echo(f"{refused.code}: {refused.message}", err=True)
        raise typer.Exit(1) from None


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
    slug: Annotated[str, typer.Argument(help="Its key: letters, digits, '_', '.', '-'.")],
    name: Annotated[str | None, typer.Option(help="Its name (default: the slug).")] = None,
) -> None:
    """Make a tenant, with its built-in points metric and board."""
    from app.tenancy.service import create_tenant

    async def work() -> Any:
        made = await create_tenant(slug, name)
        await _audited(slug, "tenant create", {"slug": slug, "name": name})
        return made

    _show_tenant(_in_database(work))


@tenants.command("list")
def tenant_list() -> None:
    """Every tenant: slug, status, name, settings."""
    from app.tenancy.service import list_tenants

    for tenant in _in_database(list_tenants):
        _show_tenant(tenant)


@tenants.command("suspend")
def tenant_suspend(slug: str) -> None:
    """Suspend a tenant: its keys get FORBIDDEN (within RANKED_KEY_CACHE_SECONDS); its data
    stays."""
    _set_status(slug, "SUSPENDED")


@tenants.command("activate")
def tenant_activate(slug: str) -> None:
    """Lift a suspension."""
    _set_status(slug, "ACTIVE")


def _set_status(slug: str, status: str) -> None:
    from app.tenancy.models import TenantStatus
    from app.tenancy.service import set_status

    async def work() -> Any:
        changed = await set_status(slug, TenantStatus(status))
        verb = "activate" if status == "ACTIVE" else "suspend"  # as the command is named
        await _audited(slug, f"tenant {verb}", {"slug": slug})
        return changed

    _show_tenant(_in_database(work))


@tenants.command("set")
def tenant_set(
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

    _show_tenant(_in_database(work))


@keys.command("create")
def key_create(
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
        made = await create_key(_keyring(), owner.id, name, scopes)
        await _audited(tenant, "key create", {"name": name, "scopes": sorted(scopes)})
        return made

    key, view = _in_database(work)
    typer.echo(f"key {view.id} of {tenant} ({', '.join(sorted(view.scopes))}):", err=True)
    typer.echo(key)


@keys.command("list")
def key_list(tenant: Annotated[str, typer.Option(help="The tenant's slug.")]) -> None:
    """The tenant's keys: id, name, scopes, hint, made, last used, revoked."""
    from app.tenancy.keys import list_keys
    from app.tenancy.service import get_tenant

    async def work() -> Any:
        return await list_keys((await get_tenant(tenant)).id, 10_000, None)

    for k in _in_database(work).items:
        used = f"{k.last_used_at:%Y-%m-%d %H:%M}" if k.last_used_at else "never"
        revoked = f"  revoked {k.revoked_at:%Y-%m-%d %H:%M}" if k.revoked_at else ""
        typer.echo(
            f"{k.id:>5}  {k.name:<24} {','.join(sorted(k.scopes)):<18} {k.hint}…"
            f"  made {k.created_at:%Y-%m-%d %H:%M}  used {used}{revoked}"
        )


@keys.command("revoke")
def key_revoke(
    key_id: Annotated[int, typer.Argument(help="The key's id (ranked key list).")],
    tenant: Annotated[str, typer.Option(help="The tenant's slug.")],
) -> None:
    """Revoke a key: refused within RANKED_KEY_CACHE_SECONDS everywhere."""
    from app.tenancy.keys import revoke_key
    from app.tenancy.service import get_tenant

    async def work() -> Any:
        revoked = await revoke_key(_keyring(), (await get_tenant(tenant)).id, key_id)
        await _audited(tenant, "key revoke", {"id": key_id})
        return revoked

    view = _in_database(work)
    typer.echo(f"revoked key {view.id} ({view.name})")


def _keyring() -> Any:
    from app.tenancy.keyring import KeyRing, load_pepper

    settings = get_settings()
    pepper = settings.key_pepper.get_secret_value() if settings.key_pepper else None
    return KeyRing(load_pepper(pepper, settings.data_dir), settings.key_cache_seconds)


@cli.command("export-schema")
def export_schema(
    output: Annotated[Path, typer.Option(help="Where to write the SDL.")] = SCHEMA_FILE,
    check: Annotated[bool, typer.Option(help="Fail if the file differs; write nothing.")] = False,
) -> None:
    """Write the GraphQL schema (SDL) generated from the code."""
    from app.graphql.schema import schema_sdl

    sdl = schema_sdl()
    if check:
        if not output.exists() or output.read_text() != sdl:
            typer.echo(f"{output} is out of date: run `ranked export-schema`", err=True)
            raise typer.Exit(1)
        return
    output.write_text(sdl)
    typer.echo(f"wrote {output}")


def main() -> None:
    cli()
