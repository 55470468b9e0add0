"""典型案例月报: the month's report with its cases, the add / remove / submit forms, the recent
months with their state, and the month's exports (Word-friendly text and Excel). County staff
who record complaints read it; the services decide who may change it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from jiuzhu.accounts.roles import Perm
from jiuzhu.core import audit, spreadsheet
from jiuzhu.core.downloads import export_view, file_response, xlsx_response
from jiuzhu.core.errors import JiuzhuError, ValidationFailed

from . import typical as services
from . import typical_selectors as sel
from .models import TypicalCase


def _county(request):
    county = sel.reader_county(request.user)
    if county is None:
        raise Http404
    return county


def _month(request, source=None) -> str:
    value = ((source or request.GET).get("month") or "").strip()
    if services.MONTH_RE.match(value):
        return value
    today = timezone.localdate()
    return sel.previous_month(f"{today.year}-{today.month:02d}")


def _month_label(month: str) -> str:
    return f"{month[:4]}年{int(month[5:7])}月"


def _back(month: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(f"{reverse('clues:typical')}?month={month}", status=303)


@login_required
@require_GET
def typical_page(request):
    county = _county(request)
    month = _month(request)
    today = timezone.localdate()
    state = sel.month_state(county=county, month=month, today=today)
    can_edit = (
        request.user.can(Perm.RECORD_COMPLAINTS)
        and request.user.can(Perm.HANDLE_CASES)
        and not state.submitted
    )
    return render(
        request,
        "supervision/typical.html",
        {
            "month": month,
            "month_label": _month_label(month),
            "state": state,
            "cases": sel.report_cases(state.report),
            "candidates": sel.candidates(county=county, month=month) if can_edit else [],
            "can_edit": can_edit,
            "recent": sel.recent_months(county=county, today=today),
            "max_chars": services.MAX_CHARS,
        },
    )


@login_required
@require_POST
def typical_add(request):
    _county(request)
    month = _month(request, request.POST)
    kind, _, raw_id = (request.POST.get("source") or "").partition(":")
    try:
        if kind not in TypicalCase.Source.values or not (
            raw_id.isascii() and raw_id.isdigit() and len(raw_id) < 10
        ):
            raise ValidationFailed("请选择案例来源")
        services.typical_case_add(
            actor=request.user,
            month=month,
            source=kind,
            source_id=int(raw_id),
            text=request.POST.get("text", ""),
        )
    except JiuzhuError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已添加典型案例。")
    return _back(month)


@login_required
@require_POST
def typical_remove(request, pk: int):
    _county(request)
    month = _month(request, request.POST)
    try:
        services.typical_case_remove(actor=request.user, case_id=pk)
    except JiuzhuError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已删除典型案例。")
    return _back(month)


@login_required
@require_POST
def typical_submit(request):
    _county(request)
    month = _month(request, request.POST)
    try:
        services.typical_report_submit(
            actor=request.user,
            month=month,
            zero_report=request.POST.get("zero_report") == "1",
            zero_explanation=request.POST.get("zero_explanation", ""),
        )
    except JiuzhuError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已报送{_month_label(month)}典型案例。")
    return _back(month)


def _export_data(request):
    county = _county(request)
    month = _month(request)
    state = sel.month_state(county=county, month=month, today=timezone.localdate())
    return county, month, state, sel.report_cases(state.report)


def _audit_export(request, month: str, rows: int, kind: str) -> None:
    audit.record(
        action="typical.export",
        actor=request.user,
        new={"month": month, "rows": rows, "file": kind},
    )


EXPORT_COLUMNS = (
    spreadsheet.Column("序号", 6),
    spreadsheet.Column("来源", 14),
    spreadsheet.Column("案例简述", 70),
    spreadsheet.Column("字数", 8),
)


@export_view
@login_required
@require_GET
def typical_export(request):
    """The month's cases as Excel (序号, 来源, 案例简述, 字数), an audited export."""
    county, month, state, cases = _export_data(request)
    book = spreadsheet.XlsxWriter()
    sheet = book.sheet(
        "典型案例",
        EXPORT_COLUMNS,
        titles=[f"{county.name}{_month_label(month)}典型案例（{state.label}）"],
    )
    for n, case in enumerate(cases, start=1):
        sheet.append((n, case.get_source_display(), case.text, len(case.text)))
    if state.zero:
        sheet.append(("", "零报告", state.report.zero_explanation, ""))
    export = book.finish()
    _audit_export(request, month, export.rows, "Excel")
    return xlsx_response(export, f"典型案例_{month}.xlsx")


@login_required
@require_GET
def typical_text(request):
    """The month's report as plain text in UTF-8 with a BOM (opens in Word): title, county,
    month, numbered cases (or the zero report's explanation). An audited export."""
    county, month, state, cases = _export_data(request)
    lines = [f"{county.name}{_month_label(month)}典型案例", "", f"报送单位：{county.name}"]
    lines += [f"报送月份：{_month_label(month)}", f"状态：{state.label}", ""]
    if cases:
        lines += [
            f"{n}. {case.text}（{case.get_source_display()}）" for n, case in enumerate(cases, 1)
        ]
    elif state.zero:
        lines += ["本月无典型案例（零报告）。", f"情况说明：{state.report.zero_explanation}"]
    else:
        lines.append("本月尚未添加典型案例。")
    _audit_export(request, month, len(cases), "文本")
    body = ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")
    return file_response(body, f"典型案例_{month}.txt", "text/plain; charset=utf-8")
