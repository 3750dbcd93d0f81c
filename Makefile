# Set-up and everyday commands. `make run` and `make test` do all set-up on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test install lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

NPM_STAMP := node_modules/.installed

$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $(NPM_STAMP)

install: $(STAMP) $(NPM_STAMP)

run: $(STAMP) $(NPM_STAMP)
	$(BIN)/rcjc init --demo
	$(BIN)/rcjc serve --host 127.0.0.1 --port 5000

test: $(STAMP) $(NPM_STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy engine
	$(BIN)/pytest -q

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) node_modules instance .pytest_cache .mypy_cache .ruff_cache
