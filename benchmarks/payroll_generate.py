"""Payroll benchmark on PostgreSQL: generate, check and export a county's (or a province's)
monthly payroll, against the floor of a bare ``INSERT … SELECT`` of the same lines.

In one run:

  1. seed N enrolments (default 50,000; ``--enrolments 2000000`` for the province) in the demo
     county (凤凰县) entirely inside PostgreSQL (``INSERT … SELECT generate_series``: faster
     than COPY from Python, nothing crosses the wire): one household per enrolment with its head,
     its application and enrolment of rural dibao; 5 % carry a care subsidy, 2 % an approved
     amount change, 1 % a suspension, 1 % stopped before the month, 0.5 % an arrears row. Bank
     account and ID ciphertexts are real Fernet tokens, 1,000 distinct ones cycled (encrypting
     two million would take longer than the benchmark; decrypting one costs the same);
  2. (a) our path: ``payroll_generate(inline=True)`` — lines streamed and written with COPY,
     signed, arrears taken, the R17 checks stored — then the checks and the signature
     verification again as approval runs them, then approval, release and the bank file
     (``payments.bankfile.bank_file_export``, CSV, full account numbers decrypted; if that
     module fails, a plain CSV of the lines through the export writer, and the output says so);
     wall time of each stage and peak RSS of the process (``ru_maxrss``; the seeding runs in
     the database, so the peak is the payroll's);
  3. (b) the floor: the same lines query (``payroll.lines_query``) inserted with a bare
     ``INSERT INTO … SELECT`` into an unindexed copy of the lines table, with an md5 standing in
     for the keyed hash; the ratio (a)/(b) is printed (goal: within 3×).

    bash benchmarks/run.sh payroll                      # 50,000 enrolments
    bash benchmarks/run.sh payroll --enrolments 2000000 # the province (about 10 minutes)

Prints one JSON document (also written to benchmarks/out/payroll-YYYYMMDD-HHMM.json).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, models  # noqa: E402
from django.db.models.fields import NOT_PROVIDED  # noqa: E402

MONTH = "2026-11"
COUNTY = "433123000000"
TOKENS = 1000


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S', time.gmtime())}] {msg}", file=sys.stderr, flush=True)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def insert_select(model: type[models.Model], exprs: dict[str, str], source: str, params=()):
    """INSERT INTO model's table SELECT exprs FROM source; the other NOT NULL columns get their
    field default (as a parameter) or now() for time stamps."""
    columns, values, args = [], [], []
    for f in model._meta.concrete_fields:
        if f.column in exprs:
            columns.append(f.column)
            values.append(exprs[f.column].replace("%", "%%"))  # a modulo, not a parameter
        elif f.primary_key or f.db_default is not NOT_PROVIDED or f.null:
            continue
        elif getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            columns.append(f.column)
            values.append("now()")
        elif f.has_default():
            columns.append(f.column)
            values.append("%s")
            args.append(f.get_db_prep_save(f.get_default(), connection))
        elif isinstance(f, (models.CharField, models.TextField)) and f.blank:
            columns.append(f.column)
            values.append("''")
        else:
            raise RuntimeError(f"{model.__name__}.{f.name}: no value for a NOT NULL column")
    sql = (
        f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) "
        f"SELECT {', '.join(values)} FROM {source.replace('%', '%%')}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*args, *params])


def seed(n: int) -> dict:
    from jiuzhu.accounts.models import User
    from jiuzhu.accounts.system import system_actor
    from jiuzhu.cases.models import Application
    from jiuzhu.core import crypto
    from jiuzhu.payments.models import Arrears, Enrolment, EnrolmentChange
    from jiuzhu.programmes.models import Programme
    from jiuzhu.programmes.seed import seed_county_defaults
    from jiuzhu.regions.models import Region
    from jiuzhu.regions.services import regions_import_csv
    from jiuzhu.registry.models import Household, Person

    regions_import_csv(
        actor=system_actor("cli"), path=ROOT / "jiuzhu/regions/data/433123_fenghuang.csv"
    )
    county = Region.objects.get(code=COUNTY)
    seed_county_defaults(county=county)
    users = {
        role: User.objects.create(username=f"bench-{role}", role=role, region=county)
        for role in ("county_admin", "county_reviewer", "finance")
    }
    programme = Programme.objects.get(code="dibao_rural")
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE bench_village AS SELECT row_number() OVER (ORDER BY v.code) - 1"
            " AS i, v.id AS village_id, v.parent_id AS township_id, v.code FROM regions_region v"
            " WHERE v.level = 'village' AND v.parent_id IN"
            " (SELECT id FROM regions_region WHERE parent_id = %s)",
            [county.pk],
        )
        cursor.execute("SELECT count(*) FROM bench_village")
        villages = cursor.fetchone()[0]
        cursor.execute("CREATE TEMP TABLE bench_token (i int, account text, pid text)")
        cursor.executemany(
            "INSERT INTO bench_token VALUES (%s, %s, %s)",
            [
                (i, crypto.encrypt(f"62309012{i:011d}"), crypto.encrypt(f"43312319700101{i:04d}"))
                for i in range(TOKENS)
            ],
        )
        cursor.execute(
            "CREATE TEMP TABLE bench_n AS SELECT g AS n, (g %% %s) AS vi, (g %% %s) AS ti"
            " FROM generate_series(1, %s) g",
            [villages, TOKENS, n],
        )
    source = "bench_n b JOIN bench_village v ON v.i = b.vi JOIN bench_token t ON t.i = b.ti"
    start = time.perf_counter()
    insert_select(
        Household,
        {
            "number": "'B' || lpad(b.n::text, 12, '0')",
            "county_id": str(county.pk),
            "township_id": "v.township_id",
            "village_id": "v.village_id",
            "area_type": "'rural'",
            "head_name": "'户主' || b.n",
            "bank_name": "'凤凰县农村商业银行'",
            "bank_account_cipher": "t.account",
            "bank_account_hash": "md5(b.n::text)",
            "bank_account_masked": "'6230**********' || lpad((b.n % 100000)::text, 5, '0')",
        },
        source,
    )
    hh = "JOIN registry_household h ON h.number = 'B' || lpad(b.n::text, 12, '0')"
    insert_select(
        Person,
        {
            "household_id": "h.id",
            "relation": "'self'",
            "name": "'户主' || b.n",
            "name_initials": "'HZ'",
            "id_cipher": "t.pid",
            "id_hash": "md5('p' || b.n::text)",
            "id_masked": "'4331**********' || lpad((b.n % 10000)::text, 4, '0')",
            "birth_date": "DATE '1960-01-01'",
            "sex": "'M'",
            "hukou_type": "'rural'",
        },
        f"{source} {hh}",
    )
    admin = users["county_admin"]
    insert_select(
        Application,
        {
            "number": "'BSQ' || b.n",
            "household_id": "h.id",
            "programme_id": str(programme.pk),
            "county_id": str(county.pk),
            "township_id": "h.township_id",
            "village_id": "h.village_id",
            "status": "'enrolled'",
            "created_by_id": str(admin.pk),
        },
        f"{source} {hh}",
    )
    care = "CASE WHEN b.n % 20 = 0 THEN 300 ELSE 0 END"
    insert_select(
        Enrolment,
        {
            "household_id": "h.id",
            "programme_id": str(programme.pk),
            "application_id": "a.id",
            "county_id": str(county.pk),
            "township_id": "h.township_id",
            "village_id": "h.village_id",
            "members": "1 + b.n % 3",
            "monthly_amount": f"200 + (b.n % 700) + {care}",
            "care_amount": care,
            "start_month": "'2026-01'",
            "end_month": "CASE WHEN b.n % 100 = 7 THEN '2026-09' ELSE '' END",
            "status": "CASE WHEN b.n % 100 = 7 THEN 'stopped' ELSE 'active' END",
            "payroll_from": "'2026-01'",
            "created_by_id": str(admin.pk),
        },
        f"{source} {hh} JOIN cases_application a ON a.number = 'BSQ' || b.n",
    )
    en = f"{source} {hh} JOIN payments_enrolment e ON e.household_id = h.id"
    insert_select(
        EnrolmentChange,
        {
            "enrolment_id": "e.id",
            "kind": "CASE WHEN b.n % 100 = 3 THEN 'suspend' ELSE 'amount' END",
            "status": "'approved'",
            "effective_month": "'2026-10'",
            "payroll_month": "'2026-10'",
            "old_amount": "e.monthly_amount - 50",
            "new_amount": "e.monthly_amount",
            "reason": "'基准测试'",
            "created_by_id": str(admin.pk),
        },
        f"{en} WHERE b.n % 50 = 1 OR b.n % 100 = 3",
    )
    insert_select(
        Arrears,
        {
            "enrolment_id": "e.id",
            "for_month": "'2026-10'",
            "amount": "50",
            "reason": "'提标补发'",
        },
        f"{en} WHERE b.n % 200 = 5",
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    log(f"seeded {n} enrolments in {time.perf_counter() - start:.1f} s")
    return {"county": county, "programme": programme, "users": users}


def timed(label: str, results: dict, fn):
    start = time.perf_counter()
    value = fn()
    results[label] = round(time.perf_counter() - start, 2)
    log(f"{label}: {results[label]} s (peak RSS {peak_rss_mb():.0f} MB)")
    return value


def export_bank_file(world, payroll) -> tuple[str, int]:
    from jiuzhu.core.spreadsheet import CsvWriter
    from jiuzhu.payments.models import PayrollLine

    try:
        from jiuzhu.payments.bankfile import bank_file_export

        bank = bank_file_export(actor=world["users"]["finance"], payroll_id=payroll.pk)
        return "bank_file_export (CSV, GB18030, full accounts decrypted)", len(bank.export.data)
    except Exception as exc:  # the bank module is another area's: fall back, and say so
        log(f"bank file export failed ({exc!r}); plain CSV of the lines instead")
    writer = CsvWriter(["序号", "收款人", "银行账号", "金额"], encoding="gb18030")
    rows = (
        PayrollLine.objects.filter(payroll=payroll)
        .order_by("seq")
        .values_list("seq", "payee_name", "bank_account_masked", "amount")
        .iterator(chunk_size=20000)
    )
    for row in rows:
        writer.append(row)
    return "plain CSV of the lines (bank file module failed)", len(writer.finish().data)


def floor(world, payroll, *, indexed: bool) -> float:
    """The same lines, numbered, written by one INSERT … SELECT into a logged table (WAL and
    commit as ours): bare, or with the lines table's own indexes (LIKE … INCLUDING ALL)."""
    from jiuzhu.payments.payroll import lines_query

    sql, params = lines_query(
        county_id=world["county"].pk, programme=world["programme"], month=MONTH
    )
    table = "floor_line_indexed" if indexed else "floor_line"
    like = "INCLUDING ALL" if indexed else "INCLUDING DEFAULTS INCLUDING IDENTITY"
    with connection.cursor() as cursor:
        # the session settings the generation uses for its query (payments.payroll._fetch)
        cursor.execute("SET work_mem = '256MB'")
        cursor.execute("SET jit = off")
        cursor.execute(f"CREATE TABLE {table} (LIKE payments_payrollline {like})")
        start = time.perf_counter()
        cursor.execute(
            f"INSERT INTO {table} (payroll_id, seq, kind, for_month, enrolment_id,"
            " household_id, township_id, village_id, members, payee_name, payee_id_cipher,"
            " payee_id_masked, bank_name, bank_account_cipher, bank_account_masked, amount,"
            " change_id, arrears_id, line_hash, outcome, paid_amount, returned_amount,"
            " return_reason)"
            " SELECT %(payroll)s, row_number() OVER (), CASE WHEN q.rnk = 0 THEN 'regular'"
            " ELSE 'arrears' END, q.for_month, q.enrolment_id, q.household_id, q.township_id,"
            " q.village_id, q.members, q.payee_name, q.pid, q.pmask, q.bank_name, q.acc,"
            " q.accmask, q.amount, q.change_id, q.arrears_id, md5(q.enrolment_id::text),"
            " 'pending', 0, 0, ''"
            f" FROM ({_named(sql)}) q",
            {**params, "payroll": payroll.pk},
        )
        return time.perf_counter() - start


def _named(sql: str) -> str:
    """The lines query with its unnamed payee and bank columns named."""
    return (
        sql.replace("COALESCE(p.name, hp.name, h.head_name),", "COALESCE(p.name, hp.name, h.head_name) AS payee_name,")
        .replace("COALESCE(p.id_cipher, hp.id_cipher, ''),", "COALESCE(p.id_cipher, hp.id_cipher, '') AS pid,")
        .replace("COALESCE(p.id_masked, hp.id_masked, ''), h.bank_name, h.bank_account_cipher,", "COALESCE(p.id_masked, hp.id_masked, '') AS pmask, h.bank_name, h.bank_account_cipher AS acc,")
        .replace("h.bank_account_masked\n", "h.bank_account_masked AS accmask\n")
    )  # fmt: skip


def explain(world) -> None:
    from jiuzhu.payments.payroll import lines_query

    sql, params = lines_query(
        county_id=world["county"].pk, programme=world["programme"], month=MONTH
    )
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        log("\n".join(row[0] for row in cursor.fetchall()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--enrolments", type=int, default=50_000)
    parser.add_argument("--explain", action="store_true", help="print the lines query's plan")
    parser.add_argument("--profile", action="store_true", help="profile the generation")
    args = parser.parse_args()
    assert connection.vendor == "postgresql", "run through benchmarks/run.sh (PostgreSQL)"
    call_command("migrate", verbosity=0)
    world = seed(args.enrolments)

    # A server process has these loaded; importing them (openpyxl: 0.5 s) is not the export's time
    import jiuzhu.core.spreadsheet  # noqa: F401
    import jiuzhu.payments.bankfile  # noqa: F401
    from jiuzhu.payments.models import Payroll
    from jiuzhu.payments.payroll import payroll_generate, payroll_verify
    from jiuzhu.payments.payroll_checks import check_payroll
    from jiuzhu.payments.payroll_services import payroll_approve, payroll_release

    users = world["users"]
    if args.explain:
        explain(world)
    times: dict = {}
    rss_before = peak_rss_mb()

    def generate():
        return payroll_generate(
            actor=users["county_admin"], month=MONTH, programme_code="dibao_rural", inline=True
        )

    if args.profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        job = timed("generate_with_checks", times, lambda: profiler.runcall(generate))
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(30)
    else:
        job = timed("generate_with_checks", times, generate)
    assert job.status == "succeeded", job.message
    payroll = Payroll.objects.get(pk=job.result["payroll_id"])
    result = timed("checks_again", times, lambda: check_payroll(payroll))
    verified = timed("verify_signatures", times, lambda: payroll_verify(payroll))
    assert not result["differences"] and verified.ok, (result["differences"][:5], verified)
    payroll_approve(actor=users["county_reviewer"], payroll_id=payroll.pk)
    payroll_release(actor=users["finance"], payroll_id=payroll.pk)
    if args.profile:
        profiler = cProfile.Profile()
        exported, size = timed(
            "export", times, lambda: profiler.runcall(export_bank_file, world, payroll)
        )
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(25)
    else:
        exported, size = timed("export", times, lambda: export_bank_file(world, payroll))
    ours = times["generate_with_checks"] + times["export"]
    bare = floor(world, payroll, indexed=False)
    log(f"floor (bare INSERT … SELECT): {bare:.2f} s")
    bare_indexed = floor(world, payroll, indexed=True)
    log(f"floor (INSERT … SELECT into the lines table's indexes): {bare_indexed:.2f} s")
    out = {
        "date": dt.date.today().isoformat(),
        "machine": f"{platform.node()} {os.cpu_count()} cores, {platform.machine()}",
        "python": platform.python_version(),
        "enrolments": args.enrolments,
        "lines": payroll.line_count,
        "amount": str(payroll.total_amount),
        "seconds": times,
        "generate_check_export_seconds": round(ours, 2),
        "export": exported,
        "export_bytes": size,
        "floor_insert_select_seconds": round(bare, 2),
        "ratio_to_floor": round(ours / bare, 2) if bare else None,
        "floor_with_line_indexes_seconds": round(bare_indexed, 2),
        "generate_only_ratio_to_floor_with_indexes": round(
            times["generate_with_checks"] / bare_indexed, 2
        ),
        "peak_rss_mb": round(peak_rss_mb()),
        "rss_before_generation_mb": round(rss_before),
    }
    text = json.dumps(out, ensure_ascii=False, indent=2)
    print(text)
    target = ROOT / "benchmarks/out"
    target.mkdir(exist_ok=True)
    (target / f"payroll-{dt.datetime.now():%Y%m%d-%H%M}.json").write_text(text + "\n")


if __name__ == "__main__":
    main()
