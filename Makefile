# Bagage — the two commands are `make run` and `make test`; `make install` is their first step.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install install-test install-prod run serve test lint bench ci messages clean

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

$(VENV)/.installed-prod: pyproject.toml $(VENV)/.installed
	$(PY) -m pip install --quiet -e '.[prod]'
	@touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

install-prod: $(VENV)/.installed-prod

# The local demo runs with Django's debug pages and a development key; a server never does (DEBUG defaults to off).
run messages: export DEBUG ?= 1

run: install
	$(PY) manage.py ensure_database
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	@echo "Bagage: http://$(HOST):$(PORT)/  (API docs: http://$(HOST):$(PORT)/api/v1/docs)"
	$(PY) manage.py runserver $(HOST):$(PORT)

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
	exec $(VENV)/bin/gunicorn --config gunicorn.conf.py config.wsgi

test: install-test
	$(PY) -m pytest

lint: install-test
	$(VENV)/bin/ruff check .

bench: install-test
	$(PY) bench/intake.py
	$(PY) bench/labels.py

# Rebuild the French catalogue after changing translatable strings (needs GNU gettext).
messages: install
	$(PY) manage.py makemessages -l fr -l en --ignore '.venv/*' --ignore 'tests/*' --ignore 'bench/*'
	$(PY) manage.py compilemessages --ignore '.venv/*'

ci:
	bash .ci/run

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
