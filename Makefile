# supervisor-event-store: `make demo` and `make test` install what is missing, start the
# project-local PostgreSQL cluster (.pgdata/, unless DATABASE_URL or PG* point elsewhere),
# deploy the Sqitch plan and run.

SHELL        := /bin/bash
.SHELLFLAGS  := -eu -o pipefail -c
PYTHON       ?= python3
VENV         := .venv
PY           := $(VENV)/bin/python
# The cluster module is standard library only: it runs before the venv exists (and stops the
# cluster even when the venv is broken); `$(CLUSTER) ACTION` is `event-store db ACTION`.
CLUSTER      := $(PYTHON) python/src/supervisor_event_store/cluster.py
TEST_DB      ?= event_store_test
# e.g. PYTEST_ARGS='-n auto --dist loadgroup': pytest-xdist, one worker per core (README, Development)
PYTEST_ARGS  ?=
DUMP_SCHEMA  := bash tests/dump_schema.sh

.PHONY: help deps venv db db-stop db-status demo structure test test-sqitch test-pgtap test-python lint bench bench-write bench-read bench-python bench-scale-out clean

help:
	@echo "make demo     - install what is missing, start the local cluster, deploy, run the demo"
	@echo "make test     - Sqitch round trip, pgTAP (pg_prove), ruff, mypy, pytest"
	@echo "make bench    - benchmarks (results go to docs/benchmarks.md by hand)"
	@echo "make db       - start the local cluster and deploy;  make db-stop - stop it"

# Debian packages: installed only when something is missing (sudo when not root).
deps:
	@missing=""; \
	command -v sqitch >/dev/null || missing="$$missing sqitch"; \
	command -v pg_prove >/dev/null || missing="$$missing libtap-parser-sourcehandler-pgtap-perl"; \
	[ -n "$$(ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null)" ] || missing="$$missing postgresql-15"; \
	ls /usr/share/postgresql/*/extension/pgtap.control >/dev/null 2>&1 || missing="$$missing postgresql-15-pgtap"; \
	ls /usr/lib/postgresql/*/lib/pg_cron.so >/dev/null 2>&1 || missing="$$missing postgresql-15-cron"; \
	ls /usr/share/postgresql/*/extension/plproxy.control >/dev/null 2>&1 || missing="$$missing postgresql-15-plproxy"; \
	command -v pgbench >/dev/null || missing="$$missing postgresql-contrib"; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  sudo=""; [ "$$(id -u)" = 0 ] || sudo="sudo"; \
	  $$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq $$missing >/dev/null; \
	fi

venv: $(VENV)/.installed

$(VENV)/.installed: python/pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e './python[dev]'
	@touch $@

db: deps venv
	@$(CLUSTER) up >/dev/null
	@echo "database ready: $$($(CLUSTER) url)"

db-stop:
	@$(CLUSTER) down

db-status:
	@$(CLUSTER) status

demo: db
	@$(VENV)/bin/event-store demo

test: deps venv test-sqitch test-pgtap lint test-python

# Sqitch round trip on a scratch database: deploy to each release tag, upgrade to the head,
# verify, revert to @v0.3.0 (the schema must equal the one deployed there: reworks and moved
# helpers restore their previous bodies), revert everything, deploy again. Leaves the test
# database deployed for pg_prove.
test-sqitch: db
	@dsn=$$($(CLUSTER) createdb $(TEST_DB) --recreate); t="db:$$dsn"; \
	[[ "$$dsn" == *"://"* ]] || t="db:pg:$(TEST_DB)"; \
	dumps=$$(mktemp -d); trap 'rm -rf "$$dumps"' EXIT; \
	set -x; \
	sqitch deploy --verify --to @v0.1.0 "$$t"; \
	psql -X -q -d "$$dsn" -v tag=v0.1.0 -f tests/upgrade/emit.sql >/dev/null; \
	sqitch deploy --verify --to @v0.2.0 "$$t"; \
	psql -X -q -d "$$dsn" -v tag=v0.2.0 -f tests/upgrade/emit.sql >/dev/null; \
	sqitch deploy --verify --to @v0.3.0 "$$t"; \
	$(DUMP_SCHEMA) "$$dsn" > $$dumps/structure-v0.3.0.sql; \
	psql -X -q -d "$$dsn" -v tag=v0.3.0 -f tests/upgrade/emit.sql >/dev/null; \
	sqitch deploy --verify --to @v0.4.0 "$$t"; \
	psql -X -q -d "$$dsn" -v tag=v0.4.0 -f tests/upgrade/emit.sql >/dev/null; \
	sqitch deploy --verify --to @v0.5.0 "$$t"; \
	psql -X -q -d "$$dsn" -v tag=v0.5.0 -f tests/upgrade/emit.sql >/dev/null; \
	sqitch deploy --verify --to @v0.6.0 "$$t"; \
	psql -X -q -d "$$dsn" -v tag=v0.6.0 -f tests/upgrade/emit.sql >/dev/null; \
	sqitch deploy --verify --to @v0.7.0 "$$t"; \
	psql -X -q -d "$$dsn" -v tag=v0.7.0 -f tests/upgrade/emit.sql >/dev/null; \
	sqitch deploy --verify "$$t"; \
	psql -X -q -d "$$dsn" -f tests/upgrade/check.sql; \
	$(DUMP_SCHEMA) "$$dsn" > $$dumps/structure-upgraded.sql; \
	sqitch verify "$$t"; \
	sqitch revert -y --to @v0.3.0 "$$t"; \
	$(DUMP_SCHEMA) "$$dsn" > $$dumps/structure-reverted-v0.3.0.sql; \
	sqitch revert -y "$$t"; \
	sqitch deploy --verify "$$t"; \
	$(DUMP_SCHEMA) "$$dsn" > $$dumps/structure-fresh.sql; \
	set +x; \
	for kind in fresh upgraded; do \
	  diff -u sql/structure.sql $$dumps/structure-$$kind.sql >&2 || { \
	    echo "the $$kind deploy differs from sql/structure.sql: review the diff above, then 'make structure'" >&2; exit 1; }; \
	done; \
	diff -u $$dumps/structure-v0.3.0.sql $$dumps/structure-reverted-v0.3.0.sql >&2 || { \
	  echo "reverting to @v0.3.0 does not restore the schema deployed at @v0.3.0 (diff above)" >&2; exit 1; }

# sql/structure.sql: the schema as deployed now (pg_dump, normalised). make test fails when a fresh
# deploy or an upgrade from the first tag differs from it; regenerate it with this target.
structure: db
	@dsn=$$($(CLUSTER) createdb $(TEST_DB) --recreate); t="db:$$dsn"; \
	[[ "$$dsn" == *"://"* ]] || t="db:pg:$(TEST_DB)"; \
	sqitch --quiet deploy "$$t" && $(DUMP_SCHEMA) "$$dsn" > sql/structure.sql && echo "wrote sql/structure.sql"

test-pgtap: test-sqitch
	@dsn=$$($(CLUSTER) url --db $(TEST_DB)); \
	psql -X -q -v ON_ERROR_STOP=1 -d "$$dsn" -c 'CREATE EXTENSION IF NOT EXISTS pgtap' ; \
	pg_prove --failures --dbname "$$dsn" tests/pgtap/*.sql

lint: venv
	$(VENV)/bin/ruff check python tests/python
	$(VENV)/bin/ruff check tests/bench
	$(VENV)/bin/mypy --strict --config-file python/pyproject.toml python/src

test-python: db
	$(VENV)/bin/pytest -q $(PYTEST_ARGS) tests/python

bench: bench-write bench-read bench-python bench-scale-out

# emit_event against a bare INSERT, against the v0.3.0 write path and against message-db (one
# interleaved run each); then the fleet projection under the write load and emit_events batches.
bench-write: db
	bash tests/bench/write_bench.sh
	bash tests/bench/write_compare.sh
	bash tests/bench/messagedb_compare.sh
	bash tests/bench/projector_bench.sh

bench-read: db
	$(PY) tests/bench/read_bench.py

bench-python: db
	$(PY) tests/bench/python_bench.py

# Issue 13: the proxy's cost per emit (1 client) and 1 against 2 shards (16 clients), on a topology
# of 2 shards + proxy the script starts in a temporary folder and removes (not the local cluster).
bench-scale-out: deps venv
	bash tests/bench/scale_out_bench.sh

clean: db-stop
	rm -rf .pgdata $(VENV)
