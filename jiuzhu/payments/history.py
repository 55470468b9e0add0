"""A household's payments: its enrolments with their changes, and month by month the payroll
lines paid to it with each line's outcome (paid, returned, re-issued, recovered). Read-only;
the household is looked up through the registry's jurisdiction (404 outside)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from jiuzhu.accounts.jurisdiction import region_q
from jiuzhu.core.money import format_yuan
from jiuzhu.core.month import Month
from jiuzhu.registry.selectors import household_get

from .models import Enrolment, Payroll, PayrollLine, Recovery


@dataclass(frozen=True)
class LineView:
    line: PayrollLine
    outcome: str  # 已发放 / 退回（原因） / 已重发 / 已追回 …
    css: str  # a Bootstrap text colour for the outcome


@dataclass(frozen=True)
class MonthView:
    month: str
    label: str
    lines: list[LineView]


@dataclass(frozen=True)
class HouseholdPayments:
    household: object
    enrolments: list[Enrolment]
    months: list[MonthView]


def _recovery_text(recovery: Recovery) -> str:
    if recovery.status == Recovery.Status.RECOVERED:
        return "已追回"
    if recovery.status == Recovery.Status.WRITTEN_OFF:
        return "已核销"
    return f"追回中（{recovery.get_status_display()}）"


def line_outcome(line: PayrollLine) -> tuple[str, str]:
    """The outcome a person reads for a line, and its colour."""
    parts: list[str] = []
    css = "text-muted"
    if line.outcome == PayrollLine.Outcome.PAID:
        css = "text-success"
        text = "已发放"
        if line.paid_amount != line.amount:
            text += f"（实发{format_yuan(line.paid_amount)}）"
        parts.append(text)
    elif line.outcome == PayrollLine.Outcome.RETURNED:
        css = "text-danger"
        parts.append(f"退回（{line.return_reason or '银行未注明原因'}）")
        reissue = getattr(line, "reissued_as", None)  # a missing reverse one-to-one raises
        if reissue is not None:
            css = "text-warning"
            parts.append(f"已重发（{reissue.payroll.number}）")
    elif line.payroll.status in (Payroll.Status.GENERATED, Payroll.Status.APPROVED):
        parts.append("待发放")
    else:
        parts.append("待银行反馈")
    recoveries = list(line.recoveries.all())
    if recoveries:
        parts.extend(_recovery_text(r) for r in recoveries)
        css = "text-danger"
    return "，".join(parts), css


def household_payments(*, user, household_id: int) -> HouseholdPayments:
    household = household_get(user=user, pk=household_id)  # 404 outside the jurisdiction
    enrolments = list(
        Enrolment.objects.filter(region_q(user), household=household)
        .select_related("programme", "person")
        .prefetch_related("changes")
        .order_by("-start_month", "-id")
    )
    lines = (
        PayrollLine.objects.filter(household=household)
        .select_related(
            "payroll", "enrolment__programme", "reissue_of__payroll", "reissued_as__payroll"
        )
        .prefetch_related("recoveries")
        .order_by("-for_month", "payroll__number", "seq")
    )
    by_month: dict[str, list[LineView]] = defaultdict(list)
    for line in lines:
        text, css = line_outcome(line)
        by_month[line.for_month].append(LineView(line, text, css))
    months = [
        MonthView(month, Month.parse(month).label, views)
        for month, views in sorted(by_month.items(), reverse=True)
    ]
    return HouseholdPayments(household, enrolments, months)
