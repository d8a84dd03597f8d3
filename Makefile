# Two commands: `make run` (the portal with a worker and beat) and `make test` (the whole suite).
# Without DATABASE_URL / CELERY_BROKER_URL everything runs on embedded SQLite files under var/
# (and without CACHE_URL the cache is each process's memory).

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
export HOST PORT

.PHONY: run test faults install lint format lock bench seed-bench clean messages

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Reinstall only when the lock file changes.
$(STAMP): requirements.lock | $(PY)
	$(PY) -m pip install --quiet --require-hashes -r requirements.lock
	touch $(STAMP)

install: $(STAMP)

# The links in e-mails name the address the portal is served at (SITE_URL), unless set.
RUN_ENV = DEBUG=$${DEBUG:-1} SITE_URL=$${SITE_URL:-http://$(HOST):$(PORT)}

run: install
	$(RUN_ENV) $(PY) manage.py migrate --noinput
	$(RUN_ENV) $(PY) manage.py load_minnesota_directory
	$(RUN_ENV) $(PY) manage.py load_demo_accounts
	$(RUN_ENV) $(PY) manage.py load_demo_requests
	$(RUN_ENV) $(PY) manage.py prepare_broker
	@echo
	@echo "  Portal:  http://$(HOST):$(PORT)/   (Ctrl-C stops the web server, worker and beat)"
	@echo "  Database: $${DATABASE_URL:-SQLite file var/db.sqlite3}"
	@echo "  Broker:   $$( [ -n "$$CELERY_BROKER_URL" ] && echo "$$CELERY_BROKER_URL" | sed -E 's#//[^@]*@#//***@#' || echo 'SQLite file var/celery-broker.sqlite3')"
	@echo "  Cache:    $$( [ -n "$$CACHE_URL" ] && echo "$$CACHE_URL" | sed -E 's#//[^@]*@#//***@#' || echo 'each process'"'"'s memory')"
	@echo
	$(RUN_ENV) $(VENV)/bin/honcho -f Procfile.dev start

test: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DEBUG=1 $(PY) manage.py makemigrations --check --dry-run
	@# Production-like variables: the deploy checklist must pass with nothing silenced and only
	@# what a deployment must choose itself set (HTTPS redirect and HSTS are on by default).
	DEBUG=0 SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))') \
	  FIELD_ENCRYPTION_KEYS=$$($(PY) -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())') \
	  ALLOWED_HOSTS=portal.example.org SECURE_HSTS_PRELOAD=1 \
	  $(PY) manage.py check --deploy --fail-level WARNING
	$(PY) -m pytest $(PYTEST_ARGS)

# The fault suite (tests/faults): a Redis server of its own on a free port, a local SMTP sink
# and real Celery worker and beat processes; broker outage, worker killed mid-batch, slow,
# refusing and absent mail server, two beats. Prints sent / duplicated / lost per scenario
# (also appended to test-artifacts/faults.txt). Against DATABASE_URL, like `make test`.
faults: install
	rm -f test-artifacts/faults.txt
	FAULT_SUITE=1 $(PY) -m pytest tests/faults -m faults -q -s $(PYTEST_ARGS)

lint:
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format:
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Regenerate the lock file after editing pyproject.toml.
lock: | $(PY)
	$(PY) -m pip install --quiet pip-tools
	$(VENV)/bin/pip-compile --quiet --generate-hashes --allow-unsafe --no-emit-index-url --no-emit-find-links --extra dev \
	  --output-file requirements.lock pyproject.toml

clean:
	rm -rf var/test .pytest_cache test-artifacts

# The benchmark (bench/run.py): seeds uvisa_bench (200,004 requests) and uvisa_bench_small on the
# PostgreSQL server of DATABASE_URL when needed, runs the portal under gunicorn on 127.0.0.1 with
# 2 workers per core and drives it over HTTP; writes bench/results/latest.md. BENCH_SMALL_ONLY=1
# runs it against the small data set only (a smoke test: bench/results/smoke.md). Fails when a
# page answers with an unexpected status or its query count grows with the data.
bench: install
	$(PY) -m bench.run

# The benchmark data set in the current DATABASE_URL (idempotent; SCALE=0.01 for a small one,
# RESET=1 to regenerate). Refuses a database that holds real requests.
seed-bench: install
	DEBUG=$${DEBUG:-1} $(PY) manage.py seed_benchmark --scale $${SCALE:-1} $${RESET:+--reset}

# The translation catalogs (locale/): new and changed strings in, obsolete ones out, then the
# .mo files, which are committed so that `make run` needs no gettext. Needs Debian's gettext.
messages: install
	DEBUG=1 $(PY) manage.py makemessages -l es -l so -l hmn -l vi --no-location --no-obsolete \
		-i var -i tests -i bench -i static
	DEBUG=1 $(PY) manage.py compilemessages --ignore '.venv/*'
