#!/usr/bin/env bash
# Run the whole suite against a throwaway PostgreSQL 15 cluster, removed afterwards.
# Unit tests need no database (pytest-django refuses them one); integration and browser tests
# run on PostgreSQL. One pytest run, so its closing line counts every test.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== import contracts (pure modules must not import Django)"
.venv/bin/lint-imports | tail -n 1
pgdir=$(bash scripts/pg-throwaway.sh start)
trap 'bash scripts/pg-throwaway.sh stop "$pgdir"' EXIT
export JIUZHU_DB_HOST="$pgdir" JIUZHU_DB_NAME=postgres JIUZHU_DB_USER=jiuzhu
export DJANGO_SETTINGS_MODULE=config.settings.test
echo "== tests: unit, integration and browser (PostgreSQL at $pgdir)"
.venv/bin/python -m pytest tests -q -p no:cacheprovider "$@"
