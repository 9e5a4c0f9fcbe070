# Bagage — the two commands are `make run` and `make test`; `make install` is their first step.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install install-test run test lint bench ci messages clean

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

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

# The local demo runs with Django's debug pages and a development key; a server never does (DEBUG defaults to off).
run messages: export DEBUG ?= 1

run: install
	$(PY) manage.py ensure_database
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	@echo "Bagage: http://$(HOST):$(PORT)/  (API docs: http://$(HOST):$(PORT)/api/v1/docs)"
	$(PY) manage.py runserver $(HOST):$(PORT)

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
