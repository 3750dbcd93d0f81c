# Set-up and everyday commands. `make run` and `make test` do all set-up on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test install lint bench bench-case bench-loop bench-statistics bench-calendar bench-lists bench-timers bench-load clean translations

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
# The English catalog translates the engine's Chinese messages only; it is written by hand (the UI's msgids are English).
EN_CATALOG := webapp/translations/en/LC_MESSAGES/messages
$(CATALOG).mo: $(CATALOG).po $(EN_CATALOG).po $(STAMP)
	$(BIN)/pybabel compile --use-fuzzy -d webapp/translations

# After changing user-facing text: pull new messages into the catalog, translate them, commit the .po.
translations: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k lazy_gettext -o webapp/translations/messages.pot .
	$(BIN)/pybabel update -i webapp/translations/messages.pot -d webapp/translations -l zh --no-fuzzy-matching
	rm webapp/translations/messages.pot
	$(BIN)/pybabel compile -d webapp/translations

install: $(STAMP) $(NPM_STAMP) $(CATALOG).mo

# `make run PORT=5001 HOST=0.0.0.0` serves elsewhere (beyond the loopback only once the demo passwords are changed).
HOST ?= 127.0.0.1
PORT ?= 5000

# The pages and documents are Chinese: without a CJK font a browser on this machine shows boxes, so run says so.
run: install
	@command -v fc-list >/dev/null && [ -z "$$(fc-list :lang=zh family 2>/dev/null)" ] && \
		echo "No Chinese font found: install fonts-noto-cjk (apt-get install fonts-noto-cjk) for legible pages and PDFs." || true
	$(BIN)/rcjc init --demo
	$(BIN)/rcjc serve --host $(HOST) --port $(PORT)

test: install
	$(BIN)/ruff check .
	$(BIN)/mypy engine webapp
	$(BIN)/pytest -q

# Every figure the benchmarks print, one after the other (with DATABASE_URL=postgresql://... also on PostgreSQL):
# one case raw vs rcjc, the lists over 100,000 seeded cases, a looping task, timer workers, working-day arithmetic.
bench: $(STAMP)
	$(BIN)/python -m bench
	$(BIN)/python -m bench.lists
	$(BIN)/python -m bench.loop
	$(BIN)/python -m bench.timers
	$(BIN)/python -m bench.calendar

# The 12-step case alone: raw SpiffWorkflow against rcjc's services.
bench-case: $(STAMP)
	$(BIN)/python -m bench

# Completing a looping task 200 times through HTTP: the last rounds against the first, SQLite against PostgreSQL.
bench-loop: $(STAMP)
	$(BIN)/python -m bench.loop

# GET /api/v1/statistics over 100,000 seeded cases (SQLite; DATABASE_URL=postgresql://... for a schema of its own there).
bench-statistics: $(STAMP)
	$(BIN)/python -m bench.statistics

bench-calendar: $(STAMP)
	$(BIN)/python -m bench.calendar

bench-lists: $(STAMP)
	$(BIN)/python -m bench.lists

# 3 `rcjc worker` processes firing 3,000 due timers, then one of them SIGKILLed midway; exactly once checked
# (SQLite; DATABASE_URL=postgresql://... for a schema of its own there). `make bench-timers ARGS="--cases 10000"`.
bench-timers: $(STAMP)
	$(BIN)/python -m bench.timers $(ARGS)

bench-load: $(STAMP)
	$(BIN)/pip install --quiet -e '.[dev,bench]'
	$(BIN)/python -m bench.load

clean:
	rm -rf $(VENV) node_modules instance .pytest_cache .mypy_cache .ruff_cache
