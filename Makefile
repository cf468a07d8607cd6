# filet: the two commands are `make demo` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
ASSETS := src/filet/web/static/vendor/htmx.min.js
export FILET_DATA_DIR ?= var
DEMO_TRAVELLERS ?= 20000

.PHONY: demo test install assets browser serve lint typecheck i18n clean

demo: install assets ## set up everything, load the demo scenario, serve on http://127.0.0.1:8000
	$(BIN)/filet demo --credentials $(FILET_DATA_DIR)/demo-users.txt --travellers $(DEMO_TRAVELLERS)
	$(BIN)/filet serve

test: install assets browser ## the whole suite (SQLite; PostgreSQL too when FILET_TEST_DATABASE_URL is set)
	$(BIN)/python -m pytest -n 2 --dist loadfile $(PYTEST_ARGS)

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,spark]'
	touch $(STAMP)

assets: $(ASSETS)

$(ASSETS): package.json package-lock.json tools/vendor_assets.py
	npm ci --no-audit --no-fund
	$(BIN)/python tools/vendor_assets.py

browser: ## Debian's Chromium for the browser tests (Playwright drives it; no browser download)
	@command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

serve: install assets
	$(BIN)/filet serve

lint: install
	$(BIN)/ruff check src tests benchmarks tools
	$(BIN)/ruff format --check src tests benchmarks tools

typecheck: install
	$(BIN)/mypy

i18n: install ## refresh message catalogues after changing UI strings
	$(BIN)/python tools/extract_messages.py

clean:
	rm -rf $(VENV) node_modules src/filet/web/static/vendor var
