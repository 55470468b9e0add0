"""Payroll pages: the county's payrolls with the generate form and its progress, a payroll's
totals, check result, sign-off and lines, and the lines' Excel export. Thin: the services guard
themselves; these pages only parse and show."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from jiuzhu.accounts.roles import Perm
from jiuzhu.core import audit, params
from jiuzhu.core.downloads import export_view, xlsx_response
from jiuzhu.core.errors import JiuzhuError
from jiuzhu.core.jobs import job_display
from jiuzhu.core.month import Month
from jiuzhu.programmes.models import Programme

from . import payroll_selectors as selectors
from .exports_payroll import payroll_lines_xlsx
from .models import Payroll
from .payroll import payroll_generate
from .payroll_services import payroll_approve, payroll_release


def _viewer(request):
    if not request.user.can(Perm.VIEW_PAYROLL):
        raise Http404
    return request.user


def _county_id(user) -> int | None:
    region = user.region
    return region.pk if region is not None and region.level == "county" else None


def _filtered(user, status: str):
    payrolls = selectors.payrolls_for(user)
    return payrolls.filter(status=status) if status else payrolls


@login_required
def payroll_list(request):
    user = _viewer(request)
    if request.method == "POST":
        try:
            job = payroll_generate(
                actor=user,
                month=request.POST.get("month", "").strip(),
                programme_code=request.POST.get("programme", "").strip(),
            )
        except JiuzhuError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "已提交生成，后台任务完成后即可查看")
            return redirect(f"{request.path}?job={job.pk}")
    status = params.choice_param(request.GET, "status", Payroll.Status.values)
    county_id = _county_id(user)
    job = None
    if county_id is not None:
        jobs = selectors.generation_jobs(county_id=county_id)
        job_id = params.int_param(request.GET, "job")
        job = (jobs.filter(pk=job_id) if job_id is not None else jobs).first()
    return render(
        request,
        "payments/payroll_list.html",
        {
            "payrolls": _filtered(user, status)[:200],
            "status": status,
            "statuses": Payroll.Status.choices,
            "programmes": Programme.objects.order_by("id"),
            "this_month": str(Month.of(timezone.localdate())),
            "can_generate": user.can(Perm.GENERATE_PAYROLL) and county_id is not None,
            **job_display(job),
        },
    )


@login_required
def payroll_job(request, job_id: int):
    """The generation's progress, polled by the list page (reads only)."""
    user = _viewer(request)
    job = selectors.generation_jobs(county_id=_county_id(user)).filter(pk=job_id).first()
    if job is None:
        raise Http404
    return render(request, "payments/payroll_job.html", job_display(job))


@login_required
def payroll_detail(request, pk: int):
    user = _viewer(request)
    payroll = selectors.payroll_get(user=user, pk=pk)
    page = Paginator(selectors.lines_of(payroll), settings.JIUZHU_PAGE_SIZE * 5).get_page(
        request.GET.get("page")
    )
    result = payroll.check_result or {}
    return render(
        request,
        "payments/payroll_detail.html",
        {
            "payroll": payroll,
            "by_township": selectors.totals_by_township(payroll),
            "by_kind": selectors.totals_by_kind(payroll),
            "differences": result.get("differences", []),
            "checked_at": _when(result.get("checked_at")),
            "page": page,
            "can_approve": user.can(Perm.APPROVE_PAYROLL)
            and payroll.status == payroll.Status.GENERATED
            and payroll.generated_by_id != user.pk,
            "can_release": user.can(Perm.RELEASE_PAYROLL)
            and payroll.status == payroll.Status.APPROVED
            and user.pk not in (payroll.generated_by_id, payroll.approved_by_id),
        },
    )


def _when(text):
    try:
        return datetime.fromisoformat(text) if text else None
    except ValueError:
        return None


def _step(request, pk: int, service, done: str):
    _viewer(request)
    try:
        service(actor=request.user, payroll_id=pk)
    except JiuzhuError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect("payments:payroll_detail", pk=pk)


@require_POST
@login_required
def payroll_approve_view(request, pk: int):
    return _step(request, pk, payroll_approve, "发放名册已审核，待财政发放")


@require_POST
@login_required
def payroll_release_view(request, pk: int):
    return _step(request, pk, payroll_release, "发放名册已发放，待银行反馈")


@export_view
@login_required
def payroll_lines_export(request, pk: int):
    user = _viewer(request)
    payroll = selectors.payroll_get(user=user, pk=pk)
    export = payroll_lines_xlsx(payroll, selectors.lines_of(payroll))
    audit.record(
        action="payroll.export_lines",
        actor=user,
        obj=payroll,
        new={"rows": export.rows, "digest": payroll.digest},
    )
    return xlsx_response(export, f"发放名册_{payroll.number}.xlsx")


@login_required
def payroll_line_trace(request, pk: int):
    user = _viewer(request)
    return render(request, "payments/line_trace.html", selectors.line_trace(user=user, pk=pk))
