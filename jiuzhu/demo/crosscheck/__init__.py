"""Demo cross-checks (R5–R9): the county's existing recipients, the registries other agencies
send, and one monthly run, so that /crosscheck/ shows realistic findings when the demo starts.

1. Existing recipients (``recipients``), with their decided applications' whole history.
2. Registry files (``registries``), one module per registry: ``deaths``, ``fiscal_staff``,
   ``village_cadres``, ``vehicles``, ``businesses``, ``real_estate``, ``poverty``,
   ``disability``, ``neighbours``, ``pensions``.
3. The month's run, so the findings exist when the demo starts.

Everything comes from one seeded ``random.Random`` (``planting.Planting``): the same demo
county gives the same files.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction

from jiuzhu.crosscheck.models import CheckRun, Finding, RegistrySnapshot
from jiuzhu.crosscheck.run import crosscheck_run
from jiuzhu.demo.generator import COUNTY_CODE
from jiuzhu.regions.models import Region

from .county import HOME_TOWNSHIP
from .planting import Planting
from .recipients import write_recipients
from .registries import import_registries

__all__ = [
    "HOME_TOWNSHIP",
    "DemoCrosscheck",
    "create_demo_crosscheck",
    "demo_accounts",
    "prepare_demo_crosscheck",
]


@dataclass(frozen=True)
class DemoCrosscheck:
    enrolled: int  # recipient households (dibao) written
    snapshots: int  # registry files imported
    month: str
    findings: int  # findings of the month's run (review queue included)
    home_findings: int  # of which in 沱江镇
    review: int
    seconds: float
    planted: dict[str, list[int]] = field(default_factory=dict)  # what was planted where (tests)

    def line(self) -> str:
        return (
            f"已生成比对演示数据：在保低保{self.enrolled}户，导入比对数据{self.snapshots}批；"
            f"{self.month}比对发现疑点{self.findings}条（其中待人工比对{self.review}条），"
            f"沱江镇{self.home_findings}条（用时{self.seconds:.0f}秒）。"
        )


def demo_accounts() -> dict:
    """The demo accounts by username (jiuzhu.demo.users), as create_demo_crosscheck and
    run_demo_month take them."""
    from jiuzhu.accounts.models import User
    from jiuzhu.demo.users import DEMO_USERS

    return {
        u.username: u for u in User.objects.filter(username__in=[d.username for d in DEMO_USERS])
    }


def prepare_demo_crosscheck(*, county, users: dict, today: date, seed: int) -> tuple[Planting, int]:
    """The recipients and the imported registry files, without the run: the planting and how
    many files were imported."""
    plant = Planting(county=county, users=users, today=today, seed=seed)
    write_recipients(plant)
    return plant, import_registries(plant)


def create_demo_crosscheck(
    *,
    users: dict,
    today: date,
    seed: int = 20261122,
) -> DemoCrosscheck | None:
    """Recipients, registry snapshots and the run of `today`'s month; None when done already.

    `users`: accounts by username; "county-admin" (a county administrator of the demo county)
    imports and runs, "township-head" (沱江镇) is named as the one who decided its cases.
    """
    county = Region.objects.get(code=COUNTY_CODE)
    if (
        CheckRun.objects.filter(county=county).exists()
        or RegistrySnapshot.objects.filter(county=county).exists()
    ):
        return None
    started = time.monotonic()
    with transaction.atomic():  # all or nothing: a failed step leaves the demo as it was
        plant, imported = prepare_demo_crosscheck(
            county=county, users=users, today=today, seed=seed
        )
        run = crosscheck_run(actor=plant.admin, month=plant.month, inline=True)
        run.refresh_from_db()
        if run.status != CheckRun.Status.DONE:
            raise RuntimeError(f"演示比对未完成：{run.message}")
    findings = Finding.objects.filter(county=county, run=run)
    return DemoCrosscheck(
        enrolled=len(plant.recipients),
        snapshots=imported,
        month=plant.month,
        findings=findings.count(),
        home_findings=findings.filter(township__code=HOME_TOWNSHIP).count(),
        review=findings.filter(status=Finding.Status.REVIEW).count(),
        seconds=time.monotonic() - started,
        planted=dict(plant.notes),
    )
