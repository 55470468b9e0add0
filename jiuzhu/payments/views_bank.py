"""Finance's bank pages: a payroll's bank page (reconciliation by township and kind, the bank
file, the result upload, returned lines and their re-issue), the reconciliation's Excel export
and the county's bank-file layout. Thin: the services guard themselves. The bank file is a GET
download audited by its service (an export's audit row is the house rule's one exception)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from jiuzhu.accounts.roles import Perm
from jiuzhu.core import audit, params
from jiuzhu.core.downloads import csv_response, export_view, xlsx_response
from jiuzhu.core.errors import JiuzhuError
from jiuzhu.core.spreadsheet import Column, XlsxWriter

from . import bank_selectors as selectors
from . import change_selectors
from .bank_services import ResultFileRejected, bank_result_import, payroll_line_reissue
from .bankfile import (
    COLUMNS,
    DEFAULT_LAYOUT,
    ENCODINGS,
    bank_file_export,
    bank_layout_save,
    layout_for,
)
from .models import Payroll
from .reconcile import line_ref

MAX_UPLOAD_ERRORS_SHOWN = 200


def _viewer(request):
    if not request.user.can(Perm.VIEW_PAYROLL):
        raise Http404
    return request.user


@login_required
def bank_payroll(request, pk: int):
    user = _viewer(request)
    payroll = selectors.payroll_get(user=user, pk=pk)
    finance = user.can(Perm.RELEASE_PAYROLL)
    return render(
        request,
        "payments/bank_payroll.html",
        {
            "payroll": payroll,
            "report": selectors.reconciliation(payroll),
            "layouts": selectors.layouts_of(county_id=payroll.county_id),
            "can_export": finance and payroll.status == Payroll.Status.RELEASED,
            "can_import": finance and payroll.status == Payroll.Status.RELEASED,
            "can_reissue": finance,
            "upload_errors": request.session.pop(f"bank_errors_{pk}", None),
        },
    )


@export_view(query={"format": "xlsx"})
@login_required
def bank_file(request, pk: int):
    user = _viewer(request)
    fmt = "xlsx" if request.GET.get("format") == "xlsx" else "csv"
    try:
        f = bank_file_export(
            actor=user,
            payroll_id=pk,
            fmt=fmt,
            layout_id=params.int_param(request.GET, "layout"),
        )
    except JiuzhuError as exc:
        messages.error(request, exc.message)
        return redirect("payments:bank_payroll", pk=pk)
    respond = xlsx_response if fmt == "xlsx" else csv_response
    return respond(f.export, f.file_name)


@require_POST
@login_required
def bank_result_upload(request, pk: int):
    user = _viewer(request)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, "请选择银行反馈文件")
        return redirect("payments:bank_payroll", pk=pk)
    try:
        result = bank_result_import(
            actor=user,
            payroll_id=pk,
            file_name=upload.name,
            data=upload.read(),
            import_good_rows=request.POST.get("good_rows") == "1",
        )
    except ResultFileRejected as exc:
        request.session[f"bank_errors_{pk}"] = [
            {"row": e.row, "ref": e.ref, "message": e.message}
            for e in exc.errors[:MAX_UPLOAD_ERRORS_SHOWN]
        ]
        messages.error(request, f"银行反馈文件有{len(exc.errors)}处错误，未导入任何结果。")
    except JiuzhuError as exc:
        messages.error(request, exc.message)
    else:
        text = (
            f"已导入{result.written}笔结果（成功{result.record.paid_count}笔，"
            f"退回{result.record.returned_count}笔），{result.unchanged}笔与此前一致未作更改"
        )
        if result.errors:
            text += f"；{len(result.errors)}行有错误未导入，见下方列表"
        if result.closed:
            text += "；全部明细已有结果，名册已结清"
        messages.success(request, text + "。")
    return redirect("payments:bank_payroll", pk=pk)


@require_POST
@login_required
def bank_line_reissue(request, pk: int):
    user = _viewer(request)
    try:
        line = payroll_line_reissue(actor=user, line_id=pk)
    except JiuzhuError as exc:
        messages.error(request, exc.message)
        back = params.int_param(request.POST, "payroll")
        return (
            redirect("payments:bank_payroll", pk=back)
            if back is not None
            else redirect("payments:payroll_list")
        )
    messages.success(
        request,
        f"已重发至补充发放名册{line.payroll.number}（第{line.seq}笔），须经审核、发放后生效。",
    )
    return redirect("payments:bank_payroll", pk=line.reissue_of.payroll_id)


RECONCILIATION_COLUMNS = (
    Column("分组", width=18),
    Column("笔数"),
    Column("发放金额（元）", width=14),
    Column("成功笔数"),
    Column("成功金额（元）", width=14),
    Column("退回笔数"),
    Column("退回金额（元）", width=14),
    Column("待反馈笔数"),
    Column("待反馈金额（元）", width=14),
)


def _totals_row(label: str, t) -> list:
    return [label, t.lines, t.released, t.paid_count, t.paid] + [
        t.returned_count,
        t.returned,
        t.pending_count,
        t.pending,
    ]


def reconciliation_xlsx(report: selectors.Report):
    book = XlsxWriter()
    for title, groups in (("按乡镇", report.by_township), ("按类别", report.by_kind)):
        sheet = book.sheet(title, RECONCILIATION_COLUMNS)
        for g in groups:
            sheet.append(_totals_row(g.label, g.totals))
        sheet.append(_totals_row("合计", report.total))
    returned = book.sheet(
        "退回明细",
        [
            Column("业务流水号", width=34, text=True),
            Column("乡镇（街道）", width=14),
            Column("村（社区）", width=14),
            Column("收款人", width=12),
            Column("银行账号", width=22, text=True),
            Column("金额（元）", width=12),
            Column("退回原因", width=24),
            Column("重发", width=30),
        ],
    )
    number = report.payroll.number
    for line in report.returned:
        again = getattr(line, "reissued_as", None)
        returned.append(
            [
                line_ref(number, line.seq),
                line.township.name,
                line.village.name,
                line.payee_name,
                line.bank_account_masked,
                line.returned_amount,
                line.return_reason,
                line_ref(again.payroll.number, again.seq) if again else "",
            ]
        )
    errors = book.sheet(
        "导入错误",
        [
            Column("文件", width=24),
            Column("行号"),
            Column("业务流水号", width=34),
            Column("错误", width=60),
        ],
    )
    for e in report.errors:
        errors.append([e["import"], e["row"], e["ref"], e["message"]])
    return book.finish()


@export_view
@login_required
def bank_reconciliation_export(request, pk: int):
    user = _viewer(request)
    payroll = selectors.payroll_get(user=user, pk=pk)
    report = selectors.reconciliation(payroll)
    export = reconciliation_xlsx(report)
    audit.record(
        action="bank.reconciliation_export", actor=user, obj=payroll, new={"rows": export.rows}
    )
    return xlsx_response(export, f"对账报告_{payroll.number}.xlsx")


@login_required
def bank_layout(request):
    user = request.user
    if not user.can(Perm.MANAGE_SETTINGS) or user.region is None or user.region.level != "county":
        raise Http404
    county_id = user.region_id
    if request.method == "POST":
        columns = [c for c in request.POST.get("columns", "").split(",") if c]
        try:
            bank_layout_save(
                actor=user,
                county_id=county_id,
                name=request.POST.get("name", ""),
                columns=columns,
                csv_encoding=request.POST.get("csv_encoding", "gb18030"),
                is_default=request.POST.get("is_default") == "1",
            )
        except JiuzhuError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "代发文件格式已保存。")
            return redirect("payments:bank_layout")
    current = layout_for(county_id=county_id)
    return render(
        request,
        "payments/bank_layout.html",
        {
            "layouts": selectors.layouts_of(county_id=county_id),
            "current": current,
            "columns": [(c.code, c.title) for c in COLUMNS.values()],
            "default_codes": ",".join(DEFAULT_LAYOUT.columns),
            "current_codes": ",".join(current.columns),
            "encodings": ENCODINGS.items(),
        },
    )


@login_required
def returned_lines(request):
    """退回待处理: returned lines not yet re-issued — the township corrects the account, the
    county re-issues once the change is approved."""
    lines = selectors.returned_open(request.user)
    if not change_selectors.can_read(request.user):
        raise Http404
    page = Paginator(lines, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "payments/returned_lines.html",
        {
            "page": page,
            "can_change": request.user.can(Perm.CHANGE_ENROLMENTS),
            "can_reissue": request.user.can(Perm.RELEASE_PAYROLL),
        },
    )
