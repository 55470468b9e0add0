"""Reports benchmark on PostgreSQL: the monthly assistance statistics table (社会救助月度统计表)
of a 2,000,000-enrolment province, against the floor of a bare ``GROUP BY`` of the same lines.

In one run:

  1. seed N enrolments (default 2,000,000) in the demo county with the payroll benchmark's seed
     (``benchmarks/payroll_generate.seed``: households, heads, applications and enrolments,
     all inside PostgreSQL), then spread them over programmes (30 % urban dibao, 55 % rural,
     10 % dispersed extreme poverty, 5 % disability living allowance), make 1 % of them new this
     month, and write the month's regular payroll of each programme — one line per enrolment in
     force, a care-subsidy line for 5 % — with ``INSERT … SELECT``;
  2. (a) our path: ``form_build(code="assistance_monthly")`` for the county, as a county
     administrator — the GROUP BY with distinct households, the new and exited enrolments, the
     standards, the 合计 with its trace specs — best of 3 wall times, and the first;
  3. (b) the floor: ``SELECT township, programme, kind, count(*), sum(members), sum(amount)
     … GROUP BY`` over the same lines (best of 3); the ratio (a)/(b) is printed (goal: under 10 s).

    bash benchmarks/run.sh reports                        # 2,000,000 enrolments
    bash benchmarks/run.sh reports --enrolments 100000    # a quick run

Prints one JSON document (also written to benchmarks/out/reports-YYYYMMDD-HHMM.json).
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
from django.db import connection  # noqa: E402

from benchmarks.payroll_generate import insert_select, log, seed  # noqa: E402

MONTH = "2026-11"
SHARES = (("dibao_urban", 0, 30), ("dibao_rural", 30, 85), ("extreme_poverty_dispersed", 85, 95))
OTHER = "disability_living"


def spread_and_pay(world) -> int:
    """Programmes, new enrolments and the month's payrolls; returns the number of lines."""
    from jiuzhu.payments.models import Payroll, PayrollLine
    from jiuzhu.programmes.models import Programme

    county, admin = world["county"], world["users"]["county_admin"]
    codes = {p.code: p.pk for p in Programme.objects.all()}
    case = " ".join(
        f"WHEN id %% 100 >= {lo} AND id %% 100 < {hi} THEN {codes[c]}" for c, lo, hi in SHARES
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE payments_enrolment SET programme_id = CASE {case} ELSE {codes[OTHER]} END,"
            " start_month = CASE WHEN id %% 100 = 50 THEN %s ELSE start_month END,"
            " payroll_from = CASE WHEN id %% 100 = 50 THEN %s ELSE payroll_from END",
            [MONTH, MONTH],
        )
    payrolls = {}
    for n, code in enumerate([c for c, _lo, _hi in SHARES] + [OTHER], start=1):
        payrolls[code] = Payroll.objects.create(
            county=county,
            programme_id=codes[code],
            month=MONTH,
            number=f"BR-{n}",
            generated_by=admin,
        )
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE bench_payroll (programme_id int, payroll_id int)")
        cursor.executemany(
            "INSERT INTO bench_payroll VALUES (%s, %s)",
            [(codes[c], p.pk) for c, p in payrolls.items()],
        )
    source = (
        "(SELECT e.*, bp.payroll_id, row_number() OVER (PARTITION BY e.programme_id"
        " ORDER BY e.id) AS seq FROM payments_enrolment e JOIN bench_payroll bp"
        " ON bp.programme_id = e.programme_id WHERE e.status = 'active') x"
    )
    common = {
        "payroll_id": "x.payroll_id",
        "for_month": f"'{MONTH}'",
        "enrolment_id": "x.id",
        "household_id": "x.household_id",
        "township_id": "x.township_id",
        "village_id": "x.village_id",
        "members": "x.members",
        "payee_name": "'户主'",
        "line_hash": "md5(x.id::text)",
    }
    insert_select(
        PayrollLine,
        {
            **common,
            "seq": "x.seq",
            "kind": "'regular'",
            "amount": "x.monthly_amount - x.care_amount",
        },
        source,
    )
    insert_select(
        PayrollLine,
        {**common, "seq": "x.seq + 10000000", "kind": "'care'", "amount": "x.care_amount"},
        f"{source} WHERE x.care_amount > 0",
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return PayrollLine.objects.count()


FLOOR_SQL = """
    SELECT l.township_id, p.programme_id, l.kind, count(*), sum(l.members), sum(l.amount)
    FROM payments_payrollline l JOIN payments_payroll p ON p.id = l.payroll_id
    WHERE p.month = %s AND p.county_id = %s
    GROUP BY 1, 2, 3
"""


def floor(county) -> tuple[float, object]:
    best, total = None, None
    for _ in range(3):
        start = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(FLOOR_SQL, [MONTH, county.pk])
            rows = cursor.fetchall()
        took = time.perf_counter() - start
        best = took if best is None else min(best, took)
        total = sum(r[5] for r in rows)
    return best, total


def ours(world) -> tuple[float, float, object]:
    from jiuzhu.reports.services import form_build

    times, result = [], None
    for _ in range(3):
        start = time.perf_counter()
        result = form_build(
            actor=world["users"]["county_admin"],
            code="assistance_monthly",
            region=world["county"],
            month=MONTH,
        )
        times.append(time.perf_counter() - start)
    return times[0], min(times), result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--enrolments", type=int, default=2_000_000)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    log(f"seeding {args.enrolments} enrolments")
    world = seed(args.enrolments)
    started = time.perf_counter()
    lines = spread_and_pay(world)
    log(f"{lines} payroll lines written in {time.perf_counter() - started:.1f} s")
    first, best, result = ours(world)
    log(f"form: first {first:.2f} s, best {best:.2f} s")
    floor_s, floor_total = floor(world["county"])
    log(f"floor: {floor_s:.2f} s")
    total = result.total.cells["all.a"].value
    assert total == floor_total, f"the form's total {total} is not the floor's {floor_total}"
    out = {
        "benchmark": "reports: monthly assistance statistics (社会救助月度统计表)",
        "date": dt.date.today().isoformat(),
        "machine": f"{platform.node()} {platform.machine()} {os.cpu_count()} cores",
        "enrolments": args.enrolments,
        "payroll_lines": lines,
        "rows": len(result.rows),
        "total_households": result.total.cells["u.h"].value + result.total.cells["r.h"].value,
        "total_amount": str(total),
        "form_first_s": round(first, 2),
        "form_best_s": round(best, 2),
        "floor_group_by_s": round(floor_s, 2),
        "ratio": round(best / floor_s, 2) if floor_s else None,
        "goal_s": 10,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    text = json.dumps(out, ensure_ascii=False, indent=2)
    print(text)
    target = ROOT / "benchmarks/out" / f"reports-{time.strftime('%Y%m%d-%H%M')}.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
