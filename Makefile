# The portal's front door: `make run` (the demo, nothing to install but Python 3.11) and
# `make test` (the whole suite against PostgreSQL and Redis).
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml constraints.txt | cksum | cut -d' ' -f1)

TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/pragueprocess
TEST_BROKER_URL ?= redis://127.0.0.1:6379/0
CHROMIUM ?= /usr/bin/chromium

.PHONY: install run test lint migrations-check bench load clean-demo totp lighthouse htmlcheck

$(STAMP): pyproject.toml constraints.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e ".[dev]"
	$(PY) -m pip install --quiet --no-deps pyIATI==0.4.1  # the IATI 2.03 schemas, for the tests (its pins are from 2018)
	@rm -f $(VENV)/.installed-*
	@touch $@

install: $(STAMP)

## make run: the whole portal on SQLite with a Celery worker and beat on the filesystem broker.
run: install
	@unset DATABASE_URL CELERY_BROKER_URL; export DEBUG=True; \
	$(PY) manage.py migrate --noinput -v 0 && \
	$(PY) manage.py load_action_plan && \
	$(PY) manage.py seed_demo && \
	$(PY) -m pragueprocess.devrun

## make totp: the demo secretariat's current second-factor code (the demo's SQLite database).
totp: install
	@unset DATABASE_URL; DEBUG=True $(PY) manage.py demo_totp secretariat

## make test: lint, migrations check, and every test against PostgreSQL and Redis.
test: install
	@if [ ! -x "$(CHROMIUM)" ]; then \
	  echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"; \
	  echo "!! Chromium is missing at $(CHROMIUM): the browser tests cannot run."; \
	  echo "!! Install it with:  apt-get update && apt-get install -y chromium"; \
	  echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"; \
	  exit 1; fi
	$(VENV)/bin/ruff check .
	DEBUG=True DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} CELERY_BROKER_URL=$${CELERY_BROKER_URL:-$(TEST_BROKER_URL)} \
	  $(PY) manage.py makemigrations --check --dry-run
	DEBUG=True DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} CELERY_BROKER_URL=$${CELERY_BROKER_URL:-$(TEST_BROKER_URL)} \
	  CHROMIUM=$(CHROMIUM) $(VENV)/bin/pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

## make bench: every key page at each scale under production settings (PostgreSQL), the table in
## bench/results/latest.md. Options: SCALES="1 50" REQUESTS=30 SEED=2012 EXPORT_SCALE=100 (the exports
## run at 100,000 activities, the year's compile at the largest of SCALES); BENCH_ARGS=--no-jobs.
SCALES ?= 1 50
REQUESTS ?= 30
SEED ?= 2012
EXPORT_SCALE ?= 100
bench: install
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} CELERY_BROKER_URL=$${CELERY_BROKER_URL:-$(TEST_BROKER_URL)} \
	  $(PY) -m bench.run --scales "$(SCALES)" --requests $(REQUESTS) --seed $(SEED) \
	  --export-scale $(EXPORT_SCALE) $(BENCH_ARGS)

.PHONY: bench-smoke
## make bench-smoke: the bench's own test (scale 0.1, a few requests, no load), as in make test.
bench-smoke: install
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} CELERY_BROKER_URL=$${CELERY_BROKER_URL:-$(TEST_BROKER_URL)} \
	  $(VENV)/bin/pytest tests/bench -q

## make load: gunicorn (production settings, loopback, core 0) under locust (core 1): 100 users for
## DURATION seconds, then steps of users until it breaks. Options: LOAD_SCALE=1 DURATION=60 USERS=100
## STEPS="200 400 800" STEP_DURATION=30 SPAWN_RATE=2 (sign-ins per second while ramping)
## THINK="2 6" (a person's pause between two requests, seconds) LOAD_ARGS="--output F --workers N".
LOAD_SCALE ?= 1
DURATION ?= 60
USERS ?= 100
STEPS ?= 200 400 800
STEP_DURATION ?= 30
SPAWN_RATE ?= 2
THINK ?= 2 6
load: install
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} CELERY_BROKER_URL=$${CELERY_BROKER_URL:-$(TEST_BROKER_URL)} \
	  $(PY) -m bench.load --scale $(LOAD_SCALE) --seed $(SEED) --duration $(DURATION) --users $(USERS) \
	  --steps "$(STEPS)" --step-duration $(STEP_DURATION) --spawn-rate $(SPAWN_RATE) --think "$(THINK)" \
	  $(LOAD_ARGS)

## make lighthouse: Lighthouse's four categories (performance, accessibility, best practices, SEO) for the
## key pages, against Debian's Chromium, with the portal under production settings on the bench's scale-1
## database; the table in bench/results/lighthouse.md. Lighthouse comes from the npm registry (bench/package.json).
lighthouse: install
	@test -x bench/node_modules/.bin/lighthouse || npm ci --prefix bench --no-audit --no-fund --silent
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} CELERY_BROKER_URL=$${CELERY_BROKER_URL:-$(TEST_BROKER_URL)} \
	  CHROMIUM=$(CHROMIUM) $(PY) -m bench.lighthouse $(LIGHTHOUSE_ARGS)

## make htmlcheck: the W3C (Nu) HTML checker on the key pages in English and Russian, with the portal under
## production settings on the bench's scale-1 database; the table in bench/results/htmlcheck.md, exit 1 on any
## error. The checker comes from the npm registry (bench/package.json) and needs Java (default-jre-headless).
htmlcheck: install
	@test -f bench/node_modules/vnu-jar/build/dist/vnu.jar || npm ci --prefix bench --no-audit --no-fund --silent
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} CELERY_BROKER_URL=$${CELERY_BROKER_URL:-$(TEST_BROKER_URL)} \
	  $(PY) -m bench.htmlcheck $(HTMLCHECK_ARGS)
