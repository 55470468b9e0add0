"""Last month's payment run for the demo county, through the same services a county uses: for
each monthly programme with people in payroll, the county administrator generates the payroll,
the county reviewer approves it, finance releases it and imports a bank result in which about
one line in two hundred came back (account frozen, name mismatch). So the roster, the household
pages' payment history, the reconciliation and the re-issue page have something to show; this
month's payroll is left for the user to generate."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from jiuzhu.core.errors import JiuzhuError
from jiuzhu.core.month import Month
from jiuzhu.core.spreadsheet import CsvWriter
from jiuzhu.payments.bank_services import bank_result_import
from jiuzhu.payments.models import Enrolment, Payroll
from jiuzhu.payments.payroll import payroll_generate
from jiuzhu.payments.payroll_services import payroll_approve, payroll_release
from jiuzhu.payments.reconcile import line_ref
from jiuzhu.regions.models import Region

from .crosscheck import demo_accounts
from .generator import COUNTY_CODE

RETURN_REASONS = ("账户已冻结", "户名与账号不符", "账户已销户")
RETURN_SHARE = 0.005


@dataclass(frozen=True)
class DemoMonth:
    month: str
    payrolls: list[str]  # their numbers
    lines: int
    returned: int
    problems: list[str]

    def line(self) -> str:
        text = (
            f"已完成{Month.parse(self.month).label}发放：{len(self.payrolls)}本名册，"
            f"{self.lines}笔明细，银行退回{self.returned}笔（可在“代发与对账”中重发）。"
        )
        return text + "".join(f"\n  {p}" for p in self.problems)


def _result_file(payroll: Payroll, rng: random.Random) -> tuple[bytes, int]:
    """The bank's answer, as a bank would send it (UTF-8 CSV)."""
    writer = CsvWriter(["业务流水号", "结果", "实发金额", "失败原因"], encoding="utf-8")
    returned = 0
    lines = payroll.lines.order_by("seq").values_list("seq", "amount")
    for seq, amount in lines.iterator(chunk_size=5000):
        if rng.random() < RETURN_SHARE:
            returned += 1
            writer.append([line_ref(payroll.number, seq), "失败", None, rng.choice(RETURN_REASONS)])
        else:
            writer.append([line_ref(payroll.number, seq), "成功", amount, None])
    return writer.finish().data, returned


def run_demo_month(*, today: date, seed: int = 20261122) -> DemoMonth | None:
    """Generate, approve, release and settle last month's payrolls; None when they exist."""
    county = Region.objects.get(code=COUNTY_CODE)
    month = str(Month.of(today).prev())
    if Payroll.objects.filter(county=county, month=month).exists():
        return None
    staff = demo_accounts()
    rng = random.Random(seed)
    codes = (
        Enrolment.objects.filter(county=county, programme__payment="monthly")
        .exclude(payroll_from="")
        .filter(payroll_from__lte=month)
        .values_list("programme__code", flat=True)
        .distinct()
        .order_by("programme__code")
    )
    numbers, lines, returned, problems = [], 0, 0, []
    for code in codes:
        job = payroll_generate(
            actor=staff["county-admin"], month=month, programme_code=code, inline=True
        )
        if job.status != "succeeded":
            problems.append(f"{code}：生成失败：{job.message}")
            continue
        payroll = Payroll.objects.get(pk=job.result["payroll_id"])
        numbers.append(payroll.number)
        lines += payroll.line_count
        try:
            payroll_approve(actor=staff["county-reviewer"], payroll_id=payroll.pk)
            payroll_release(actor=staff["finance"], payroll_id=payroll.pk)
            data, back = _result_file(payroll, rng)
            bank_result_import(
                actor=staff["finance"],
                payroll_id=payroll.pk,
                file_name=f"银行回盘_{payroll.number}.csv",
                data=data,
            )
            returned += back
        except JiuzhuError as exc:  # left where it stopped, for the user to see why
            problems.append(f"{payroll.number}：{exc.message}")
    if not numbers and not problems:
        return None
    return DemoMonth(month, numbers, lines, returned, problems)
