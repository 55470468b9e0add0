"""The demo county's forms are not empty (R21): after the demo build (households, cases,
cross-checks, payments, last month's payroll, the service-purchase register) the monthly
statistics count last month's payroll, the special-governance table its findings, and the
quarterly table the registered contracts."""

import time

import pytest
from django.utils import timezone

from jiuzhu.core.month import Month
from jiuzhu.demo.cases_demo import create_demo_cases
from jiuzhu.demo.crosscheck import create_demo_crosscheck, demo_accounts
from jiuzhu.demo.generator import generate_demo
from jiuzhu.demo.payments_demo import create_demo_payments
from jiuzhu.demo.payroll_demo import run_demo_month
from jiuzhu.demo.reports_demo import CONTRACTS, create_demo_purchases
from jiuzhu.demo.users import create_demo_users
from jiuzhu.programmes.seed import seed_county_defaults
from jiuzhu.regions.models import Region
from jiuzhu.reports.services import form_build, form_seal

pytestmark = pytest.mark.django_db


def test_demo_forms_have_figures(tmp_path, settings):
    settings.JIUZHU_SNAPSHOT_DIR = tmp_path / "snapshots"
    today = timezone.localdate()
    generate_demo(households=1500, seed=7)
    county = Region.objects.get(code="433123000000")
    seed_county_defaults(county=county)
    create_demo_users()
    create_demo_cases()
    create_demo_crosscheck(users=demo_accounts(), today=today, seed=7)
    create_demo_payments(today=today, seed=7)
    run_demo_month(today=today, seed=7)
    assert create_demo_purchases(today=today) == len(CONTRACTS)
    assert create_demo_purchases(today=today) == 0  # once
    admin = demo_accounts()["county-admin"]
    last = str(Month.of(today).prev())

    def total(code, month, key):
        return form_build(actor=admin, code=code, region=county, month=month).total.cells[key]

    assert total("assistance_monthly", last, "r.h").value > 0
    assert total("assistance_monthly", last, "all.a").value > 0
    assert (
        total("urban_dynamic", last, "after.h").value
        + total("rural_screening", last, "all.h").value
        > 0
    )
    this = str(Month.of(today))
    assert total("governance_monthly", this, "finding.raised").value > 0
    assert total("services_quarterly", this, "all.n").value == len(CONTRACTS)
    # sealing last month keeps every form of the county and its townships as it is now
    before = form_build(actor=admin, code="rural_screening", region=county, month=last)
    started = time.monotonic()
    form_seal(actor=admin, month=last)
    print(f"sealed {last} in {time.monotonic() - started:.1f} s")
    after = form_build(actor=admin, code="rural_screening", region=county, month=last)
    assert after.frozen_at is not None
    assert [r.cells["all.h"].value for r in after.rows] == [
        r.cells["all.h"].value for r in before.rows
    ]
