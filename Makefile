# 安全生产治本攻坚 — developer entry points. The two that matter: `make run` and `make test`.
#
#   make run    venv + install + migrate + seed_demo on PostgreSQL, then serve http://127.0.0.1:8000
#   make test   the whole pytest suite on PostgreSQL; ARGS="-k foo"

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3.11
PORT ?= 8000
ARGS ?=
# The PostgreSQL database `make test` (when 127.0.0.1:5432 answers) and `make bench` use if
# DATABASE_URL is unset; pytest-django creates and drops test_anquan next to it.
LOCAL_PG_URL := postgres://postgres@127.0.0.1:5432/anquan
CHROMIUM_PATH ?= /usr/bin/chromium

VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
# Reinstall only when the pinned dependencies change.
INSTALLED := $(VENV)/.installed

.PHONY: help install run test lint format migrations-check worker beat bench clean

help:
	@echo "make run               demo on http://127.0.0.1:$(PORT) (PostgreSQL: DATABASE_URL or 127.0.0.1:5432)"
	@echo "make test [ARGS=...]   whole test suite on PostgreSQL"
	@echo "make lint | format     ruff check + format check | apply ruff fixes and formatting"
	@echo "make migrations-check  fail if a model change lacks a migration"
	@echo "make worker | beat     Celery worker | beat (broker: CELERY_BROKER_URL, default local Redis)"
	@echo "make bench             benchmarks on PostgreSQL; rewrites BENCHMARKS.md"
	@echo "make install           create .venv and install pinned dependencies"
	@echo "make clean             remove generated files (keeps .venv and the database)"

$(PY):
	$(PYTHON) -m venv $(VENV)

$(INSTALLED): pyproject.toml | $(PY)
	$(PY) -m pip install ".[dev]"
	@# pip builds the (code-less) project in the checkout; drop what the build leaves behind.
	rm -rf build anquan_zhiben.egg-info
	touch $@

install: $(INSTALLED)

# The demo and the suite need PostgreSQL: the rollups are built in PostgreSQL's SQL and the
# risk register uses its array columns. Without DATABASE_URL, the local server is used.
define use_postgres
	if [ -n "$${DATABASE_URL:-}" ]; then \
	  echo "make $@: database from DATABASE_URL ($${DATABASE_URL%%:*})"; \
	elif $(PY) -c 'import socket; socket.create_connection(("127.0.0.1", 5432), timeout=1).close()' 2>/dev/null; then \
	  export DATABASE_URL=$(LOCAL_PG_URL); \
	  echo "make $@: PostgreSQL at 127.0.0.1:5432 ($(LOCAL_PG_URL))"; \
	else \
	  echo "make $@: needs PostgreSQL: set DATABASE_URL=postgres://… or start PostgreSQL on 127.0.0.1:5432." >&2; \
	  exit 1; \
	fi
endef

run: $(INSTALLED)
	@$(use_postgres); \
	$(PY) -c 'import environ, psycopg2; from psycopg2 import sql; \
	url = environ.Env.db_url_config(__import__("os").environ["DATABASE_URL"]); \
	c = psycopg2.connect(dbname="postgres", user=url["USER"], password=url["PASSWORD"], host=url["HOST"] or None, port=url["PORT"] or None); \
	c.autocommit = True; cur = c.cursor(); \
	cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [url["NAME"]]); \
	cur.fetchone() or cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(url["NAME"])))'; \
	$(MANAGE) migrate --noinput && $(MANAGE) seed_demo && $(MANAGE) runserver 127.0.0.1:$(PORT)

test: $(INSTALLED)
	@$(use_postgres); \
	markers=(); \
	if [ ! -x "$(CHROMIUM_PATH)" ]; then \
	  echo "make test: NOTICE: $(CHROMIUM_PATH) not found: browser tests skipped (-m 'not browser')."; \
	  markers=(-m "not browser"); \
	fi; \
	$(PY) -m pytest "$${markers[@]}" $(ARGS)

lint: $(INSTALLED)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(INSTALLED)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

migrations-check: $(INSTALLED)
	$(MANAGE) makemigrations --check --dry-run

# A worker and beat only make sense with a broker (without one, tasks run eagerly in-process).
worker beat: export CELERY_BROKER_URL ?= redis://127.0.0.1:6379/0

worker: $(INSTALLED)
	$(VENV)/bin/celery -A config worker --loglevel=INFO

beat: $(INSTALLED)
	$(VENV)/bin/celery -A config beat --loglevel=INFO \
	  --scheduler django_celery_beat.schedulers:DatabaseScheduler

# The benchmarks measure PostgreSQL; each builds and drops its own database next to this one.
bench: export DATABASE_URL ?= $(LOCAL_PG_URL)

bench: $(INSTALLED)
	$(PY) bench/run.py

clean:
	rm -rf test-results staticfiles build anquan_zhiben.egg-info .ruff_cache
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -exec rm -rf {} +
