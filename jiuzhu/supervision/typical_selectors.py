"""Reading the typical-case reports (典型案例月报, R20): the month's report and cases, the handled
clues, findings and recoveries of the month to pick from, and each month's state — 已报送,
零报告, 逾期未报送 (the due day of the following month has passed without a submitted report) or
待报送. County staff who record complaints read their own county's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q

from jiuzhu.accounts.roles import Perm
from jiuzhu.programmes.catalogue import SettingKey
from jiuzhu.programmes.selectors import setting_value
from jiuzhu.regions.models import Region

from .models import Clue, TypicalCase, TypicalCaseReport

Status = TypicalCaseReport.Status


def reader_county(user) -> Region | None:
    """The county whose reports the user reads: county staff who record complaints."""
    if user is None or not user.can(Perm.RECORD_COMPLAINTS) or user.region is None:
        return None
    return user.region if user.region.level == Region.Level.COUNTY else None


def month_start(month: str) -> date:
    return date(int(month[:4]), int(month[5:7]), 1)


def next_month(month: str) -> str:
    y, m = int(month[:4]), int(month[5:7])
    return f"{y + m // 12}-{m % 12 + 1:02d}"


def previous_month(month: str) -> str:
    y, m = int(month[:4]), int(month[5:7])
    return f"{y - 1}-12" if m == 1 else f"{y}-{m - 1:02d}"


def due_date(*, county, month: str) -> date:
    """The report of `month` is due by the configured day (1–28) of the following month."""
    start = month_start(next_month(month))
    day = int(setting_value(county=county, key=SettingKey.TYPICAL_CASE_DUE_DAY, on=start))
    return start.replace(day=min(max(day, 1), 28))


@dataclass(frozen=True)
class MonthState:
    month: str
    due_on: date
    report: TypicalCaseReport | None
    cases: int
    submitted: bool
    zero: bool
    late: bool  # the due day has passed and nothing was submitted: 逾期未报送
    submitted_late: bool

    @property
    def month_label(self) -> str:
        return f"{self.month[:4]}年{int(self.month[5:7])}月"

    @property
    def label(self) -> str:
        if self.submitted:
            return "零报告" if self.zero else "已报送"
        return "逾期未报送" if self.late else "待报送"


def month_state(*, county, month: str, today: date) -> MonthState:
    report = TypicalCaseReport.objects.filter(county=county, month=month).first()
    due_on = due_date(county=county, month=month)
    submitted = report is not None and report.status == Status.SUBMITTED
    submitted_on = report.submitted_at.date() if submitted and report.submitted_at else None
    return MonthState(
        month=month,
        due_on=due_on,
        report=report,
        cases=report.cases.count() if report is not None else 0,
        submitted=submitted,
        zero=submitted and report.zero_report,
        late=not submitted and today > due_on,
        submitted_late=submitted_on is not None and submitted_on > due_on,
    )


def recent_months(*, county, today: date, count: int = 12) -> list[MonthState]:
    """The last `count` months before today's, newest first."""
    month = previous_month(f"{today.year}-{today.month:02d}")
    states = []
    for _ in range(count):
        states.append(month_state(county=county, month=month, today=today))
        month = previous_month(month)
    return states


def late_months(*, county, today: date, count: int = 12) -> list[str]:
    """Months flagged 逾期未报送 among the recent ones."""
    return [s.month for s in recent_months(county=county, today=today, count=count) if s.late]


def report_cases(report: TypicalCaseReport | None) -> list[TypicalCase]:
    if report is None:
        return []
    return list(report.cases.select_related("clue", "finding", "recovery"))


def candidates(*, county, month: str) -> list[tuple[str, str]]:
    """The month's handled sources in the county, as (value "kind:id", label): clues closed in
    the month, findings acted on or closed in the month, recoveries registered in the month."""
    from jiuzhu.crosscheck.models import Finding
    from jiuzhu.payments.models import Recovery

    start, end = month_start(month), month_start(next_month(month))
    out: list[tuple[str, str]] = []
    for c in Clue.objects.filter(
        county=county, status=Clue.Status.CLOSED, closed_on__gte=start, closed_on__lt=end
    ).order_by("pk")[:200]:
        out.append((f"clue:{c.pk}", f"问题线索{c.number}：{c.content[:30]}"))
    handled = [Finding.Status.ACTED, Finding.Status.CLOSED]
    in_month = Q(acted_at__date__gte=start, acted_at__date__lt=end) | Q(
        closed_at__date__gte=start, closed_at__date__lt=end
    )
    findings = Finding.objects.filter(in_month, county=county, status__in=handled)
    for f in findings.select_related("township").order_by("pk")[:200]:
        action = f.get_action_display() if f.action else f.get_status_display()
        out.append((f"finding:{f.pk}", f"比对核查发现（{f.township.name}，{action}）"))
    for r in Recovery.objects.filter(
        county=county, created_at__date__gte=start, created_at__date__lt=end
    ).order_by("pk")[:200]:
        out.append((f"recovery:{r.pk}", f"追回{r.amount}元：{r.get_cause_display()}"))
    return out
