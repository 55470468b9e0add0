"""Cross-check pages: the overview by check and township, monthly runs, findings and their steps."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from jiuzhu.accounts.models import User
from jiuzhu.accounts.roles import Perm
from jiuzhu.core import params, uploads
from jiuzhu.core.audit_selectors import entries_for_object
from jiuzhu.core.downloads import export_view, file_response, xlsx_response
from jiuzhu.core.errors import JiuzhuError
from jiuzhu.core.jobs import job_display
from jiuzhu.core.month import Month
from jiuzhu.regions.models import Region
from jiuzhu.regions.selectors import county_of

from . import finding_selectors as selectors
from . import findings as services
from . import run_summary
from .checks import LABELS, NEEDS
from .exports import findings_xlsx
from .finding_flow import STEP_LABELS, Step, steps_from
from .models import Finding
from .registries import REGISTRIES
from .run import crosscheck_run
from .snapshot_selectors import latest_snapshots

FINDINGS_PAGE_SIZE = 50


def _viewer(request) -> User:
    if not request.user.can(Perm.VIEW_FINDINGS):
        raise Http404
    return request.user


@login_required
def overview(request):
    user = _viewer(request)
    today = timezone.localdate()
    data = selectors.overview(user=user, today=today)
    checks = [
        (code, LABELS.get(code, code), counts)
        for code, counts in sorted(
            data["by_check"].items(),
            key=lambda kv: list(LABELS).index(kv[0]) if kv[0] in LABELS else 99,
        )
    ]
    return render(
        request,
        "crosscheck/overview.html",
        {
            "checks": checks,
            "townships": data["by_township"].items(),
            "runs": selectors.runs_for(user)[:5],
            "this_month": str(Month.of(today)),
        },
    )


@login_required
def run_list(request):
    user = _viewer(request)
    if request.method == "POST":
        try:
            run = crosscheck_run(actor=user, month=request.POST.get("month", "").strip())
        except ValueError:
            messages.error(request, "请填写比对月份，格式如2026-11")
        except JiuzhuError as exc:
            messages.error(request, exc.message)
        else:
            return redirect("crosscheck:run_detail", pk=run.pk)
    county = county_of(user.region)
    snapshots = latest_snapshots(county)
    registries = [(r, snapshots.get(r.kind.value)) for r in REGISTRIES.values()]
    return render(
        request,
        "crosscheck/run_list.html",
        {
            "runs": selectors.runs_for(user)[:50],
            "registries": registries,
            "this_month": str(Month.of(timezone.localdate())),
            "can_run": user.can(Perm.RUN_CHECKS) and user.region.level == "county",
        },
    )


@login_required
def run_detail(request, pk: int):
    user = _viewer(request)
    run = selectors.runs_for(user).filter(pk=pk).first()
    if run is None:
        raise Http404
    towns = {str(r.pk): r.name for r in Region.objects.filter(parent=run.county)}
    towns[str(run.county_id)] = "县级（无法确定乡镇）"  # findings no township could be told for
    summary = run.summary or {}
    by_township = sorted(((towns.get(k, k), v) for k, v in summary.get("by_township", {}).items()))
    order = list(LABELS)
    by_check = sorted(
        (summary.get("by_check") or {}).items(),
        key=lambda kv: order.index(kv[0]) if kv[0] in order else len(order),
    )
    context = {
        "run": run,
        "summary": summary,
        "by_township": by_township,
        "by_check": by_check,
        # the job's progress, or that its worker died (shown as failed, to start again)
        **job_display(run.job if run.job_id else None),
        "can_run": user.can(Perm.RUN_CHECKS) and user.region_id == run.county_id,
        "skipped": [
            (LABELS[c], "、".join(REGISTRIES[k].label for k in kinds))
            for c, kinds in NEEDS.items()
            if not any(k in (run.snapshots or {}) for k in kinds)
        ],
        # what the run read, what it could not use, and what to check by hand
        "snapshots_used": run_summary.snapshots_used(run),
        "unused_by_check": run_summary.unused_by_check(summary),
        "mobility_notes": run_summary.mobility_notes(user=user, run=run),
    }
    if request.htmx:
        return render(request, "crosscheck/_run_status.html", context)
    return render(request, "crosscheck/run_detail.html", context)


def _filters(request) -> dict:
    query = request.GET  # typed by anyone: an unknown or malformed value is no filter
    return {
        "check": params.choice_param(query, "check", LABELS),
        "status": params.choice_param(query, "status", Finding.Status.values),
        "township_id": params.int_param(query, "township"),
        "overdue": params.flag_param(query, "overdue"),
        "verdict": params.choice_param(query, "verdict", ("true", "false")),
        "acted": params.flag_param(query, "acted"),
        "open_only": params.flag_param(query, "open"),
    }


@export_view(query={"format": "xlsx"})
@login_required
def finding_list(request):
    user = _viewer(request)
    filters = _filters(request)
    qs = selectors.finding_search(user=user, today=timezone.localdate(), **filters)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            findings_xlsx(qs, LABELS), f"核查发现_{timezone.localdate():%Y%m%d}.xlsx"
        )
    page = Paginator(qs, FINDINGS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "crosscheck/finding_list.html",
        {
            "page": page,
            "total": page.paginator.count,
            "filters": filters,
            "labels": LABELS,
            "label_choices": sorted(LABELS.items(), key=lambda kv: list(LABELS).index(kv[0])),
            "statuses": Finding.Status.choices,
            "townships": Region.objects.filter(parent=county_of(user.region)).order_by("code")
            if user.region.level == "county"
            else [],
            "today": timezone.localdate(),
            "query": params.query_without_page(request.GET),
            "tab": "review" if filters["status"] == "review" else "findings",
        },
    )


def _assignees(finding: Finding):
    """Handlers of the finding's township first, then the county's."""
    users = User.objects.filter(
        is_active=True, region_id__in=[finding.township_id, finding.county_id]
    )
    return sorted(
        (u for u in users if u.can(Perm.HANDLE_FINDINGS)),
        key=lambda u: (u.region_id != finding.township_id, u.username),
    )


@login_required
def finding_detail(request, pk: int):
    user = _viewer(request)
    finding = selectors.finding_get(user=user, pk=pk)
    can_handle = user.can(Perm.HANDLE_FINDINGS)
    steps = steps_from(finding.status) if can_handle else []
    applications = []
    if finding.household_id and Step.ACT in steps:
        applications = (
            finding.household.applications.order_by("-created_at")
            if hasattr(finding.household, "applications")
            else []
        )
    next_month = str(Month.of(timezone.localdate()).next())
    return render(
        request,
        "crosscheck/finding_detail.html",
        {
            "finding": finding,
            "label": LABELS.get(finding.check_code, finding.check_code),
            "steps": {s.value: STEP_LABELS[s] for s in steps},
            "assignees": _assignees(finding),
            "actions": [c for c in Finding.Action.choices if c[0]],
            "next_month": next_month,
            "overpaid_from": selectors.overpaid_from(finding),
            "can_recover": user.can(Perm.MANAGE_RECOVERIES),
            "applications": applications,
            "history": entries_for_object(finding),
            "overdue": finding.due_date
            and finding.due_date < timezone.localdate()
            and finding.status in ("review", "raised", "assigned", "confirmed"),
        },
    )


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text) if text.strip() else None
    except InvalidOperation:
        raise JiuzhuError("金额格式不正确") from None


@login_required
@require_POST
def finding_step(request, pk: int, step: str):
    user = _viewer(request)
    post = request.POST
    try:
        if step in ("match_confirm", "match_reject"):
            services.finding_review(
                actor=user,
                finding_id=pk,
                same_person=step == "match_confirm",
                note=post.get("note", ""),
            )
        elif step == "assign":
            services.finding_assign(
                actor=user, finding_id=pk, assignee_id=params.int_param(post, "assignee") or 0
            )
        elif step in ("verify_true", "verify_false"):
            upload = request.FILES.get("attachment")
            if upload:  # the guard's size limit, before the file is read into memory
                uploads.refuse_oversize(upload.size, uploads.attachment_max_bytes())
            services.finding_verify(
                actor=user,
                finding_id=pk,
                is_true=step == "verify_true",
                note=post.get("note", ""),
                attachment_name=upload.name if upload else "",
                attachment=upload.read() if upload else None,
            )
        elif step == "act":
            services.finding_act(
                actor=user,
                finding_id=pk,
                action=post.get("action", ""),
                note=post.get("note", ""),
                effective_month=post.get("effective_month", "").strip(),
                new_amount=_decimal(post.get("new_amount", "")),
                application_id=params.int_param(post, "application"),
                rectification_ref=post.get("rectification_ref", ""),
                recover_from_month=post.get("recover_from_month", ""),
            )
        elif step == "close":
            services.finding_close(actor=user, finding_id=pk, note=post.get("note", ""))
        else:
            raise Http404
    except JiuzhuError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已保存")
    return redirect("crosscheck:finding_detail", pk=pk)


@login_required
def finding_attachment(request, pk: int):
    user = _viewer(request)
    finding = selectors.finding_get(user=user, pk=pk)
    try:
        data = services.finding_attachment(actor=user, finding=finding)
    except JiuzhuError as exc:
        raise Http404(exc.message) from None
    return file_response(data, finding.attachment_name or "附件", "application/octet-stream")
