# Compendium: `make run` serves the seeded guide on SQLite; `make test` runs every test.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
HOST    ?= 127.0.0.1
PORT    ?= 8000
PYTEST_ARGS ?=

.PHONY: run install migrate seed test test-pg lint bench soak clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

migrate: $(STAMP)
	$(BIN)/compendium db upgrade

seed: migrate
	$(BIN)/compendium seed

run: seed
	$(BIN)/compendium serve --host $(HOST) --port $(PORT)

test: $(STAMP)
	$(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)

test-pg: $(STAMP)
	COMPENDIUM_TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test \
		$(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check app tests bench
	$(BIN)/mypy

bench: $(STAMP)
	@command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }  # the load generator
	$(BIN)/python -m bench

soak: $(STAMP)
	$(BIN)/python -m bench.soak

clean:
	rm -rf $(VENV) compendium.db compendium.db-wal compendium.db-shm compendium.db.writer .pytest_cache .mypy_cache
