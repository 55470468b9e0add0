"""Pages of changes (异动) and re-pricing (提标调整): the list, the submit form from an
enrolment, the county's approve/return buttons, the printable change form (异动审批表), and the
re-pricing review table with its Excel export. Views parse input and call one service; GET never
writes (an export's audit row is the download itself)."""

from __future__ import annotations

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
from jiuzhu.core.spreadsheet import Column, xlsx
from jiuzhu.regions.models import Region

from . import adjustments, change_selectors, changes
from .forms_changes import AdjustmentForm, ChangeFilterForm, ChangeForm, ReviewForm
from .models import EnrolmentChange


def _is_county(user) -> bool:
    return getattr(getattr(user, "region", None), "level", "") == "county"


def _townships(user):
    region = getattr(user, "region", None)
    if region is None or region.level != "county":
        return Region.objects.none()
    return Region.objects.filter(parent=region, level="township").order_by("code")


@login_required
def change_list(request):
    if not change_selectors.can_read(request.user):
        raise Http404
    form = ChangeFilterForm(request.GET or None, townships=_townships(request.user))
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    qs = change_selectors.change_list(
        request.user,
        status=filters.get("status", ""),
        kind=filters.get("kind", ""),
        month=filters.get("month", ""),
        township_id=filters.get("township"),
        late=params.flag_param(request.GET, "late"),
    )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "payments/change_list.html",
        {
            "form": form,
            "page": page,
            "query": params.query_without_page(request.GET),
            "late": params.flag_param(request.GET, "late"),
            "can_approve": request.user.can(Perm.APPROVE_CHANGES),
        },
    )


@login_required
def change_new(request, enrolment_id: int):
    enrolment = change_selectors.enrolment_get(request.user, enrolment_id)
    if not request.user.can(Perm.CHANGE_ENROLMENTS):
        raise Http404
    members = list(enrolment.household.members.order_by("id"))
    kind = params.choice_param(request.GET, "kind", EnrolmentChange.Kind.values)
    form = ChangeForm(
        request.POST or None, members=members, initial={"kind": kind} if kind else None
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            change = changes.change_submit(
                actor=request.user,
                enrolment_id=enrolment.pk,
                kind=data["kind"],
                reason=data["reason"],
                effective_month=data["effective_month"] or None,
                new_amount=data["new_amount"],
                person_id=data["person_id"],
                new_name=data["new_name"],
                new_bank_name=data["new_bank_name"],
                new_bank_account=data["new_bank_account"],
                gradual_exit_months=data["gradual_exit_months"],
            )
        except JiuzhuError as exc:
            messages.error(request, f"未提交：{exc.message}")
        else:
            level = messages.WARNING if change.submitted_late else messages.SUCCESS
            messages.add_message(
                request, level, f"已提交{change.get_kind_display()}：{change.note}"
            )
            return redirect("payments:change_detail", change.pk)
    return render(request, "payments/change_form.html", {"enrolment": enrolment, "form": form})


@login_required
def change_detail(request, change_id: int):
    change = change_selectors.change_get(request.user, change_id)
    can_review = (
        request.user.can(Perm.APPROVE_CHANGES)
        and _is_county(request.user)
        and change.status == change.Status.SUBMITTED
        and change.created_by_id != request.user.pk
    )
    return render(
        request,
        "payments/change_detail.html",
        {"change": change, "can_review": can_review, "review_form": ReviewForm()},
    )


@require_POST
@login_required
def change_review(request, change_id: int, decision: str):
    form = ReviewForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        if decision == "approve":
            changes.change_approve(actor=request.user, change_id=change_id, note=note)
            messages.success(request, "已审批通过，已记入审计记录")
        else:
            changes.change_return(actor=request.user, change_id=change_id, note=note)
            messages.success(request, "已退回乡镇，已记入审计记录")
    except JiuzhuError as exc:
        messages.error(request, exc.message)
    return redirect("payments:change_detail", change_id)


@login_required
def change_print(request, change_id: int):
    change = change_selectors.change_get(request.user, change_id)
    enrolment = change.enrolment
    return render(
        request,
        "payments/change_print.html",
        {
            "change": change,
            "enrolment": enrolment,
            "members": enrolment.household.members.order_by("id"),
        },
    )


# --- re-pricing (提标调整) -------------------------------------------------------------------


@login_required
def adjustment_list(request):
    if not (request.user.can(Perm.APPROVE_CHANGES) and _is_county(request.user)):
        raise Http404
    form = AdjustmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            adjustment = adjustments.adjustment_compute(actor=request.user, **form.cleaned_data)
        except JiuzhuError as exc:
            messages.error(request, f"未计算：{exc.message}")
        else:
            messages.success(request, f"已计算，共{len(adjustment.lines)}户金额有变化")
            return redirect("payments:adjustment_detail", adjustment.pk)
    return render(
        request,
        "payments/adjustment_list.html",
        {"form": form, "adjustments": change_selectors.adjustments_for(request.user)[:100]},
    )


@login_required
def adjustment_detail(request, adjustment_id: int):
    adjustment = change_selectors.adjustment_get(request.user, adjustment_id)
    rows = change_selectors.adjustment_rows(adjustment)
    return render(
        request,
        "payments/adjustment_detail.html",
        {
            "adjustment": adjustment,
            "rows": rows,
            "total": sum((r["difference"] for r in rows), 0),
            "can_apply": adjustment.status == adjustment.Status.COMPUTED
            and adjustment.created_by_id != request.user.pk,
        },
    )


@require_POST
@login_required
def adjustment_apply(request, adjustment_id: int):
    try:
        adjustments.adjustment_apply(actor=request.user, adjustment_id=adjustment_id)
        messages.success(request, "提标调整已执行，已生成调整记录并计算补发")
    except JiuzhuError as exc:
        messages.error(request, exc.message)
    return redirect("payments:adjustment_detail", adjustment_id)


ADJUSTMENT_COLUMNS = (
    Column("家庭编号", width=22, text=True),
    Column("户主姓名", width=12),
    Column("乡镇（街道）", width=14),
    Column("村（社区）", width=16),
    Column("原金额（元）", width=12),
    Column("新金额（元）", width=12),
    Column("差额（元）", width=12),
)


@export_view
@login_required
def adjustment_export(request, adjustment_id: int):
    adjustment = change_selectors.adjustment_get(request.user, adjustment_id)
    rows = change_selectors.adjustment_rows(adjustment)
    export = xlsx(
        "提标调整",
        ADJUSTMENT_COLUMNS,
        (
            (
                r["household"].number if r["household"] else "",
                r["household"].head_name if r["household"] else "",
                r["township"],
                r["village"],
                r["old"],
                r["new"],
                r["difference"],
            )
            for r in rows
        ),
    )
    audit.record(
        action="adjustment.export",
        actor=request.user,
        obj=adjustment,
        new={"rows": export.rows},
    )
    return xlsx_response(
        export, f"提标调整_{adjustment.from_month}_{timezone.localdate():%Y%m%d}.xlsx"
    )
