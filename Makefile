# Jiuzhu — the two commands a new user needs:
#   make demo   install everything, build the demo county (SQLite) and serve http://127.0.0.1:8000
#   make test   install test needs (chromium, CJK fonts), start a throwaway PostgreSQL 15, run all tests
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
HOUSEHOLDS ?= 20000
PORT ?= 8000

.PHONY: setup demo serve test test-unit bench lint clean-demo

setup:
	@command -v uv >/dev/null 2>&1 || python3 -m pip install --quiet uv
	uv sync --frozen
	npm ci --no-audit --no-fund --loglevel=error

demo: setup
	$(VENV)/bin/jiuzhu demo --households $(HOUSEHOLDS) --port $(PORT)

serve:
	$(VENV)/bin/jiuzhu serve --port $(PORT)

test: setup
	uv sync --frozen --extra spark
	bash scripts/test-deps.sh
	bash scripts/run-tests.sh

test-unit: setup
	$(PY) -m pytest tests/unit -q

bench: setup
	bash benchmarks/run.sh

lint:
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

clean-demo:
	rm -rf var/
