"""Cross-check benchmark at province scale: all exact checks end to end, on PostgreSQL 15.

In one run, on the same files:

  1. generate a province (``benchmarks/province.py``): N enrolled persons (default 5,000,000)
     loaded into PostgreSQL with COPY, and M reference rows (default 50,000,000) over ten
     registries written as Parquet with the contract columns and registered as the county's
     active snapshots;
  2. (a) our pipeline as it runs each month: ``crosscheck_run(inline=True, exact_only=True)`` —
     export, link, every check, findings and audit rows written — wall time, stage timings,
     findings, peak RSS (target ≤ 30 s and ≤ 8 GB on the 2-core machine). Before it, the first
     run on the database (which fetches persons, households and enrolments whole and keeps the
     copy that later runs refresh, ``jiuzhu.crosscheck.mirror``) is timed too; then `--churn`
     (2 %) of those rows are rewritten and the findings forgotten, so (a) fetches a month's
     changes and writes every finding again. (a) is measured `--pipeline-runs` times (default
     3), each after another such month, and its median compared with (b)'s median: single
     runs of either spread by 10–20 % on this VM;
     (b) the floor: a bare DuckDB join of the persons' id_hash (people.parquet, written from
     the same data) with the union of every snapshot file's id_hash, count(*) — our pipeline
     must be within 5× of it;
     (c) a plain pandas merge of the same exact check (per registry, pyarrow-backed strings).
  Each measurement runs in its own process, so generation and the other measurements do not
  count in its peak RSS. Results: benchmarks/out/crosscheck-YYYYMMDD-HHMM.json and a table.

    .venv/bin/python benchmarks/bench_crosscheck.py                        # 5M × 50M
    .venv/bin/python benchmarks/bench_crosscheck.py --persons 50000 --refs 500000   # ~1 min
    bash benchmarks/run.sh crosscheck --persons 50000 --refs 500000        # same, via run.sh

Without JIUZHU_DB_HOST it starts (and always stops) a throwaway PostgreSQL 15 with
scripts/pg-throwaway.sh; with it (run.sh) it uses that database, which must be empty.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
for _p in (str(ROOT), str(BENCH)):
    if _p not in sys.path:
        sys.path.insert(0, _p)

PG_EXTRA_OPTS = "-c shared_buffers=2GB -c max_wal_size=8GB -c checkpoint_timeout=30min"
BENCH_USER = "bench-county"
TARGET_SECONDS, TARGET_RSS_MB, TARGET_RATIO = 30, 8 * 1024, 5


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S', time.gmtime())}] {msg}", file=sys.stderr, flush=True)


def rss_now_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class RssSampler(threading.Thread):
    """Samples VmRSS every 50 ms; ``peak`` is the largest seen since start."""

    def __init__(self):
        super().__init__(daemon=True)
        self.peak, self._halt = 0.0, threading.Event()

    def run(self):
        while not self._halt.is_set():
            self.peak = max(self.peak, rss_now_mb())
            self._halt.wait(0.05)

    def stop(self) -> float:
        self._halt.set()
        self.join()
        return round(max(self.peak, rss_now_mb()), 1)


def _threads(args) -> int:
    """DuckDB threads for every phase: --threads, or the product's default (engine.py)."""
    if args.threads:
        return args.threads
    from jiuzhu.crosscheck.engine import default_threads

    return default_threads()


def _django(args):
    """Django on the test settings (PostgreSQL from JIUZHU_DB_HOST), with the benchmark's
    snapshot, spill, copy and audit-anchor directories and the DuckDB limits set here, whatever
    the settings module says (the test settings use a temporary directory per process and 1 GB).
    """
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django
    from django.conf import settings

    django.setup()
    data = Path(args.data)
    settings.JIUZHU_SNAPSHOT_DIR = data / "snapshots"
    settings.JIUZHU_DUCKDB_TEMP_DIR = data / "duckdb-tmp"
    settings.JIUZHU_DUCKDB_MEMORY_LIMIT = args.memory_limit
    settings.JIUZHU_DUCKDB_THREADS = args.threads  # 0: the product's default (engine.py)
    settings.JIUZHU_CROSSCHECK_MIRROR_DIR = data / "mirror"
    # kept with the data, as an installation keeps its anchors: the run's anchor then checks
    # the rows since the previous run's, also when a measurement starts in a new process
    # (--skip-generate), where a fresh directory had it check the whole chain of every run before
    settings.JIUZHU_AUDIT_ANCHOR_DIR = data / "audit-anchors"


# --- phase: generate -------------------------------------------------------------------------


def phase_generate(args) -> dict:
    _django(args)
    import province as P
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from jiuzhu.accounts.models import User
    from jiuzhu.cases.models import Application
    from jiuzhu.core.idnumber import parse_resident_id
    from jiuzhu.core.masking import mask_id_number
    from jiuzhu.crosscheck.registries import REGISTRIES
    from jiuzhu.crosscheck.snapshot_services import snapshot_register_file
    from jiuzhu.demo.generator import demo_villages, ensure_demo_county
    from jiuzhu.payments.models import Enrolment
    from jiuzhu.programmes.models import Programme, Standard
    from jiuzhu.programmes.services import standard_set
    from jiuzhu.registry.models import Household, Person
    from jiuzhu.registry.sensitive import ID_PURPOSE, id_lookup_hash

    assert connection.vendor == "postgresql", "needs PostgreSQL (JIUZHU_DB_HOST)"
    started = time.perf_counter()
    out: dict = {"seconds": {}}
    data = Path(args.data)
    t = time.perf_counter()
    call_command("migrate", verbosity=0)
    county = ensure_demo_county()
    assert not Household.objects.exists(), "the database must be empty (a throwaway cluster)"
    villages = [(v.id, v.code, v.parent_id, v.is_urban) for v in demo_villages()]
    actor, _ = User.objects.get_or_create(
        username=BENCH_USER, defaults={"role": "county_admin", "region": county}
    )
    programmes = dict(Programme.objects.values_list("code", "id"))
    for code, area, amount in (("dibao_rural", "rural", 550), ("dibao_urban", "urban", 760)):
        if not Standard.objects.filter(county=county, programme__code=code).exists():
            standard_set(
                actor=actor,
                county=county,
                programme_code=code,
                area=area,
                amount=amount,
                period="monthly",
                effective_from=date(2026, 1, 1),
                note="基准测试",
            )
    out["seconds"]["migrate"] = round(time.perf_counter() - t, 1)

    con = P.connect(
        memory_limit=args.gen_memory_limit, threads=_threads(args), temp_dir=data / "gen-tmp"
    )
    P.install_macros(con, lookup_key=settings.JIUZHU_LOOKUP_KEY, id_purpose=ID_PURPOSE)
    out["hmac_checked"] = P.verify_macros(
        con,
        id_lookup_hash=id_lookup_hash,
        parse_resident_id=parse_resident_id,
        mask_id_number=mask_id_number,
    )
    log(f"generate: {args.persons:,} persons in {len(villages)} villages")
    t = time.perf_counter()
    offsets = {"household": 0, "person": 0, "serials": 0, "application": 0, "enrolment": 0}
    out["recipients"] = P.build_recipients(
        con, persons=args.persons, villages=villages, offsets=offsets
    )
    P.write_people_parquet(con, data / "people.parquet")
    out["seconds"]["recipients_duckdb"] = round(time.perf_counter() - t, 1)
    log(f"  built in DuckDB in {out['seconds']['recipients_duckdb']} s: {out['recipients']}")

    t = time.perf_counter()
    connection.ensure_connection()
    loaded = P.load_postgres(
        con,
        conn=connection.connection,
        offsets=offsets,
        programmes=programmes,
        county_id=county.pk,
        user_id=actor.pk,
        field_key=settings.JIUZHU_FIELD_KEY,
        workers=_threads(args),
    )
    out["recipients"].update(applications=loaded["applications"], enrolments=loaded["enrolments"])
    out["seconds"]["postgres_copy"] = round(time.perf_counter() - t, 1)
    out["seconds"]["postgres_copy_detail"] = loaded["seconds"]
    t = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE")
    out["seconds"]["vacuum_analyze"] = round(time.perf_counter() - t, 1)
    assert Person.objects.count() == args.persons
    assert Enrolment.objects.count() == Application.objects.count() == loaded["enrolments"]
    with connection.cursor() as cur:
        cur.execute("SELECT pg_database_size(current_database())")
        out["database_mb"] = round(cur.fetchone()[0] / 2**20)

    log(f"generate: {args.refs:,} reference rows")
    t = time.perf_counter()
    sizes = P.Sizes.of(args.persons, args.refs)
    contract = {k.value: list(r.all_columns) for k, r in REGISTRIES.items()}
    snap_dir = Path(settings.JIUZHU_SNAPSHOT_DIR) / "bench"
    codes = [code for _, code, _, _ in villages]
    out["registries"] = P.write_registries(
        con,
        sizes=sizes,
        persons=args.persons,
        county_village_codes=codes,
        out_dir=snap_dir,
        contract=contract,
        field_key=settings.JIUZHU_FIELD_KEY,
    )
    out["seconds"]["registries_parquet"] = round(time.perf_counter() - t, 1)
    con.close()
    t = time.perf_counter()
    for kind, info in out["registries"].items():
        snap = snapshot_register_file(
            county=county,
            kind=kind,
            as_of=P.AS_OF,
            source="基准测试生成",
            parquet_path=info["path"],
            rows=info["rows"],
            actor=actor,
        )
        info["snapshot_id"] = snap.pk
    out["seconds"]["register"] = round(time.perf_counter() - t, 1)
    out["parquet_mb"] = round(sum(i["mb"] for i in out["registries"].values()), 1)
    out["seconds"]["total"] = round(time.perf_counter() - started, 1)
    shutil.rmtree(data / "gen-tmp", ignore_errors=True)
    return out


# --- phase: pipeline -------------------------------------------------------------------------


def phase_pipeline(args) -> dict:
    _django(args)
    import province as P
    from django.db import connection
    from django.db.models import Count

    from jiuzhu.accounts.models import User
    from jiuzhu.core.models import JobRun
    from jiuzhu.crosscheck.models import CheckRun, Finding
    from jiuzhu.crosscheck.run import crosscheck_run

    patches = apply_patches(args.patch or [])
    profile = instrument()
    actor = User.objects.get(username=BENCH_USER)
    if args.fresh_findings:
        if args.rechurn and any((Path(args.data) / "mirror").glob("county-*.duckdb")):
            log(f"  rewritten rows for the measured run: {_month_of_changes(args.churn)}")
        _forget_findings()
        _settle(Path(args.data))
    with connection.cursor() as cur:
        cur.execute("SHOW server_version")
        pg_version = cur.fetchone()[0]
    baseline = rss_now_mb()
    sampler = RssSampler()
    sampler.start()
    profiler = None
    if args.cprofile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    first = None
    if not any((Path(args.data) / "mirror").glob("county-*.duckdb")):
        # the first run on this database fetches the tables whole and keeps the copy; a month's
        # changes follow, and every hit is new again (new snapshots): then the measured run
        t = time.perf_counter()
        run = crosscheck_run(actor=actor, month=P.MONTH, inline=True, exact_only=True)
        run.refresh_from_db()
        first = {
            "wall_seconds": round(time.perf_counter() - t, 2),
            "timings": run.summary.get("timings"),
            "new": run.summary.get("new"),
        }
        first["churn"] = _month_of_changes(args.churn)
        _forget_findings()
        _settle(Path(args.data))
    measured = []  # each measured run: a month's changes, every finding written again
    for n in range(args.pipeline_runs):
        if n:
            churn = _month_of_changes(args.churn)
            _forget_findings()
            _settle(Path(args.data))
            log(f"  run {n + 1} of {args.pipeline_runs}: rewritten rows {churn}")
        t = time.perf_counter()
        run = crosscheck_run(actor=actor, month=P.MONTH, inline=True, exact_only=True)
        wall = time.perf_counter() - t
        run.refresh_from_db()
        if run.status != CheckRun.Status.DONE:
            job = JobRun.objects.get(pk=run.job_id)
            raise SystemExit(f"the run failed: {run.message}\n{job.log}")
        findings = dict(
            Finding.objects.filter(run=run)
            .values_list("check_code")
            .annotate(n=Count("id"))
            .order_by("check_code")
        )
        measured.append({"wall": wall, "summary": run.summary, "findings": findings})
        if n == 0:
            profile = dict(profile)  # the first measured run's figures only
            if profiler is not None:
                profiler.disable()
                profiler.dump_stats(args.cprofile)
        log(f"  {wall:.2f} s")
    sampled = sampler.stop()
    # the run of median wall time stands for (a), as the median of (b)'s runs does for (b)
    middle = sorted(measured, key=lambda m: m["wall"])[(len(measured) - 1) // 2]
    rerun = None
    if args.rerun:
        t = time.perf_counter()
        again = crosscheck_run(actor=actor, month=P.MONTH, inline=True, exact_only=True)
        again.refresh_from_db()
        rerun = {
            "wall_seconds": round(time.perf_counter() - t, 2),
            "new": again.summary.get("new"),
            "known": again.summary.get("known"),
            "timings": again.summary.get("timings"),
        }
    chain = None
    if args.verify_audit:
        from jiuzhu.core import audit as audit_module

        checked, problem = audit_module.verify()
        chain = {"entries": checked, "problem": str(problem) if problem else None}
    summary, findings = middle["summary"], middle["findings"]
    return {
        "wall_seconds": round(middle["wall"], 2),
        "wall_seconds_runs": [round(m["wall"], 2) for m in measured],
        "timings": summary.get("timings", {}),
        "timings_runs": [m["summary"].get("timings", {}) for m in measured],
        "findings_written": sum(findings.values()),
        "findings_written_runs": [sum(m["findings"].values()) for m in measured],
        "findings_by_check": findings,
        "new": summary.get("new"),
        "review": summary.get("review"),
        "known": summary.get("known"),
        "exported": summary.get("exported"),
        "exact_links": sum(v.get("exact", 0) for v in summary.get("links", {}).values()),
        "links": {k: v.get("exact") for k, v in summary.get("links", {}).items()},
        "rss_mb": {
            "before_run": round(baseline, 1),
            "peak_sampled": sampled,
            "peak_process": round(peak_rss_mb(), 1),
        },
        "patches": patches,
        "postgresql": pg_version,
        "profile": {k: round(v, 3) if isinstance(v, float) else v for k, v in profile.items()},
        "rerun_same_month": rerun,
        "first_run": first,
        "audit_chain": chain,
    }


def _month_of_changes(share: float) -> dict:
    """Rewrite `share` of the persons, households and enrolments (every 1/share-th row: a
    month's reviews, moves and amount changes), as the operational database changes between
    two monthly runs; the run's copy then fetches these rows again."""
    from django.db import connection

    step = max(1, round(1 / share)) if share > 0 else 0
    counts = {}
    if not step:
        return counts
    with connection.cursor() as cursor:
        for table, column in (
            ("registry_person", "labour_capacity"),
            ("registry_household", "address"),
            ("payments_enrolment", "members"),
        ):
            cursor.execute(f"UPDATE {table} SET {column} = {column} WHERE id %% %s = 3", [step])
            counts[table] = cursor.rowcount
    return counts


def _settle(data: Path) -> None:
    """After rewriting rows for the measurement: vacuum them and write them out now, as the
    database has long done by the time of a monthly run, so that autovacuum and a checkpoint
    do not run during the measured run. Then read the files the run reads — the snapshot files
    and the runs' copy — once, last, so that (a) reads them from the page cache as (b), the
    median of consecutive runs, does. This machine pages out file pages left idle for about
    30 s (DAMON ``pageout``): read earlier, before the vacuum, they were on disk again by the
    time of the run."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "VACUUM (ANALYZE) registry_person, registry_household, payments_enrolment, "
            "cases_application, crosscheck_finding, crosscheck_checkrun, core_jobrun, "
            "core_auditentry, core_audithead"
        )
        cursor.execute("CHECKPOINT")
    os.sync()  # the throwaway cluster runs with fsync=off: write the checkpoint out now, not
    time.sleep(5)  # during the measured run
    for path in [*_snapshot_files(data), *map(str, (data / "mirror").glob("county-*.duckdb"))]:
        with open(path, "rb") as f:
            while f.read(1 << 24):
                pass


def _forget_findings() -> None:
    """Measuring again on the same database: remove the previous runs' findings (a re-run
    would otherwise find every hit known and write nothing)."""
    from jiuzhu.cases.models import Application
    from jiuzhu.core.models import JobRun
    from jiuzhu.crosscheck.models import CheckRun, Finding

    Finding.objects.all().delete()
    CheckRun.objects.all().delete()
    JobRun.objects.filter(kind="crosscheck").delete()
    Application.objects.filter(kin_registered=True).update(kin_registered=False)


# --- phase: bare DuckDB join -----------------------------------------------------------------


def _snapshot_files(data: Path) -> list[str]:
    return sorted(str(p) for p in (data / "snapshots" / "bench").glob("*.parquet"))


def phase_bare(args) -> dict:
    import duckdb

    data = Path(args.data)
    files = _snapshot_files(data)
    sql = f"""
        SELECT count(*) FROM read_parquet('{data / "people.parquet"}') p
        JOIN read_parquet({files!r}, union_by_name = true) r ON r.id_hash = p.id_hash
    """
    runs, count = [], None
    for _ in range(args.bare_runs):
        t = time.perf_counter()
        con = duckdb.connect(
            config={"autoinstall_known_extensions": False, "autoload_known_extensions": False}
        )
        con.execute(f"SET memory_limit = '{args.memory_limit}'")
        con.execute(f"SET threads = {_threads(args)}")  # as many as the run's DuckDB
        con.execute("SET temp_directory = ?", [str(data / "bare-tmp")])
        con.execute("SET enable_progress_bar = false")
        count = con.execute(sql).fetchone()[0]
        con.close()
        runs.append(round(time.perf_counter() - t, 3))
    return {
        "seconds_runs": runs,
        "seconds": statistics.median(runs),
        "matches": count,
        "files": len(files),
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }


# --- phase: pandas merge ---------------------------------------------------------------------


def phase_pandas(args) -> dict:
    import pandas as pd

    data = Path(args.data)
    t = time.perf_counter()
    people = pd.read_parquet(data / "people.parquet", columns=["id_hash"], dtype_backend="pyarrow")
    per, total = {}, 0
    for path in _snapshot_files(data):
        t1 = time.perf_counter()
        refs = pd.read_parquet(path, columns=["id_hash"], dtype_backend="pyarrow").dropna()
        n = len(people.merge(refs, on="id_hash", how="inner"))
        total += n
        per[Path(path).stem] = {"matches": n, "seconds": round(time.perf_counter() - t1, 2)}
        del refs
    return {
        "seconds": round(time.perf_counter() - t, 2),
        "matches": total,
        "per_registry": per,
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "pandas": pd.__version__,
    }


# --- profile: where the pipeline's time goes (wrappers only, behaviour unchanged) ------------


def instrument() -> dict:
    """Wrap the pipeline's pieces to time them: export per table, exact linking, the rows each
    check fetches into Python, the ORM look-ups checks call back into, and the writes. The
    checks' own Python is the check's stage time less these."""
    import functools
    from collections import defaultdict

    from jiuzhu.core import audit
    from jiuzhu.crosscheck import export, finding_writes
    from jiuzhu.crosscheck import run as run_module
    from jiuzhu.crosscheck.checks import CHECKS
    from jiuzhu.crosscheck.models import Finding

    prof: dict = defaultdict(float)

    def timed(name, fn, count_rows=False):
        @functools.wraps(fn)
        def wrapper(*a, **k):
            t = time.perf_counter()
            result = fn(*a, **k)
            key = name(a, k) if callable(name) else name
            prof[key + "_s"] += time.perf_counter() - t
            prof[key + "_calls"] += 1
            if count_rows:
                prof[key + "_rows"] += len(result)
            return result

        return wrapper

    # per table, in the export's two threads (their times overlap)
    export._fetch_adbc = timed(lambda a, k: f"export_{a[1]}", export._fetch_adbc)
    export.build_recipients = timed("export_build_recipients", export.build_recipients)
    run_module.link_exact_all = timed("link_exact_all", run_module.link_exact_all)
    for module in CHECKS:
        if hasattr(module, "rows"):
            name = module.__name__.rsplit(".", 1)[-1]
            module.rows = timed(f"rows_{name}", module.rows, count_rows=True)
    for name in ("household_means", "estimate_households", "person_ids_reveal"):
        setattr(run_module, name, timed(f"orm_{name}", getattr(run_module, name)))
    finding_writes.applications_kin_register = timed(
        "orm_applications_kin_register", finding_writes.applications_kin_register
    )
    manager = Finding.objects
    manager.bulk_create = timed("write_findings_bulk_create", manager.bulk_create)
    audit.record_many = timed("write_audit_record_many", audit.record_many)
    return prof


# --- prototype patches (measure a proposed change without touching jiuzhu/) ------------------

PATCHES: dict = {}  # name -> function that monkeypatches jiuzhu.crosscheck in this process


class _Traced:
    """A DuckDB connection whose statements are timed in the log (prototype tracing)."""

    def __init__(self, con, label=""):
        self.con, self.label = con, label

    def __getattr__(self, name):
        return getattr(self.con, name)

    def execute(self, sql, *a):
        t = time.perf_counter()
        out = _TracedCursor(self.con.execute(sql, *a))
        log(f"    {self.label}{time.perf_counter() - t:.3f} {' '.join(sql.split())[:110]}")
        return out


class _TracedCursor:
    """A statement's result fetched at once (timed), then read as a DuckDB cursor is."""

    def __init__(self, cur):
        self.description = cur.description if cur is not None else None
        self._rows = cur.fetchall() if self.description else []

    def fetchall(self):
        return self._rows

    def fetchone(self):
        return self._rows[0] if self._rows else None


def _patch_trace_derived():
    from jiuzhu.crosscheck import mirror_derived as md

    original_apply, original_affected = md._apply, md._affected
    md._apply = lambda con, *a: original_apply(_Traced(con), *a)
    md._affected = lambda con, *a: original_affected(_Traced(con), *a)


def _patch_trace_mirror():
    from jiuzhu.crosscheck import mirror

    original_apply, original_gone = mirror._apply_changes, mirror._gone

    def apply(cur, source, job, *a):
        t = time.perf_counter()
        out = original_apply(_Traced(cur, f"[{job.table}] "), source, job, *a)
        log(f"    [{job.table}] apply_changes {time.perf_counter() - t:.3f}")
        return out

    def gone(source, job):
        t = time.perf_counter()
        out = original_gone(source, job)
        log(f"    [{job.table}] gone {time.perf_counter() - t:.3f} {len(out or [])}")
        return out

    mirror._apply_changes, mirror._gone = apply, gone


PATCHES["trace_mirror"] = _patch_trace_mirror


def _patch_trace_checks():
    """Every statement the checks run, timed in the log (after the export)."""
    from jiuzhu.crosscheck import run as run_module

    original = run_module._context
    run_module._context = lambda run, con, *a: original(run, _Traced(con), *a)
    original_linker = run_module._Linker.__init__
    run_module._Linker.__init__ = lambda self, con, *a: original_linker(self, _Traced(con), *a)


PATCHES["trace_checks"] = _patch_trace_checks


def _patch_trace_outside():
    """The run's steps outside its stage timings, timed in the log."""
    from jiuzhu.core import audit, audit_anchor, jobs
    from jiuzhu.crosscheck import run as run_module

    def timed(module, name):
        original = getattr(module, name)

        def wrapper(*a, **k):
            t = time.perf_counter()
            try:
                return original(*a, **k)
            finally:
                log(f"    {name} {time.perf_counter() - t:.3f}")

        setattr(module, name, wrapper)

    for module, name in (
        (audit_anchor, "anchor_create"),
        (audit, "verify"),
        (jobs, "reap_stale"),
        (jobs, "job_create"),
        (jobs, "job_run_inline"),
        (run_module, "_run_checks"),
        (run_module, "latest_snapshots"),
        (run_module, "limits_for"),
    ):
        timed(module, name)


PATCHES["trace_outside"] = _patch_trace_outside


def _cpu_ticks() -> tuple[int, int]:
    """(busy, total) jiffies of the whole machine, from /proc/stat."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]
    return sum(fields) - idle, sum(fields)


def _patch_trace_cpu():
    """Each check's wall time and the machine's busy share while it ran (2 cores: 100 % is
    both busy), in the log: where the run leaves a core idle."""
    from jiuzhu.crosscheck import checks as checks_module
    from jiuzhu.crosscheck import run as run_module

    def watched(check):
        original = check.run

        def run(ctx):
            t, (b0, a0) = time.perf_counter(), _cpu_ticks()
            try:
                return original(ctx)
            finally:
                b1, a1 = _cpu_ticks()
                share = (b1 - b0) / max(a1 - a0, 1)
                name = check.__name__.rsplit(".", 1)[-1]
                log(f"    {name} {time.perf_counter() - t:.3f} s, machine busy {share:.0%}")

        return type("Watched", (), {"run": staticmethod(run), "__name__": check.__name__})

    run_module.CHECKS = tuple(watched(c) for c in checks_module.CHECKS)


PATCHES["trace_cpu"] = _patch_trace_cpu
PATCHES["trace_derived"] = _patch_trace_derived


# (the prototypes measured on 2026-11-22 have all landed in the app; add new ones here to try
# an idea against the same data before changing the app)


def apply_patches(names: list[str]) -> list[str]:
    for name in names:
        PATCHES[name]()
    return names


# --- orchestration ---------------------------------------------------------------------------


def _child(args, phase: str, env: dict, extra: list[str] = ()) -> tuple[dict, float]:
    """Run one phase in a fresh process; return its JSON and its peak RSS (MB, from wait4)."""
    cmd = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--phase",
        phase,
        "--data",
        args.data,
        "--persons",
        str(args.persons),
        "--refs",
        str(args.refs),
        "--memory-limit",
        args.memory_limit,
        "--threads",
        str(args.threads),
        "--gen-memory-limit",
        args.gen_memory_limit,
        "--bare-runs",
        str(args.bare_runs),
        "--churn",
        str(args.churn),
        "--pipeline-runs",
        str(args.pipeline_runs),
        *(["--fresh-findings"] if args.fresh_findings else []),
        *(["--rechurn"] if args.rechurn else []),
        *(["--cprofile", args.cprofile] if args.cprofile else []),
        *(["--rerun"] if args.rerun else []),
        *(["--verify-audit"] if args.verify_audit else []),
        *extra,
    ]
    for p in args.patch or []:
        cmd += ["--patch", p]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, cwd=ROOT)
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"phase {phase} failed (exit {proc.returncode})")
    result = json.loads(out.decode().strip().splitlines()[-1])
    result["process_cpu_seconds"] = round(usage.ru_utime + usage.ru_stime, 1)
    return result, round(usage.ru_maxrss / 1024, 1)


def _cpu_idle_share(seconds: float = 3.0) -> float:
    """The machine's idle share over a few seconds (from /proc/stat)."""

    def read():
        with open("/proc/stat") as fh:
            parts = [int(x) for x in fh.readline().split()[1:]]
        return parts[3] + parts[4], sum(parts)  # idle + iowait, total

    i0, t0 = read()
    time.sleep(seconds)
    i1, t1 = read()
    return (i1 - i0) / max(t1 - t0, 1)


def _wait_quiet(args, phase: str) -> dict:
    """This is a shared 2-core machine: before a measurement, wait (up to --quiet-wait
    seconds) until other work leaves it at least 85 % idle, and record what was seen."""
    started = time.perf_counter()
    idle = _cpu_idle_share()
    while idle < 0.85 and time.perf_counter() - started < args.quiet_wait:
        log(f"  machine busy before {phase} ({idle:.0%} idle), waiting")
        time.sleep(20)
        idle = _cpu_idle_share()
    return {"idle_share": round(idle, 2), "waited_s": round(time.perf_counter() - started, 1)}


def _machine() -> dict:
    model = ""
    try:
        model = next(
            line.split(":", 1)[1].strip()
            for line in subprocess.run(
                ["lscpu"], capture_output=True, text=True
            ).stdout.splitlines()
            if line.startswith("Model name")
        )
    except (StopIteration, OSError):
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    import duckdb
    import pandas

    return {
        "host": platform.node(),
        "nproc": os.cpu_count(),
        "ram_gb": round(mem, 1),
        "cpu": model,
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "pandas": pandas.__version__,
    }


def _need_bytes(args) -> int:
    # Parquet ~75 B per reference row; PostgreSQL ~1.1 KB per person with indexes, the export
    # CSV ~0.3 KB per person, DuckDB spill headroom 4 GB
    return int(args.refs * 75 + args.persons * 1400 + 4 * 2**30)


def _start_pg() -> str:
    env = {**os.environ, "PG_EXTRA_OPTS": PG_EXTRA_OPTS}
    return subprocess.run(
        ["bash", str(ROOT / "scripts/pg-throwaway.sh"), "start"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


def _stop_pg(pgdir: str) -> None:
    subprocess.run(["bash", str(ROOT / "scripts/pg-throwaway.sh"), "stop", pgdir], check=False)


def orchestrate(args) -> None:
    data_root = Path(args.data_root)
    free = shutil.disk_usage(data_root).free
    need = _need_bytes(args)
    log(
        f"free disk under {data_root}: {free / 2**30:.1f} GB, this run needs about "
        f"{need / 2**30:.1f} GB"
    )
    if free < need:
        raise SystemExit("not enough free disk for this size")
    own_data = args.data is None
    args.data = args.data or tempfile.mkdtemp(prefix="jiuzhu-bench-cc-", dir=data_root)
    data = Path(args.data)
    (data / "tmp").mkdir(parents=True, exist_ok=True)
    pgdir = None

    def on_signal(signum, frame):
        raise SystemExit(f"stopped by signal {signum}")

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    result: dict = {
        "date": dt.date.today().isoformat(),
        "machine": _machine(),
        "sizes": {"persons": args.persons, "refs": args.refs},
        "settings": {
            "JIUZHU_DUCKDB_MEMORY_LIMIT": args.memory_limit,
            "JIUZHU_DUCKDB_THREADS": args.threads,
            "duckdb_threads": _threads(args),
        },
        "patches": args.patch or [],
    }
    try:
        env = dict(os.environ)
        if not env.get("JIUZHU_DB_HOST"):
            pgdir = _start_pg()
            log(f"throwaway PostgreSQL at {pgdir}")
            env.update(JIUZHU_DB_HOST=pgdir, JIUZHU_DB_NAME="postgres", JIUZHU_DB_USER="jiuzhu")
        env.update(
            DJANGO_SETTINGS_MODULE="config.settings.test",
            JIUZHU_SNAPSHOT_DIR=str(data / "snapshots"),
            JIUZHU_DUCKDB_TEMP_DIR=str(data / "duckdb-tmp"),
            JIUZHU_DUCKDB_MEMORY_LIMIT=args.memory_limit,
            JIUZHU_DUCKDB_THREADS=str(args.threads),
            TMPDIR=str(data / "tmp"),
        )
        if not args.skip_generate:
            log("phase generate")
            result["generate"], _ = _child(args, "generate", env)
        log("phase pipeline (a): crosscheck_run exact_only")
        result["quiet"] = {"pipeline": _wait_quiet(args, "pipeline")}
        result["pipeline"], result_rss = _child(args, "pipeline", env)
        result["pipeline"]["rss_mb"]["peak_wait4"] = result_rss
        log(
            f"  {result['pipeline']['wall_seconds']} s, {result['pipeline']['findings_written']:,} findings"
        )
        log("phase bare (b): DuckDB join")
        result["quiet"]["bare"] = _wait_quiet(args, "bare")
        result["bare_join"], _ = _child(args, "bare", env)
        log(f"  {result['bare_join']['seconds_runs']} s")
        if not args.skip_pandas:
            log("phase pandas (c)")
            result["quiet"]["pandas"] = _wait_quiet(args, "pandas")
            result["pandas_merge"], rss = _child(args, "pandas", env)
            result["pandas_merge"]["peak_rss_mb"] = rss
            log(f"  {result['pandas_merge']['seconds']} s")
        if not args.skip_all_tiers:
            import bench_spark

            log("phase all tiers: crosscheck_run with exact, one-off and Splink linkage")
            result["quiet"]["all_tiers"] = _wait_quiet(args, "all_tiers")
            result["all_tiers"] = bench_spark.month_child(args.data, env, "duckdb", all_tiers=True)
            log(f"  {result['all_tiers']['wall_seconds']} s, links {result['all_tiers']['links']}")
    finally:
        if pgdir:
            _stop_pg(pgdir)
            log("throwaway PostgreSQL stopped")
        if own_data and not args.keep_data:
            shutil.rmtree(data, ignore_errors=True)
    _ratios(result)
    out_dir = BENCH / "out"
    out_dir.mkdir(exist_ok=True)
    path = out_dir / f"crosscheck-{dt.datetime.now():%Y%m%d-%H%M}.json"
    path.write_text(json.dumps(result, ensure_ascii=False, indent=2))
    print(_table(result))
    print(f"written: {path.relative_to(ROOT)}")


def _ratios(result: dict) -> None:
    a = result["pipeline"]["wall_seconds"]
    b = result["bare_join"]["seconds"]
    result["ratios"] = {"pipeline_over_bare": round(a / b, 2)}
    if "pandas_merge" in result:
        result["ratios"]["pandas_over_pipeline"] = round(result["pandas_merge"]["seconds"] / a, 2)
    result["matches_agree"] = (
        result["bare_join"]["matches"] == result["pipeline"]["exact_links"]
        and result.get("pandas_merge", {}).get("matches", result["bare_join"]["matches"])
        == result["bare_join"]["matches"]
    )
    peak = result["pipeline"]["rss_mb"]["peak_wait4"]
    result["targets"] = {
        "seconds": TARGET_SECONDS,
        "rss_mb": TARGET_RSS_MB,
        "ratio_to_bare": TARGET_RATIO,
        "met": {
            "seconds": a <= TARGET_SECONDS,
            "rss": peak <= TARGET_RSS_MB,
            "ratio": a / b <= TARGET_RATIO,
        },
    }


def _table(r: dict) -> str:
    p, b = r["pipeline"], r["bare_join"]
    lines = [
        f"\nCross-check benchmark {r['date']}: {r['sizes']['persons']:,} persons × "
        f"{r['sizes']['refs']:,} reference rows ({r['machine']['nproc']} cores, "
        f"{r['machine']['ram_gb']} GB, {r['machine']['cpu']})"
    ]
    if "generate" in r:
        g = r["generate"]
        lines.append(
            f"generate: {g['seconds']['total']} s (PostgreSQL COPY "
            f"{g['seconds']['postgres_copy']} s, Parquet {g['seconds']['registries_parquet']} s, "
            f"{g['parquet_mb']} MB Parquet)"
        )
    lines += [
        "",
        f"{'measure':<42}{'seconds':>10}{'peak RSS MB':>14}{'matches':>12}",
        f"{'(a) crosscheck_run exact_only (median)':<42}{p['wall_seconds']:>10}"
        f"{p['rss_mb']['peak_wait4']:>14}{p['exact_links']:>12,}",
        f"{'(b) bare DuckDB join (median of runs)':<42}{b['seconds']:>10}"
        f"{b['peak_rss_mb']:>14}{b['matches']:>12,}",
    ]
    if "pandas_merge" in r:
        c = r["pandas_merge"]
        lines.append(
            f"{'(c) pandas merge per registry':<42}{c['seconds']:>10}"
            f"{c['peak_rss_mb']:>14}{c['matches']:>12,}"
        )
    lines += [
        "",
        f"(a)/(b) = {r['ratios']['pipeline_over_bare']}  (target ≤ {TARGET_RATIO}); "
        f"runs of (a) {p.get('wall_seconds_runs')}, of (b) {b['seconds_runs']}",
    ]
    if p.get("first_run"):
        f = p["first_run"]
        lines.append(
            f"(a) is a monthly run: before it, the first run on this database (fetches the "
            f"tables whole, keeps the copy) took {f['wall_seconds']} s (export "
            f"{f['timings'].get('export')} s), then rewritten rows: {f['churn']}"
        )
    if r.get("all_tiers"):
        lines.append(
            f"monthly run with the three linkage tiers: {r['all_tiers']['wall_seconds']} s, "
            f"links {r['all_tiers']['links']}"
        )
    if p.get("rerun_same_month"):
        lines.append(f"same month again, nothing new: {p['rerun_same_month']['wall_seconds']} s")
    if "pandas_over_pipeline" in r["ratios"]:
        lines.append(f"(c)/(a) = {r['ratios']['pandas_over_pipeline']}")
    lines.append(f"findings written: {p['findings_written']:,}  {p['findings_by_check']}")
    order = sorted(
        p["timings"], key=lambda k: (k != "export", k in ("write", "total"), k == "total")
    )
    lines.append("stage timings (s): " + ", ".join(f"{k} {p['timings'][k]}" for k in order))
    lines.append(
        f"PostgreSQL {p.get('postgresql', '')}; DuckDB memory_limit "
        f"{r['settings']['JIUZHU_DUCKDB_MEMORY_LIMIT']}, threads {r['settings'].get('duckdb_threads', r['settings']['JIUZHU_DUCKDB_THREADS'])}"
    )
    lines.append(
        "machine idle share before each measurement: "
        + ", ".join(f"{k} {v['idle_share']:.0%}" for k, v in r.get("quiet", {}).items())
    )
    lines.append(f"targets met: {r['targets']['met']}; matches agree: {r['matches_agree']}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=5_000_000)
    parser.add_argument("--refs", type=int, default=50_000_000)
    parser.add_argument("--memory-limit", default="6GB", help="JIUZHU_DUCKDB_MEMORY_LIMIT")
    parser.add_argument(
        "--threads",
        type=int,
        default=0,
        help="JIUZHU_DUCKDB_THREADS (default 0: the product's default, cores + 1, for the run "
        "and the bare join alike)",
    )
    parser.add_argument("--gen-memory-limit", default="10GB", help="DuckDB limit while generating")
    parser.add_argument("--bare-runs", type=int, default=3)
    parser.add_argument(
        "--pipeline-runs",
        type=int,
        default=3,
        help="measured runs of (a), each after another month of changes; the "
        "median is compared with (b)'s median",
    )
    parser.add_argument(
        "--churn",
        type=float,
        default=0.02,
        help="share of persons, households and enrolments rewritten between the "
        "first run and the measured monthly run",
    )
    parser.add_argument(
        "--quiet-wait",
        type=float,
        default=900,
        help="seconds to wait for other work to finish before each measurement",
    )
    parser.add_argument(
        "--data-root",
        default=tempfile.gettempdir(),
        help="where the data directory is made (Parquet, spill, export CSV)",
    )
    parser.add_argument("--data", help="use (and keep) this data directory")
    parser.add_argument("--keep-data", action="store_true")
    parser.add_argument(
        "--skip-generate",
        action="store_true",
        help="measure again on --data and the database in JIUZHU_DB_HOST",
    )
    parser.add_argument("--skip-pandas", action="store_true")
    parser.add_argument(
        "--skip-all-tiers",
        action="store_true",
        help="do not time the run with all three linkage tiers (bench_spark.phase_month)",
    )
    parser.add_argument(
        "--fresh-findings",
        action="store_true",
        help="with --skip-generate: delete earlier runs' findings first",
    )
    parser.add_argument(
        "--rechurn",
        action="store_true",
        help="with --fresh-findings and a kept copy: rewrite --churn of the rows "
        "again before the measured run (another month on the same data)",
    )
    parser.add_argument(
        "--patch", action="append", help="apply a named patch (PATCHES in this file) in (a)"
    )
    parser.add_argument(
        "--rerun",
        action="store_true",
        help="after (a), run the same month again (every hit known: the steady "
        "monthly cost) and report it",
    )
    parser.add_argument(
        "--verify-audit",
        action="store_true",
        help="after (a), verify the audit hash chain (not timed)",
    )
    parser.add_argument(
        "--cprofile",
        help="(a) under cProfile, stats written to this file "
        "(slows the Python parts; not for the reported figures)",
    )
    parser.add_argument(
        "--phase", choices=["generate", "pipeline", "bare", "pandas"], help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.phase:
        result = {
            "generate": phase_generate,
            "pipeline": phase_pipeline,
            "bare": phase_bare,
            "pandas": phase_pandas,
        }[args.phase](args)
        print(json.dumps(result, ensure_ascii=False, default=str))
        return
    orchestrate(args)


if __name__ == "__main__":
    main()
