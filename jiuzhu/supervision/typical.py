"""典型案例月报 (R20): add a typical case to a county's monthly report, remove it while the
report is a draft, submit the report (or an explicit zero report with its explanation).

Who: county civil-affairs staff who record complaints and handle cases (Perm.RECORD_COMPLAINTS
and Perm.HANDLE_CASES at county level — the same staff who assign clues); township and village
users are refused. Jurisdiction: the report is the actor's own county; a source (clue, finding,
recovery) of another county is a 404 that names nothing. Every service audits the change and
runs in one transaction; a submitted report cannot change.

A case's text is at most 100 characters (seed 003: 每个典型案例控制在100字以内), counted as
characters of the stripped text (a Chinese character is one), and refused above. Only handled
sources may become a case: a closed clue, a finding acted on or closed, a recovery.
"""

from __future__ import annotations

import re

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from jiuzhu.accounts.guards import require
from jiuzhu.accounts.roles import Perm
from jiuzhu.core import audit
from jiuzhu.core.errors import Conflict, PermissionDenied, ValidationFailed
from jiuzhu.regions.models import Region

from .models import Clue, TypicalCase, TypicalCaseReport

MAX_CHARS = 100
MONTH_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
Source = TypicalCase.Source
NOT_FOUND = "没有找到该来源记录"


def check_month(month: str) -> str:
    month = (month or "").strip()
    if not MONTH_RE.match(month):
        raise ValidationFailed("请选择月份")
    return month


def _county(actor, message: str) -> Region:
    require(actor, Perm.RECORD_COMPLAINTS, message=message)
    require(actor, Perm.HANDLE_CASES, message=message)
    if actor.region is None or actor.region.level != Region.Level.COUNTY:
        raise PermissionDenied(message)
    return actor.region


def _report(county: Region, month: str, *, create: bool) -> TypicalCaseReport | None:
    if create:
        TypicalCaseReport.objects.get_or_create(county=county, month=month)
    return TypicalCaseReport.objects.select_for_update().filter(county=county, month=month).first()


def _draft(report: TypicalCaseReport) -> None:
    if report.status == TypicalCaseReport.Status.SUBMITTED:
        raise Conflict(f"{report.month[:4]}年{int(report.month[5:])}月典型案例已报送，不能再修改")


def check_text(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationFailed("请填写案例简述")
    if len(text) > MAX_CHARS:
        raise ValidationFailed(f"每个典型案例不超过{MAX_CHARS}字，当前为{len(text)}字")
    return text


def _source(county: Region, source: str, source_id: int) -> dict:
    """The handled clue, finding or recovery of the county (another county's: 404)."""
    if source == Source.CLUE:
        clue = Clue.objects.filter(county=county, pk=source_id).first()
        if clue is None:
            raise Http404(NOT_FOUND)
        if clue.status != Clue.Status.CLOSED:
            raise ValidationFailed("只有已办结的问题线索可以作为典型案例")
        return {"clue": clue}
    if source == Source.FINDING:
        from jiuzhu.crosscheck.models import Finding

        finding = Finding.objects.filter(county=county, pk=source_id).first()
        if finding is None:
            raise Http404(NOT_FOUND)
        if finding.status not in (Finding.Status.ACTED, Finding.Status.CLOSED):
            raise ValidationFailed("只有已处置或已办结的比对核查发现可以作为典型案例")
        return {"finding": finding}
    if source == Source.RECOVERY:
        from jiuzhu.payments.models import Recovery

        recovery = Recovery.objects.filter(county=county, pk=source_id).first()
        if recovery is None:
            raise Http404(NOT_FOUND)
        return {"recovery": recovery}
    raise ValidationFailed("请选择案例来源")


@transaction.atomic
def typical_case_add(*, actor, month: str, source: str, source_id: int, text: str) -> TypicalCase:
    """添加典型案例 to the county's report of `month` (the draft is made on the first case)."""
    county = _county(actor, "只有县级民政部门可以报送典型案例")
    month = check_month(month)
    text = check_text(text)
    links = _source(county, source, source_id)
    report = _report(county, month, create=True)
    _draft(report)
    case = TypicalCase.objects.create(
        report=report, source=source, text=text, created_by=actor, **links
    )
    if report.zero_report:
        report.zero_report, report.zero_explanation = False, ""
        report.save(update_fields=["zero_report", "zero_explanation"])
    audit.record(
        action="typical.add",
        actor=actor,
        obj=report,
        new={"month": month, "source": case.get_source_display(), "text": text},
    )
    return case


@transaction.atomic
def typical_case_remove(*, actor, case_id: int) -> None:
    """删除典型案例 from a draft report."""
    county = _county(actor, "只有县级民政部门可以修改典型案例")
    case = (
        TypicalCase.objects.select_related("report")
        .filter(pk=case_id, report__county=county)
        .first()
    )
    if case is None:
        raise Http404("没有找到该典型案例")
    report = _report(county, case.report.month, create=False)
    _draft(report)
    audit.record(
        action="typical.remove",
        actor=actor,
        obj=report,
        old={"month": report.month, "source": case.get_source_display(), "text": case.text},
    )
    case.delete()


@transaction.atomic
def typical_report_submit(
    *, actor, month: str, zero_report: bool = False, zero_explanation: str = ""
) -> TypicalCaseReport:
    """报送: the month's cases, or — with none — a zero report (零报告) with its explanation."""
    county = _county(actor, "只有县级民政部门可以报送典型案例")
    month = check_month(month)
    report = _report(county, month, create=True)
    _draft(report)
    has_cases = report.cases.exists()
    explanation = (zero_explanation or "").strip()
    if has_cases and zero_report:
        raise ValidationFailed("本月已有典型案例，不能作零报告")
    if not has_cases:
        if not zero_report:
            raise ValidationFailed("本月没有典型案例：请作零报告并详细说明情况")
        if not explanation:
            raise ValidationFailed("零报告须详细说明没有典型案例的情况")
        if len(explanation) > 2000:
            raise ValidationFailed("情况说明不能超过2000字")
    report.zero_report = not has_cases
    report.zero_explanation = explanation if not has_cases else ""
    report.status = TypicalCaseReport.Status.SUBMITTED
    report.submitted_by = actor
    report.submitted_at = timezone.now()
    report.save()
    audit.record(
        action="typical.submit",
        actor=actor,
        obj=report,
        new={
            "month": month,
            "cases": report.cases.count(),
            "zero_report": report.zero_report,
            "zero_explanation": report.zero_explanation,
        },
    )
    return report
