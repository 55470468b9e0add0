"""Case pages: the work queue, registration, and the case file with one form per next step
(the steps are defined in views_steps, the printable documents are in views_print). Views parse
input and call selectors and services; nothing else."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from jiuzhu.accounts.roles import Perm
from jiuzhu.core import audit, params
from jiuzhu.core.audit_values import actor_label
from jiuzhu.core.downloads import export_view, xlsx_response
from jiuzhu.core.errors import JiuzhuError
from jiuzhu.programmes.selectors import temporary_tiers_in_force
from jiuzhu.regions.selectors import children_of
from jiuzhu.registry import selectors as registry_selectors

from . import forms, services, views_find
from .deadlines import TimeLimits
from .exports import queue_xlsx
from .queues import (
    DUE_FILTERS,
    OPEN,
    REFUSAL_DELIVERED,
    WAITING_FILTERS,
    case_deadlines,
    filter_rows,
    handler_summary,
    township_summary,
    work_queue,
)
from .step_dates import notice_end_on
from .views_common import PAYMENT_UNITS, get_case, kin_reasons
from .views_steps import (
    NOT_IN_WORKFLOW,
    STEPS,
    available_steps,
    extra_steps,
    step_form,
)
from .workflow import DECIDED_STATUSES, STATUS_LABELS, Action, Status

STATUS_BADGES = {
    Status.CONFIRMED: "success",
    Status.ENROLLED: "success",
    Status.REFUSED: "danger",
    Status.WITHDRAWN: "secondary",
    Status.INCOMPLETE: "warning text-dark",
    Status.PAID_FIRST: "warning text-dark",
    Status.REOPENED: "warning text-dark",
}
LEVEL_LABELS = {"township": "乡镇（街道）审核确认", "county": "县级民政部门审核确认"}
EVENT_LABELS = {
    **{a.value: a.label for a in Action},
    "print_refusal": "打印不予确认告知书",
    "refusal_delivered": "书面告知已送达",
}
QUEUE_PAGE_SIZE = 50


# ---- the work queue ----------------------------------------------------------------------


@export_view(query={"format": "xlsx"})
@login_required
def queue(request):
    user = request.user
    if not user.can(Perm.VIEW_CASES):
        raise Http404
    today = timezone.localdate()
    is_county = bool(user.region and user.region.level == "county")
    form = forms.QueueFilterForm(
        request.GET or None, statuses=OPEN, townships=children_of(user.region) if is_county else ()
    )
    form.is_valid()
    township_id = form.cleaned_data.get("township") if form.is_bound else None
    status = form.cleaned_data.get("status") if form.is_bound else None
    mine = params.flag_param(request.GET, "mine")
    due = params.choice_param(request.GET, "due", DUE_FILTERS)
    waiting = params.choice_param(request.GET, "waiting", WAITING_FILTERS)
    level = params.choice_param(request.GET, "level", ("county", "township"))
    rows = work_queue(user, today)
    shown = filter_rows(
        rows,
        township_id=township_id,
        status=status or "",
        handler_id=user.pk if mine else None,
        due=due,
        waiting=waiting,
        level=level,
    )
    if request.GET.get("format") == "xlsx":
        export = queue_xlsx(shown)
        audit.record(
            action="case.export",
            actor=user,
            new={"query": params.query_without_page(request.GET), "rows": export.rows},
        )
        return xlsx_response(export, f"申请办理_{today:%Y%m%d}.xlsx")
    return render(
        request,
        "cases/queue.html",
        {
            "form": form,
            "today": today,
            "is_county": is_county,
            "total": len(shown),
            "page": Paginator(shown, QUEUE_PAGE_SIZE).get_page(request.GET.get("page")),
            "summary": township_summary(rows) if is_county else None,
            "handlers": handler_summary(rows),
            "mine": mine,
            "shown_filter": "、".join(
                label
                for label in (
                    DUE_FILTERS.get(due, ""),
                    WAITING_FILTERS.get(waiting, ""),
                    {"county": "县级审核确认", "township": "乡镇审核确认"}.get(level, ""),
                )
                if label
            ),
            "query": params.query_without_page(request.GET),
            "can_register": user.can(Perm.REGISTER_CASES),
        },
    )


# ---- registration ------------------------------------------------------------------------


@login_required
def register(request):
    user = request.user
    if not user.can(Perm.REGISTER_CASES):
        raise Http404
    if "number" in request.GET:
        return _find_household(request)
    household_id = params.int_or_404(request.GET, "household", message="没有找到该家庭")
    household = registry_selectors.household_get(user=user, pk=household_id)
    members = list(registry_selectors.members_of(household))
    tiers = temporary_tiers_in_force(county=household.county, on=timezone.localdate())
    form = forms.RegisterForm(request.POST or None, members=members, tiers=tiers)
    if request.method == "POST" and form.is_valid():
        try:
            app = services.application_register(
                actor=user, household_id=household.pk, **form.cleaned_data
            )
        except JiuzhuError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"申请已登记，申请编号{app.number}")
            if app.kin_registered:
                messages.warning(
                    request, "该家庭成员与工作人员或村（居）干部有近亲属关系，已单独登记备案"
                )
            return redirect("cases:detail", pk=app.pk)
    return render(
        request,
        "cases/register.html",
        {"household": household, "form": form, "members": members, "today": timezone.localdate()},
    )


def _find_household(request):
    """The lookup by exact household number (?number=, as older links carry it); otherwise the
    household search's pick-list (views_find), where names, pinyin and ID numbers are found."""
    number = params.text_param(request.GET, "number", max_length=20)
    household = views_find.household_by_number(request.user, number)
    if household is None:
        messages.error(request, views_find.not_found_message(number))
        return redirect("cases:register_find")
    return redirect(views_find.register_url(household))


# ---- the case file -----------------------------------------------------------------------


@login_required
def detail(request, pk: int):
    return _render_detail(request, get_case(request, pk))


@login_required
@require_POST
def act(request, pk: int, step: str):
    """One POST, one service call; a refused step is shown and nothing is changed."""
    app = get_case(request, pk)
    spec = STEPS.get(step)
    if spec is None:
        raise Http404
    if not any(request.user.can(p) for p in spec.perms):
        messages.error(request, "您没有办理此项业务的权限")
        return redirect("cases:detail", pk=pk)
    if step in NOT_IN_WORKFLOW and step not in extra_steps(app):
        messages.error(request, f"当前状态“{app.get_status_display()}”不能办理“{spec.title}”")
        return redirect("cases:detail", pk=pk)
    form = step_form(step, app, request.user, request.POST)
    if form.is_valid():
        try:
            spec.service(actor=request.user, application_id=app.pk, **form.cleaned_data)
        except JiuzhuError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, spec.success)
            return redirect("cases:detail", pk=pk)
    else:
        messages.error(request, f"“{spec.title}”填写有误，请按提示修改")
    return _render_detail(request, get_case(request, pk), bound=form)


def _event_date(data: dict):
    """The step date an event recorded (ISO text in its data), or None."""
    try:
        return date.fromisoformat(data.get("date") or "")
    except (TypeError, ValueError):
        return None


def _delivery(app):
    """The event recording that the refusal letter was handed over, if any."""
    if app.status != Status.REFUSED:
        return None
    event = app.events.filter(action__in=REFUSAL_DELIVERED).first()
    if event is not None:
        event.delivered_on = _event_date(event.data) or timezone.localdate(event.at)
    return event


def _event_rows(app):
    rows = []
    for e in app.events.select_related("actor"):
        rows.append(
            {
                "at": e.at,
                "actor": actor_label(e.actor),
                "label": EVENT_LABELS.get(e.action, e.action),
                "from": STATUS_LABELS[Status(e.from_status)] if e.from_status else "",
                "to": STATUS_LABELS[Status(e.to_status)] if e.to_status else "",
                "reason": e.reason or "、".join(e.data.get("missing", [])),
                "late_reason": e.data.get("late_reason", "") if e.data.get("late") else "",
                "date": _event_date(e.data),
            }
        )
    return rows


def _render_detail(request, app, bound=None):
    user, today = request.user, timezone.localdate()
    facts = services.facts_of(app, today)
    names = available_steps(user, app, facts)
    step_forms = [
        (n, STEPS[n], bound if bound is not None and bound.prefix == n else step_form(n, app, user))
        for n in names
    ]
    members = [(m, m.age_on(today)) for m in registry_selectors.members_of(app.household)]
    return render(
        request,
        "cases/detail.html",
        {
            "app": app,
            "household": app.household,
            "members": members,
            "today": today,
            "status_badge": STATUS_BADGES.get(Status(app.status), "primary"),
            "kin_reasons": kin_reasons(app),
            "level_label": LEVEL_LABELS.get(app.confirming_level, ""),
            "deadlines": case_deadlines(app, today),
            "unit": PAYMENT_UNITS[app.programme.payment],
            "investigations": app.investigations.select_related("investigator_1", "investigator_2"),
            "verifications": app.verifications.all(),
            "objections": app.objections.all(),
            "appraisals": app.appraisals.all(),
            "complaints": app.complaints.all(),
            "events": _event_rows(app),
            "main_forms": [f for f in step_forms if f[1].kind != "extra"],
            "extra_forms": [f for f in step_forms if f[1].kind == "extra" and f[0] != "calculate"],
            "calculate_form": next((f for f in step_forms if f[0] == "calculate"), None),
            "can_sensitive": user.can(Perm.VIEW_SENSITIVE),
            "is_closed": Status(app.status) in DECIDED_STATUSES,
            "is_refused": app.status == Status.REFUSED,
            "refusal_delivery": _delivery(app),
            "is_noticed": app.status == Status.NOTICED,
            "notice_end": notice_end_on(app.notice_started_on, TimeLimits().notice_days)
            if app.notice_started_on
            else None,
            "benefit_stopped": bool(app.calculation)
            and app.monthly_amount is not None
            and app.monthly_amount <= 0,
        },
    )
