"""Import and reconcile a bank result file for a large payroll, against the floor: a bare COPY of
the same file into a table. Prints one JSON line.

    bash benchmarks/run.sh bank [--lines N]        (default 100,000; the goal is 2,000,000)

The payroll's lines are inserted with one INSERT … SELECT generate_series (its cost is not
measured); the result file is a UTF-8 CSV with 1 % of the lines returned. Measured: the whole
`bank_result_import` (the upload guard's checks and parse in its child process, the
reconciliation, the single UPDATE … FROM unnest, the import record, the audit row, closing),
with the parse, reconcile and write times logged separately, and the bare COPY of the file.
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

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

MONTH = "2026-11"


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def peak_rss_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return round(own / 1024, 1), round(child / 1024, 1)


def seed(n: int):
    from jiuzhu.accounts.models import User
    from jiuzhu.core import crypto
    from jiuzhu.payments.models import Payroll
    from jiuzhu.regions.models import Region
    from jiuzhu.registry.builders import build_household, household_number
    from tests.integration.payment_builders import enrolment

    county = Region.objects.create(code="433123000000", name="凤凰县", level="county")
    town = Region.objects.create(
        code="433123100000", name="沱江镇", level="township", parent=county
    )
    village = Region.objects.create(
        code="433123100201", name="沙湾村", level="village", parent=town, urban_rural_code="220"
    )
    maker = User.objects.create(username="bench-county", role="county_admin", region=county)
    finance = User.objects.create(username="bench-finance", role="finance", region=county)
    household = build_household(
        number=household_number(village.code, 1),
        village=village,
        address="沙湾村1组",
        area_type="rural",
        head_name="龙大山",
        phone="13812345678",
        bank_name="农村商业银行",
        bank_account="6230901234567890123",
    )
    household.save()
    e = enrolment(household, created_by=maker)
    payroll = Payroll.objects.create(
        county=county,
        programme=e.programme,
        month=MONTH,
        number=f"FF433123-{MONTH.replace('-', '')}-{e.programme.code}",
        status=Payroll.Status.RELEASED,
        generated_by=maker,
        line_count=n,
    )
    account = crypto.encrypt("6230901234567890123")
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO payments_payrollline (payroll_id, seq, kind, for_month, enrolment_id,"
            " household_id, township_id, village_id, members, payee_name, payee_id_cipher,"
            " payee_id_masked, bank_name, bank_account_cipher, bank_account_masked, amount,"
            " line_hash, outcome, paid_amount, returned_amount, return_reason)"
            " SELECT %s, s, 'regular', %s, %s, %s, %s, %s, 2, '龙大山' || s, '', '', '农商行',"
            " %s, '6230***0123', 300 + (s %% 500) + (s %% 100) / 100.0, md5(s::text),"
            " 'pending', 0, 0, '' FROM generate_series(1, %s) s",
            [payroll.pk, MONTH, e.pk, household.pk, town.pk, village.pk, account, n],
        )
        cursor.execute("ANALYZE payments_payrollline")
    return payroll, finance


def result_file(payroll, n: int) -> bytes:
    from decimal import Decimal

    parts = ["业务流水号,结果,实发金额,失败原因\r\n"]
    for s in range(1, n + 1):
        amount = Decimal(300 + s % 500) + Decimal(s % 100) / 100
        if s % 100 == 0:
            parts.append(f"{payroll.number}-{s},退回,,账户已销户\r\n")
        else:
            parts.append(f"{payroll.number}-{s},成功,{amount:.2f},\r\n")
    return "".join(parts).encode("utf-8")


def copy_floor(data: bytes) -> float:
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE floor_result (ref text, result text, amount text, reason text)"
        )
        start = time.perf_counter()
        with cursor.copy("COPY floor_result FROM STDIN (FORMAT csv, HEADER true)") as copy:
            for at in range(0, len(data), 1 << 20):
                copy.write(data[at : at + (1 << 20)])
        return time.perf_counter() - start


def instrument(timings: dict) -> None:
    """Log the parts of the import (parse, reconcile, write) without changing it."""
    from jiuzhu.payments import bank_services, reconcile

    def timed(name, fn):
        def wrapper(*args, **kwargs):
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                timings[name] = round(time.perf_counter() - start, 2)

        return wrapper

    bank_services._parse = timed("parse_s", bank_services._parse)
    bank_services._line_states = timed("load_lines_s", bank_services._line_states)
    bank_services.reconcile.reconcile = timed("reconcile_s", reconcile.reconcile)
    bank_services._write = timed("write_s", bank_services._write)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=100_000)
    n = parser.parse_args().lines
    call_command("migrate", verbosity=0, interactive=False)
    from jiuzhu.payments.bank_services import bank_result_import
    from jiuzhu.payments.models import Payroll, PayrollLine

    log(f"seeding a released payroll of {n:,} lines")
    payroll, finance = seed(n)
    data = result_file(payroll, n)
    log(f"result file: {len(data) / 1e6:.1f} MB")
    timings: dict = {}
    instrument(timings)
    start = time.perf_counter()
    result = bank_result_import(
        actor=finance, payroll_id=payroll.pk, file_name="result.csv", data=data
    )
    seconds = time.perf_counter() - start
    payroll.refresh_from_db()
    assert result.written == n and payroll.status == Payroll.Status.CLOSED
    assert not PayrollLine.objects.filter(payroll=payroll, outcome="pending").exists()
    floor = copy_floor(data)
    own, child = peak_rss_mb()
    print(
        json.dumps(
            {
                "benchmark": "bank_result_import",
                "date": dt.date.today().isoformat(),
                "machine": f"{platform.node()} {os.cpu_count()} cores",
                "lines": n,
                "file_mb": round(len(data) / 1e6, 1),
                "import_s": round(seconds, 2),
                **timings,
                "copy_floor_s": round(floor, 2),
                "ratio": round(seconds / floor, 1) if floor else None,
                "peak_rss_mb": own,
                "parse_child_peak_rss_mb": child,
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
