"""The home page's work queue: per role, what waits today, what is overdue and what waits for
the user's level, each a count that links to the list it was counted from (the same filter
functions and query parameters, so a count and its list agree). Read-only."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.urls import reverse
from django.utils.http import urlencode

from jiuzhu.accounts.roles import Perm
from jiuzhu.cases.models import SpotCheckVisit
from jiuzhu.cases.queues import QueueRow, due_state, filter_rows, work_queue
from jiuzhu.crosscheck.finding_flow import OPEN_STATUSES
from jiuzhu.crosscheck.finding_selectors import finding_search, findings_for
from jiuzhu.payments import bank_selectors, change_selectors, recovery_selectors
from jiuzhu.payments.models import Payroll, Recovery
from jiuzhu.payments.payroll_selectors import payrolls_for
from jiuzhu.supervision.clue_selectors import open_counts


@dataclass(frozen=True)
class Tile:
    label: str
    count: int
    url: str
    urgent: bool = False  # shown red when it counts something late


@dataclass
class Section:
    title: str
    tiles: list[Tile] = field(default_factory=list)

    def add(self, label: str, count: int, url: str, *, urgent: bool = False) -> None:
        self.tiles.append(Tile(label, count, url, urgent and count > 0))


@dataclass(frozen=True)
class TownshipRow:
    """The county's view of one township's queue (every number a link)."""

    township_id: int
    name: str
    open_cases: int
    due_soon: int
    overdue: int
    findings_open: int
    findings_overdue: int


@dataclass
class Home:
    sections: list[Section]
    townships: list[TownshipRow]


def _url(name: str, **query) -> str:
    query = {k: v for k, v in query.items() if v not in ("", None)}
    return reverse(name) + (f"?{urlencode(query)}" if query else "")


def _cases(user, rows: list[QueueRow]) -> Section:
    section = Section("申请办理")
    level = "county" if user.region.level == "county" else "township"
    for due, label in (
        ("overdue", "办理环节已逾期"),
        ("today", "今日到期"),
        ("soon", "3个工作日内到期"),
    ):
        count = len(filter_rows(rows, due=due))
        section.add(label, count, _url("cases:queue", due=due), urgent=due == "overdue")
    if user.can(Perm.HANDLE_CASES) or user.can(Perm.REGISTER_CASES):
        count = len(filter_rows(rows, waiting="acceptance"))
        section.add("登记待受理", count, _url("cases:queue", waiting="acceptance"))
    if level == "township" and user.can(Perm.HANDLE_CASES):
        count = len(filter_rows(rows, waiting="opinion"))
        section.add("公示期满待提出审核意见", count, _url("cases:queue", waiting="opinion"))
    if user.can(Perm.DECIDE_CASES) or level == "county":
        count = len(filter_rows(rows, waiting="decision", level=level))
        label = "待县级审核确认" if level == "county" else "待乡镇审核确认"
        section.add(label, count, _url("cases:queue", waiting="decision", level=level))
    return section


def _findings(user, today: date) -> Section:
    section = Section("比对核查")
    for status, label in (
        ("raised", "待核实"),
        ("assigned", "核实中"),
        ("confirmed", "属实待处置"),
    ):
        count = finding_search(user=user, status=status).count()
        section.add(label, count, _url("crosscheck:finding_list", status=status))
    if user.region.level == "county":
        count = finding_search(user=user, status="review").count()
        section.add("待人工比对", count, _url("crosscheck:finding_list", status="review"))
    overdue = finding_search(user=user, overdue=True, today=today).count()
    section.add("核实逾期", overdue, _url("crosscheck:finding_list", overdue=1), urgent=True)
    return section


def _payments(user, today: date) -> Section | None:
    section = Section("按月发放")
    if user.can(Perm.HANDLE_REVIEWS):
        due = recovery_selectors.reviews_due(user=user, today=today)
        section.add("30天内到期的复核", len(due), _url("payments:review_queue"))
        late = sum(1 for d in due if d.overdue)
        section.add("复核已逾期", late, _url("payments:review_queue"), urgent=True)
    if change_selectors.can_read(user):
        returned = bank_selectors.returned_open(user).count()
        section.add("银行退回待处理", returned, _url("payments:returned_lines"), urgent=True)
    if user.can(Perm.CHANGE_ENROLMENTS) and user.region.level != "county":
        late = change_selectors.change_list(user, status="submitted", late=True).count()
        section.add(
            "逾期申报、顺延下月的异动",
            late,
            _url("payments:change_list", status="submitted", late=1),
        )
    if user.can(Perm.APPROVE_CHANGES):
        waiting = change_selectors.change_list(user, status="submitted").count()
        section.add("异动待审批", waiting, _url("payments:change_list", status="submitted"))
    if user.can(Perm.VIEW_PAYROLL) and user.region.level == "county":
        payrolls = payrolls_for(user)
        for status, label in (
            (Payroll.Status.GENERATED, "发放名册待审核"),
            (Payroll.Status.APPROVED, "发放名册待发放"),
            (Payroll.Status.RELEASED, "已发放待对账"),
        ):
            count = payrolls.filter(status=status).count()
            section.add(label, count, _url("payments:payroll_list", status=status.value))
    if recovery_selectors.can_read_recoveries(user):
        pending = recovery_selectors.recoveries_for(user).filter(status=Recovery.Status.PENDING)
        section.add("待追回", pending.count(), _url("payments:recovery_list", status="pending"))
    return section if section.tiles else None


def _spot_checks(user) -> Section:
    section = Section("县级抽查")
    pending = SpotCheckVisit.objects.filter(
        draw__county_id=user.region_id, result=SpotCheckVisit.Result.PENDING
    ).count()
    section.add("抽中待入户核查", pending, _url("spotchecks:list"))
    return section


def _townships(user, rows: list[QueueRow], today: date) -> list[TownshipRow]:
    """Each township's queue for the county: open, due within 3 working days (after today),
    overdue, and its findings open and overdue — the counts of the lists they link to."""
    cases: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    names: dict[int, str] = {}
    for row in rows:
        app = row.application
        names[app.township_id] = app.township.name
        counts = cases[app.township_id]
        counts[0] += 1
        state = due_state(row)
        counts[1] += state == "soon"
        counts[2] += state == "overdue"
    findings: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    open_findings = findings_for(user).filter(status__in=OPEN_STATUSES)
    for township_id, due_date, name in open_findings.values_list(
        "township_id", "due_date", "township__name"
    ):
        names.setdefault(township_id, name)
        findings[township_id][0] += 1
        findings[township_id][1] += bool(due_date and due_date < today)
    return [
        TownshipRow(pk, names[pk], *cases[pk], *findings[pk])
        for pk in sorted(names, key=lambda pk: names[pk])
    ]


def _clues(user) -> Section:
    section = Section("问题线索")
    open_count, overdue = open_counts(user)
    section.add("未办结线索", open_count, _url("clues:list", status="open"))
    section.add("逾期线索", overdue, _url("clues:list", overdue=1), urgent=True)
    return section


def home_for(user, today: date) -> Home:
    sections: list[Section] = []
    rows: list[QueueRow] = []
    if user.can(Perm.VIEW_CASES):
        rows = work_queue(user, today)
        sections.append(_cases(user, rows))
    if user.can(Perm.VIEW_FINDINGS):
        sections.append(_findings(user, today))
    payments = _payments(user, today)
    if payments:
        sections.append(payments)
    if user.can(Perm.SPOT_CHECK) and user.region.level == "county":
        sections.append(_spot_checks(user))
    if user.can(Perm.RECORD_COMPLAINTS):
        sections.append(_clues(user))
    county = user.region.level == "county" and user.can(Perm.VIEW_CASES)
    return Home(sections, _townships(user, rows, today) if county else [])
