# fazhi: the two commands a new user needs are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# pytest-xdist workers: one per core by default (`make test TEST_WORKERS=0` runs in one process).
# `--dist load` hands tests out in collection order, which pytest-django sorts so that each
# worker runs the transactional tests (which empty the database) after the others.
TEST_WORKERS ?= auto
PYTEST := $(BIN)/pytest -q -n $(TEST_WORKERS) --dist load

.PHONY: run test test-postgres test-browser lint format bench system-deps clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

## run: install, migrate SQLite under var/, load demo data if empty, serve http://127.0.0.1:8000
run: $(STAMP)
	$(BIN)/fazhi run

## system-deps: Debian packages the tests need (Chromium for the browser tests)
system-deps:
	bash scripts/system-deps.sh

## test: the whole suite on SQLite, browser tests included (installs what it needs first)
test: $(STAMP) system-deps
	$(BIN)/ruff check .
	$(BIN)/python manage.py makemigrations --check --dry-run -v0
	$(PYTEST)

## test-postgres: on PostgreSQL (DATABASE_URL must point at it), every test that touches the
## database, browser tests included; the rest (the review engine on texts, the deployment
## files, the bundle) does not depend on the database and ran in `make test`
test-postgres: $(STAMP) system-deps
	$(PYTEST) --database-tests-only

## test-browser: only the browser tests
test-browser: $(STAMP) system-deps
	$(PYTEST) -m browser

## deploy-check: only the deployment files' tests (nginx -t, systemd-analyze, gunicorn and nginx serving fazhi)
.PHONY: deploy-check
deploy-check: $(STAMP) system-deps
	$(PYTEST) tests/deploy

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## bench: the benchmark suite; writes bench/results.json
bench: $(STAMP)
	$(BIN)/python bench/run.py

## bench-county: the suite on DATABASE_URL's data (a county-scale database: `fazhi demo --scale county` first); docs/BENCH.md
.PHONY: bench-county load
bench-county: $(STAMP)
	$(BIN)/python bench/run.py --use-db

## load: locust against gunicorn over PostgreSQL (DATABASE_URL must point at it, with demo data); writes bench/load-results.md
load: $(STAMP)
	$(BIN)/python bench/load.py

## bundle: dist/fazhi-<version>-offline.tar.gz, installable with no network (needs the package index to build; docs/DEPLOY.md)
.PHONY: bundle
bundle: $(STAMP)
	$(BIN)/python scripts/build_bundle.py --out dist

clean:
	rm -rf var/fazhi.sqlite3* var/media var/static
