"""The ``ranked`` command line: serve, worker, jobs, status, migrate, seed, rebuild, verify,
archive, release, partitions, export-schema; ``ranked tenant ...`` and ``ranked key ...`` live in
``app.tenancy.cli``."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from app.settings import get_settings
from app.tenancy import cli as tenant_cli

T = TypeVar("T")

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
SCHEMA_FILE = Path("schema.graphql")
DEMO_KEY_FILE = "demo-admin-key"  # in data_dir: the key `make run` prints (mode 0600)

cli = typer.Typer(
    help="Ranked: a live leaderboard service.", no_args_is_help=True, add_completion=False
)


def _run(main: Callable[[], Coroutine[Any, Any, T]]) -> T:
    from app.ops.logs import configure_logging

    configure_logging(get_settings())
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
    from app.main import serve_options

    settings = get_settings()
    options = serve_options(settings)  # first: every process started shares its metrics dir
    host, port = host or settings.host, port or settings.port
    _refuse_exposure(host)
    if demo:
        _print_demo(host, port)
    # The embedded Redis (if any) lives in this process, for every process it starts.
    with embedded_redis(settings) as url:
        os.environ.update(REDIS_URL=url, DATABASE_URL=settings.effective_database_url)
        get_settings.cache_clear()
        jobs = subprocess.Popen([sys.executable, "-m", "app", "worker"]) if worker else None
        # uvicorn re-raises the signal that stopped it; SIGTERM's default would end this
        # process at once, leaving the job worker and the embedded Redis behind.
        signal.signal(signal.SIGTERM, _exit_on_signal)
        try:
            uvicorn.run(
                "app.main:create_app",
                factory=True,
                host=host,
                port=port,
                workers=workers,
                **options,
            )
        finally:
            if jobs is not None:
                _stop(jobs)


def _exit_on_signal(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


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
        return await demo_key(tenant_cli.keyring(), tenant.id, kept)

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
        f"The live dashboard:\n  {url.removesuffix('/graphql')}/dashboard#key={key}\n"
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
def status(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON, for machines.")] = False,
) -> None:
    """One screen: database, Redis, every tenant's boards, workers, the last job runs.
    Exit 0 when healthy, 1 when something is wrong (listed under Problems)."""
    from app.jobs.health import worker_health
    from app.ops.health import latest_migration
    from app.ops.status import gather
    from app.ops.status_screen import as_json as status_json
    from app.ops.status_screen import screen

    report = _run(lambda: gather(get_settings(), latest_migration(MIGRATIONS), worker_health))
    typer.echo(json.dumps(status_json(report), indent=2) if as_json else screen(report))
    raise typer.Exit(0 if report.healthy else 1)


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


@cli.command()
def archive(
    batch_rows: Annotated[
        int | None,
        typer.Option(help="Entries per transaction (default: RANKED_ARCHIVE_BATCH_ROWS).", min=1),
    ] = None,
) -> None:
    """Move every run past its retention to the archive now (what the worker does daily at
    03:40 UTC). Safe to interrupt and to run again: each batch is one transaction."""
    from datetime import UTC, datetime

    from app.main import running
    from app.runs.archive import archive_due_runs

    async def main() -> None:
        async with running(get_settings()) as rt:
            began = time.perf_counter()
            done = await archive_due_runs(rt.deps, datetime.now(UTC), batch_rows=batch_rows)
            took = time.perf_counter() - began
        dropped = ", ".join(done.dropped)
        dropped = f"; dropped emptied partition(s) {dropped}" if dropped else ""
        typer.echo(
            f"archived {done.runs} run(s), {done.entries} entries"
            f" in {done.batches} batch(es), {took:.3f} s{dropped}"
        )

    _run(main)


@cli.command()
def release() -> None:
    """Delete from Redis the rankings of past periods now (what the worker does hourly):
    those closed longer ago than RANKED_RELEASE_GRACE_SECONDS whose run is COMPLETE. They
    are read from the database."""
    from datetime import UTC, datetime

    from app.leaderboards.release import release_past_rankings
    from app.main import running

    async def main() -> None:
        async with running(get_settings()) as rt:
            done = await release_past_rankings(rt.deps, datetime.now(UTC))
        typer.echo(f"released {done.rankings} ranking(s), {done.keys} keys")

    _run(main)


@cli.command()
def partitions() -> None:
    """Create the snapshot tables' partitions ahead now (what the worker does hourly) and
    list them with their rows (PostgreSQL; SQLite has plain tables)."""
    from app.main import running
    from app.runs import partitions as parts

    async def main() -> None:
        async with running(get_settings()) as rt:
            done = await parts.prepare_ahead(rt.deps.settings.partition_runs)
            for name in done.created:
                typer.echo(f"created {name}")
            if done.drained:
                typer.echo(f"moved {done.drained} row(s) out of DEFAULT partitions")
            for line in await parts.describe():
                typer.echo(line)

    _run(main)


cli.add_typer(tenant_cli.tenants, name="tenant")
cli.add_typer(tenant_cli.keys, name="key")


def _in_database(work: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run ``work`` with the ORM open; a domain error is printed and exits 1."""
    return tenant_cli.in_database(_run, work)


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
    cli(obj=_run)  # how every command runs its coroutine (app.tenancy.cli's too)
