#!/usr/bin/env bash
# Benchmarks on a throwaway PostgreSQL 15: `bash benchmarks/run.sh [HOUSEHOLDS]` (default 1,000,000),
# or `bash benchmarks/run.sh crosscheck [--persons N --refs M]` (bench_crosscheck.py, 5M × 50M).
# Results go to benchmarks/out/ (JSON); copy the figures into docs/benchmarks.md with date and machine.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p benchmarks/out
# `bash benchmarks/run.sh spark [--scales 0.125 0.25 0.5 1 --all-tiers]`: the month on Spark local[2]
# beside DuckDB at shares of the province load (bench_spark.py; a throwaway PostgreSQL per scale)
if [ "${1:-}" = spark ]; then shift; exec .venv/bin/python benchmarks/bench_spark.py "$@"; fi
pgdir=$(PG_EXTRA_OPTS="-c shared_buffers=2GB -c max_wal_size=8GB -c checkpoint_timeout=30min" bash scripts/pg-throwaway.sh start)
trap 'bash scripts/pg-throwaway.sh stop "$pgdir"' EXIT
export JIUZHU_DB_HOST="$pgdir" JIUZHU_DB_NAME=postgres JIUZHU_DB_USER=jiuzhu DJANGO_SETTINGS_MODULE=config.settings.test
# `bash benchmarks/run.sh crosscheck [--persons N --refs M]`: the province cross-check benchmark
if [ "${1:-}" = crosscheck ]; then shift; .venv/bin/python benchmarks/bench_crosscheck.py "$@"; exit; fi
# `bash benchmarks/run.sh payroll [--enrolments N]`: payroll generate + check + export (default 50,000)
if [ "${1:-}" = payroll ]; then shift; .venv/bin/python benchmarks/payroll_generate.py "$@"; exit; fi
# `bash benchmarks/run.sh bank [--lines N]`: bank result import + reconcile vs a bare COPY (default 100,000)
if [ "${1:-}" = bank ]; then shift; .venv/bin/python benchmarks/bank_result.py "$@"; exit; fi
# `bash benchmarks/run.sh portal [--households N --users U --seconds S]`: the public village page
# under load (waitress, production settings; default 20,000 households, 50 users, 60 s)
if [ "${1:-}" = portal ]; then shift; .venv/bin/python benchmarks/bench_portal.py "$@"; exit; fi
# `bash benchmarks/run.sh reports [--enrolments N]`: the monthly statistics table vs a bare GROUP BY (default 2,000,000)
if [ "${1:-}" = reports ]; then shift; .venv/bin/python benchmarks/bench_reports.py "$@"; exit; fi
# `bash benchmarks/run.sh dashboard [--households N --loads L]`: the dashboard's refresh and page (default 20,000)
if [ "${1:-}" = dashboard ]; then shift; .venv/bin/python benchmarks/bench_dashboard.py "$@"; exit; fi
out="benchmarks/out/registry-$(date +%Y%m%d-%H%M).json"
.venv/bin/python benchmarks/bench_registry.py "${1:-1000000}" | tee "$out"
echo "written: $out"
