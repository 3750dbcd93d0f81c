# Set-up and everyday commands. `make run` and `make test` do all set-up on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test install lint bench bench-statistics bench-calendar bench-lists bench-load clean translations

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

NPM_STAMP := node_modules/.installed

# The libraries ship built files: no install script of any dependency runs (some only report telemetry),
# and the telemetry switches are off for anything that still looks at them.
NPM_ENV := SCARF_ANALYTICS=false DO_NOT_TRACK=1 IBM_TELEMETRY_DISABLED=true

$(NPM_STAMP): package.json package-lock.json .npmrc
	$(NPM_ENV) npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $(NPM_STAMP)

CATALOG := webapp/translations/zh/LC_MESSAGES/messages
$(CATALOG).mo: $(CATALOG).po $(STAMP)
	$(BIN)/pybabel compile --use-fuzzy -d webapp/translations

# After changing user-facing text: pull new messages into the catalog, translate them, commit the .po.
translations: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k lazy_gettext -o webapp/translations/messages.pot .
	$(BIN)/pybabel update -i webapp/translations/messages.pot -d webapp/translations --no-fuzzy-matching
	rm webapp/translations/messages.pot
	$(BIN)/pybabel compile -d webapp/translations

install: $(STAMP) $(NPM_STAMP) $(CATALOG).mo

# `make run PORT=5001 HOST=0.0.0.0` serves elsewhere (beyond the loopback only once the demo passwords are changed).
HOST ?= 127.0.0.1
PORT ?= 5000

run: install
	$(BIN)/rcjc init --demo
	$(BIN)/rcjc serve --host $(HOST) --port $(PORT)

test: install
	$(BIN)/ruff check .
	$(BIN)/mypy engine webapp
	$(BIN)/pytest -q

bench: $(STAMP)
	$(BIN)/python -m bench

# GET /api/v1/statistics over 100,000 seeded cases (SQLite; DATABASE_URL=postgresql://... for a schema of its own there).
bench-statistics: $(STAMP)
	$(BIN)/python -m bench.statistics

bench-calendar: $(STAMP)
	$(BIN)/python -m bench.calendar

bench-lists: $(STAMP)
	$(BIN)/python -m bench.lists

bench-load: $(STAMP)
	$(BIN)/pip install --quiet -e '.[dev,bench]'
	$(BIN)/python -m bench.load

clean:
	rm -rf $(VENV) node_modules instance .pytest_cache .mypy_cache .ruff_cache
