#!/usr/bin/env bash
# Run the whole suite against a throwaway PostgreSQL 15 cluster, removed afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
pgdir=$(bash scripts/pg-throwaway.sh start)
trap 'bash scripts/pg-throwaway.sh stop "$pgdir"' EXIT
export JIUZHU_DB_HOST="$pgdir" JIUZHU_DB_NAME=postgres JIUZHU_DB_USER=jiuzhu
export DJANGO_SETTINGS_MODULE=config.settings.test
echo "== unit tests (no database)"
.venv/bin/python -m pytest tests/unit -q -p no:cacheprovider
echo "== integration and browser tests (PostgreSQL at $pgdir)"
.venv/bin/python -m pytest tests/integration tests/browser -q -p no:cacheprovider "$@"
echo "== import contracts"
.venv/bin/lint-imports
