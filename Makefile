# The project's commands. CI runs `make test` (see .ci/run).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# Participants `make run` seeds into an empty database.
DEMO_PARTICIPANTS ?= 200

.PHONY: install run lint format schema test test-fast bench screenshots lock clean docker-check

$(STAMP): pyproject.toml requirements-dev.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements-dev.lock
	$(BIN)/python -m pip install -q --no-deps -e .
	touch $(STAMP)

install: $(STAMP)  ## create .venv and install the locked dependencies

run: install  ## migrate, seed demo data if empty, serve on HOST:PORT (default 127.0.0.1:8000) with a job worker
	$(BIN)/ranked migrate
	$(BIN)/ranked seed --participants $(DEMO_PARTICIPANTS) --if-empty
	$(BIN)/ranked serve --worker --demo

lint: install  ## ruff, ruff format, mypy, the import contracts (pyproject.toml)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy app
	PYTHONPATH=. $(BIN)/lint-imports

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

schema: install  ## regenerate schema.graphql from the code
	$(BIN)/ranked export-schema

test: lint  ## the whole suite against PostgreSQL and Redis (DATABASE_URL / REDIS_URL)
	tools/ensure-debian-package chromium /usr/bin/chromium
	$(BIN)/pytest -q

test-fast: install  ## the suite without tests marked slow
	$(BIN)/pytest -q -m "not slow"

bench: install  ## benchmarks; prints a table and writes bench/results/*.json
	tools/ensure-debian-package wrk wrk
	$(BIN)/python -m bench.run
	$(BIN)/python -m bench.hot
	$(BIN)/python -m bench.dashboard

screenshots: install  ## retake docs/dashboard-*.png from a served demo (`make run` in another terminal)
	$(BIN)/python tools/dashboard-screenshots docs

docker-check: install  ## docker/ offline: compose.yaml against tools/compose-spec.json, hadolint on the Dockerfile
	$(BIN)/pytest -q tests/docker

lock: install  ## re-resolve requirements.lock (runtime) and requirements-dev.lock (+ dev tools)
	$(BIN)/python -m pip install -q uv
	$(BIN)/uv pip compile -q pyproject.toml -o requirements.lock --python-version 3.11
	$(BIN)/uv pip compile -q pyproject.toml --extra dev -o requirements-dev.lock --python-version 3.11

clean:
	rm -rf $(VENV) .ranked .pytest_cache .mypy_cache .ruff_cache
