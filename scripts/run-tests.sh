#!/usr/bin/env bash
# Run the whole suite against a throwaway PostgreSQL 15 cluster, removed afterwards.
# Unit tests need no database (pytest-django refuses them one); integration and browser tests
# run on PostgreSQL. One pytest run, so its closing line counts every test.
#   scripts/run-tests.sh                      everything: lint, import contracts, all tests
#   scripts/run-tests.sh tests/integration/x  only those tests (no lint), on a throwaway cluster
set -euo pipefail
cd "$(dirname "$0")/.."
targets=(tests)
if [ $# -gt 0 ] && [ -e "${1%%::*}" ]; then
  targets=()   # the caller named what to run
else
  echo "== ruff: lint and format"
  .venv/bin/ruff check --quiet .
  .venv/bin/ruff format --check --quiet .
fi
echo "== import contracts (layers, no cycles, pure modules)"
.venv/bin/lint-imports | tail -n 1
pgdir=$(bash scripts/pg-throwaway.sh start)
trap 'bash scripts/pg-throwaway.sh stop "$pgdir"' EXIT
export JIUZHU_DB_HOST="$pgdir" JIUZHU_DB_NAME=postgres JIUZHU_DB_USER=jiuzhu
export DJANGO_SETTINGS_MODULE=config.settings.test
echo "== tests: unit, integration and browser (PostgreSQL at $pgdir)"
.venv/bin/python -m pytest "${targets[@]}" -q -p no:cacheprovider "$@"
