# Bagage — the two commands are `make run` and `make test`; `make install` is their first step.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install install-test install-prod install-bench run serve test test-fast lint bench bench-quick ci messages clean

$(VENV)/bin/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Bagage needs Python >= 3.11; set PYTHON=python3.11 or newer.")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# The stamps make the second run fast: pip runs again only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $@

$(VENV)/.installed-bench: pyproject.toml $(VENV)/.installed
	$(PY) -m pip install --quiet -e '.[bench]'
	@touch $@

$(VENV)/.installed-prod: pyproject.toml $(VENV)/.installed
	$(PY) -m pip install --quiet -e '.[prod]'
	@touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

install-prod: $(VENV)/.installed-prod

install-bench: $(VENV)/.installed-bench

# The local demo runs with Django's debug pages and a development key; a server never does (DEBUG defaults to off).
run messages: export DEBUG ?= 1

run: install
	$(PY) manage.py ensure_database
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	@echo "Bagage: http://$(HOST):$(PORT)/  (API docs: http://$(HOST):$(PORT)/api/v1/docs)"
	@echo "Messages: a worker sends them (e-mails and SMS printed here: EMAIL_URL=console: SMS_URL=console:)."
	@EMAIL_URL=$${EMAIL_URL:-console:} SMS_URL=$${SMS_URL:-console:} $(PY) manage.py db_worker --interval 2 & \
	worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	EMAIL_URL=$${EMAIL_URL:-console:} SMS_URL=$${SMS_URL:-console:} $(PY) manage.py runserver $(HOST):$(PORT)

# Production: PostgreSQL, DEBUG off, gunicorn with several workers (gunicorn.conf.py; BAGAGE_BIND, BAGAGE_WORKERS),
# static files served by WhiteNoise. See the README's "Deploying on PostgreSQL (production)".
serve:
	@test -n "$$DATABASE_URL" || { echo "make serve: set DATABASE_URL, e.g. DATABASE_URL=postgres://bagage:PASSWORD@127.0.0.1:5432/bagage (production runs on PostgreSQL)." >&2; exit 1; }
	@case "$$DATABASE_URL" in postgres://*|postgresql://*) ;; *) echo "make serve: DATABASE_URL must be a postgres:// URL; SQLite is for 'make run' only." >&2; exit 1;; esac
	@test -n "$$SECRET_KEY" || { echo "make serve: set SECRET_KEY to a long random secret, e.g. SECRET_KEY=\$$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')." >&2; exit 1; }
	@test -n "$$BAGAGE_PUBLIC_URL" || { echo "make serve: set BAGAGE_PUBLIC_URL to the address people reach Bagage at, e.g. BAGAGE_PUBLIC_URL=https://bagage.example.org (links in e-mails, receipts and labels use it)." >&2; exit 1; }
	@case "$$DEBUG" in 1|true|yes|on|True|TRUE) echo "make serve: unset DEBUG; a server never runs with Django's debug pages." >&2; exit 1;; esac
	$(MAKE) --no-print-directory install-prod
	$(PY) manage.py ensure_database
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput --verbosity 0
	@echo "make serve: messages are sent by worker processes beside gunicorn; run at least one, e.g. under systemd:"
	@echo "    $(PY) manage.py db_worker --no-reload   (same environment: DATABASE_URL, EMAIL_URL, SMS_URL)"
	@echo "and 'manage.py expire_holds' every few minutes (holds, no-shows, SMS reminders). See the README."
	exec $(VENV)/bin/gunicorn --config gunicorn.conf.py config.wsgi

# The whole suite, browser tests included, on every core (pytest-xdist: one database per worker).
test: install-test
	$(PY) -m pytest -n auto

# Everything but the browser tests, on every core (pytest-xdist): the quick check before a commit.
test-fast: install-test
	$(PY) -m pytest -m "not browser" -n auto

# Style, format, the layers of shared/STYLE.md (import-linter, pyproject.toml) and no model change without its migration.
lint: install-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(PY) manage.py makemigrations --check --dry-run --settings=config.settings_test
	DEBUG=1 $(PY) manage.py check_messages

# Every benchmark in bench/ (they print figures; none is pass/fail). `make bench-quick` runs each with --quick, a few
# seconds apiece, to check that they all still work. bench/load.py needs PostgreSQL (BENCH_POSTGRES_URL,
# default postgres://postgres@127.0.0.1:5432/postgres) and the bench extras (locust); bench/reports.py also runs on
# PostgreSQL when DATABASE_URL is set.
BENCH_ARGS ?=
bench: install-test install-bench
	$(PY) bench/intake.py $(BENCH_ARGS)
	$(PY) bench/labels.py $(BENCH_ARGS)
	$(PY) bench/receipts.py $(BENCH_ARGS)
	$(PY) bench/exports.py $(BENCH_ARGS)
	$(PY) bench/distribution.py $(BENCH_ARGS)
	$(PY) bench/matching_solver.py $(BENCH_ARGS)
	$(PY) bench/matching.py $(BENCH_ARGS)
	$(PY) bench/reports.py $(BENCH_ARGS)
	$(PY) bench/load.py $(BENCH_ARGS)
	$(PY) bench/load.py --scale $(BENCH_ARGS)

bench-quick:
	$(MAKE) --no-print-directory bench BENCH_ARGS=--quick

# Rebuild the French catalogue after changing translatable strings (needs GNU gettext: apt-get install gettext).
# The folders left out are ops/catalogue.py's IGNORED; `make messages` then lists what is left to translate
# (untranslated or fuzzy entries of locale/fr/LC_MESSAGES/django.po): translate them, remove the `#, fuzzy` flags,
# and run `make messages` again until it says the catalogue is complete (tests/ops/test_catalogue.py checks it).
MESSAGES_IGNORE := $(foreach d,.venv .git var staticfiles test-artifacts tests bench node_modules .pytest_cache,--ignore '$(d)/*')
messages: install
	$(PY) manage.py makemessages -l fr --no-obsolete $(MESSAGES_IGNORE)
	$(PY) manage.py compilemessages -l fr --ignore '.venv/*'
	$(PY) manage.py check_messages

ci:
	bash .ci/run

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
