"""Case pages: the work queue, registration, the case file with one form per next step, and
the printable documents. Views parse input and call selectors and services; nothing else."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from jiuzhu.accounts.jurisdiction import region_ids_q
from jiuzhu.accounts.roles import Perm
from jiuzhu.core.errors import JiuzhuError
from jiuzhu.core.masking import mask_name
from jiuzhu.programmes.selectors import temporary_tiers_in_force
from jiuzhu.regions.models import Region
from jiuzhu.regions.selectors import children_of, county_of
from jiuzhu.registry import selectors as registry_selectors

from . import deadlines, extreme_poverty, forms, selectors, services
from .queues import OPEN, case_deadlines, handler_summary, township_summary, work_queue
from .workflow import DECIDED_STATUSES, STATUS_LABELS, Action, Status, allowed_actions

DECIDED = DECIDED_STATUSES
PAYMENT_UNITS = {"monthly": "每月", "yearly": "每年", "once": "一次性"}
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
EVENT_LABELS = {**{a.value: a.label for a in Action}, "print_refusal": "打印不予确认告知书"}
QUEUE_PAGE_SIZE = 50
# Steps that are not moves of the state machine: the view decides when they are offered.
NOT_IN_WORKFLOW = frozenset({"calculate", "extend", "complaint"})


@dataclass(frozen=True)
class Step:
    """One thing an officer can do on a case: its form, who may do it, the service it calls.

    The form's field names are the service's keyword arguments."""

    title: str
    form: type
    perms: tuple[Perm, ...]
    service: Callable  # service(actor=…, application_id=…, **form.cleaned_data)
    success: str
    button: str
    kind: str = "handle"  # handle | decide | extra (shown folded)
    style: str = "primary"


H, D, HD = (Perm.HANDLE_CASES,), (Perm.DECIDE_CASES,), (Perm.HANDLE_CASES, Perm.DECIDE_CASES)
R = (Perm.REGISTER_CASES,)
S = services
EP = extreme_poverty

# fmt: off
STEPS: dict[str, Step] = {
    "mark_incomplete": Step("材料不全，一次性告知", forms.MarkIncompleteForm, H,
                            S.application_mark_incomplete, "已一次性告知需补齐的材料",
                            "一次性告知", style="warning"),
    "supplement": Step("材料已补齐", forms.NoteForm, R, S.application_supplement,
                       "已登记补齐材料，可以受理", "补齐材料"),
    "accept": Step("受理申请", forms.AcceptForm, H, S.application_accept,
                   "申请已受理，办理期限开始计算", "受理"),
    "emergency_pay": Step("先行救助", forms.EmergencyPayForm, H, S.emergency_pay,
                          "先行救助已登记，请在期限内补办审核手续", "发放先行救助", style="danger"),
    "filing": Step("补办审核手续", forms.NoteForm, H, S.filing_complete, "已补办审核手续",
                   "补办完成"),
    "investigation": Step("录入入户调查结果", forms.InvestigationForm, H, S.investigation_record,
                          "入户调查结果已录入", "保存调查结果"),
    "verification": Step("录入家庭经济状况核对结果", forms.VerificationForm, H,
                         S.verification_record, "核对结果已录入", "保存核对结果"),
    "verification_objection": Step("申请人对核对结果有异议", forms.VerificationObjectionForm, H,
                                   S.verification_record, "异议已登记，重新核对",
                                   "登记异议，重新核对", style="warning"),
    "notice_publish": Step("发布公示", forms.NoticePublishForm, H, S.notice_publish,
                           "公示已发布（公示期7天）", "发布公示"),
    "notice_objection": Step("公示期间有异议", forms.NoticeObjectionForm, H,
                             S.notice_objection_record, "异议已登记，案件已转入相应环节",
                             "登记异议", style="warning"),
    "notice_close": Step("公示期满", forms.EmptyForm, H, S.notice_close, "公示期满，无异议",
                         "公示期满，结束公示"),
    "appraisal": Step("录入民主评议结果", forms.AppraisalForm, H, S.appraisal_record,
                      "民主评议结果已录入", "保存评议结果"),
    "township_opinion": Step("乡镇审核意见", forms.OpinionForm, H, S.township_opinion_record,
                             "乡镇审核意见已保存", "保存意见"),
    "confirm": Step("审核确认", forms.ReasonForm, D, S.application_confirm, "已审核确认", "确认",
                    kind="decide", style="success"),
    "refuse": Step("不予确认", forms.RefuseForm, D, S.application_refuse,
                   "已作出不予确认决定，请打印书面告知书", "不予确认", kind="decide",
                   style="danger"),
    "withdraw": Step("申请人撤回申请", forms.ReasonForm, H, S.application_withdraw, "申请已撤回",
                     "撤回申请", kind="extra", style="outline-danger"),
    "extend": Step("延长办理期限（至45个工作日）", forms.ReasonForm, H, S.application_extend,
                   "办理期限已延长", "延期", kind="extra", style="outline-secondary"),
    "supporter": Step("登记赡养（扶养、抚养）义务人", forms.SupporterForm, H, EP.supporter_add,
                      "义务人情况已登记", "登记义务人", kind="extra", style="outline-primary"),
    "self_care": Step("生活自理能力评估（六项）", forms.SelfCareForm, H, EP.self_care_assess,
                      "评估结果已记录", "保存评估", kind="extra", style="outline-primary"),
    "one_case": Step("一事一议（重大困难）", forms.OneCaseForm, H, S.one_case_decision_record,
                     "一事一议结果已记录，转县级审核确认", "保存会议结果", kind="extra",
                     style="outline-primary"),
    "complaint": Step("登记投诉举报", forms.ComplaintForm, HD, S.complaint_record,
                      "投诉举报已登记，本案须县级入户核查", "登记投诉举报", kind="extra",
                      style="outline-secondary"),
    "calculate": Step("计算救助金额", forms.EmptyForm, HD, S.application_calculate,
                      "救助金额已计算", "计算", kind="extra", style="outline-primary"),
}

ACTION_STEPS = {
    Action.MARK_INCOMPLETE: "mark_incomplete", Action.SUPPLEMENT: "supplement",
    Action.ACCEPT: "accept", Action.EMERGENCY_PAY: "emergency_pay",
    Action.COMPLETE_FILING: "filing", Action.START_INVESTIGATION: "investigation",
    Action.RECORD_INVESTIGATION: "investigation", Action.RECORD_VERIFICATION: "verification",
    Action.PUBLISH_NOTICE: "notice_publish", Action.NOTICE_OBJECTION: "notice_objection",
    Action.CLOSE_NOTICE: "notice_close", Action.RECORD_APPRAISAL: "appraisal",
    Action.TOWNSHIP_OPINION: "township_opinion", Action.CONFIRM: "confirm",
    Action.REFUSE: "refuse", Action.WITHDRAW: "withdraw",
}
# fmt: on


def _step_of(action: Action, status: Status) -> str | None:
    if action == Action.VERIFICATION_OBJECTION:
        # while verifying, the verification form itself takes the objection
        return "verification" if status == Status.VERIFYING else "verification_objection"
    return ACTION_STEPS.get(action)


def _extra_steps(app) -> list[str]:
    status = Status(app.status)
    names = []
    if status not in DECIDED:
        names.append("calculate")
    if app.accepted_on and not app.extended and status.value in OPEN:
        names.append("extend")
    if app.programme.code == "temporary" and app.accepted_on and status not in DECIDED:
        names.append("one_case")
    if app.programme.code in extreme_poverty.PROGRAMMES and status not in DECIDED:
        names += ["supporter", "self_care"]
    names.append("complaint")
    return names


def available_steps(user, app, facts) -> list[str]:
    """The steps the status allows (workflow.allowed_actions), then those the user may do."""
    status = Status(app.status)
    names: list[str] = []
    for action in allowed_actions(status, facts):
        name = _step_of(action, status)
        if name and name not in names:
            names.append(name)
    names += _extra_steps(app)
    return [n for n in names if any(user.can(p) for p in STEPS[n].perms)]


def _investigators(app):
    return (
        get_user_model()
        .objects.filter(is_active=True, region_id__in=[app.township_id, app.county_id])
        .select_related("region")
        .order_by("region__level", "username")
    )


def _form(name: str, app, user, data=None):
    kwargs = {"prefix": name}
    if STEPS[name].form is forms.InvestigationForm:
        investigators = _investigators(app)
        kwargs["investigators"] = investigators
        if investigators.filter(pk=user.pk).exists():
            kwargs["initial"] = {"investigator_1": user.pk}
    return STEPS[name].form(data, **kwargs)


def _get(request, pk: int):
    if not request.user.can(Perm.VIEW_CASES):
        raise Http404
    return selectors.application_get(user=request.user, pk=pk)


# ---- the work queue ----------------------------------------------------------------------


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
    mine = request.GET.get("mine") == "1"
    rows = work_queue(user, today)
    shown = [
        r
        for r in rows
        if (not township_id or r.application.township_id == township_id)
        and (not status or r.application.status == status)
        and (not mine or r.handler.pk == user.pk)
    ]
    query = request.GET.copy()
    query.pop("page", None)
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
            "query": query.urlencode(),
            "lookup_form": forms.HouseholdNumberForm(),
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
    try:
        household_id = int(request.GET.get("household", ""))
    except ValueError:
        raise Http404("没有找到该家庭") from None
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
    form = forms.HouseholdNumberForm(request.GET)
    household = None
    if form.is_valid():
        household = (
            registry_selectors.households_for(request.user)
            .filter(number=form.cleaned_data["number"].strip())
            .first()
        )
    if household is None:
        messages.error(
            request,
            f"没有找到家庭编号为“{request.GET.get('number', '').strip()}”的家庭，"
            "或该家庭不在您的管辖范围内",
        )
        return redirect("cases:queue")
    return redirect(f"{reverse('cases:register')}?household={household.pk}")


# ---- the case file -----------------------------------------------------------------------


@login_required
def detail(request, pk: int):
    return _render_detail(request, _get(request, pk))


@login_required
@require_POST
def act(request, pk: int, step: str):
    """One POST, one service call; a refused step is shown and nothing is changed."""
    app = _get(request, pk)
    spec = STEPS.get(step)
    if spec is None:
        raise Http404
    if not any(request.user.can(p) for p in spec.perms):
        messages.error(request, "您没有办理此项业务的权限")
        return redirect("cases:detail", pk=pk)
    if step in NOT_IN_WORKFLOW and step not in _extra_steps(app):
        messages.error(request, f"当前状态“{app.get_status_display()}”不能办理“{spec.title}”")
        return redirect("cases:detail", pk=pk)
    form = _form(step, app, request.user, request.POST)
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
    return _render_detail(request, _get(request, pk), bound=form)


def _event_rows(app):
    rows = []
    for e in app.events.select_related("actor"):
        rows.append(
            {
                "at": e.at,
                "actor": e.actor.display_name,
                "label": EVENT_LABELS.get(e.action, e.action),
                "from": STATUS_LABELS[Status(e.from_status)] if e.from_status else "",
                "to": STATUS_LABELS[Status(e.to_status)] if e.to_status else "",
                "reason": e.reason or "、".join(e.data.get("missing", [])),
            }
        )
    return rows


def _kin_reasons(app) -> list[str]:
    if not app.kin_registered:
        return []
    event = app.events.filter(action=Action.REGISTER.value).first()
    return list(event.data.get("kin", [])) if event else []


def _render_detail(request, app, bound=None):
    user, today = request.user, timezone.localdate()
    facts = services.facts_of(app, today)
    names = available_steps(user, app, facts)
    step_forms = [
        (n, STEPS[n], bound if bound is not None and bound.prefix == n else _form(n, app, user))
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
            "kin_reasons": _kin_reasons(app),
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
            "is_closed": Status(app.status) in DECIDED,
            "is_refused": app.status == Status.REFUSED,
            "is_noticed": app.status == Status.NOTICED,
        },
    )


# ---- printable documents -----------------------------------------------------------------


@login_required
def print_investigation(request, pk: int):
    """入户调查表: the recorded visit, or a blank form to take to the household."""
    app = _get(request, pk)
    today = timezone.localdate()
    investigation = (
        app.investigations.select_related("investigator_1", "investigator_2")
        .order_by("-visited_on", "-id")
        .first()
    )
    members = [(m, m.age_on(today)) for m in registry_selectors.members_of(app.household)]
    return render(
        request,
        "cases/print_investigation.html",
        {
            "app": app,
            "household": app.household,
            "members": members,
            "inv": investigation,
            "kin_reasons": _kin_reasons(app),
            "can_sensitive": request.user.can(Perm.VIEW_SENSITIVE),
        },
    )


def _public_name(household, today) -> str:
    head = household.members.filter(relation="self").first()
    if head is not None and head.age_on(today) < 18:
        return "（未成年人，不予公示姓名）"
    return mask_name(household.head_name)


def _notice_rows(apps, today):
    """Only what may be published (R18, S2 art. 24): the head's masked name, never an ID number,
    nothing about minors or other members."""
    days = deadlines.TimeLimits().notice_days
    rows = []
    for app in apps:
        rows.append(
            {
                "name": _public_name(app.household, today),
                "programme": app.programme.name,
                "size": app.household.members.count(),
                "amount": app.monthly_amount,
                "unit": PAYMENT_UNITS[app.programme.payment],
                "start": app.notice_started_on,
                "end": app.notice_started_on + timedelta(days=days)
                if app.notice_started_on
                else None,
            }
        )
    return rows


@login_required
def print_notice(request, village_id: int):
    """公示 of one village: every case of the village currently on notice."""
    if not request.user.can(Perm.VIEW_CASES):
        raise Http404
    village = (
        Region.objects.filter(region_ids_q(request.user), pk=village_id, level="village")
        .select_related("parent")
        .first()
    )
    if village is None:
        raise Http404("没有找到该村（社区）")
    today = timezone.localdate()
    apps = (
        selectors.applications_for(request.user)
        .filter(village=village, status=Status.NOTICED)
        .select_related("household", "programme")
        .order_by("notice_started_on", "number")
    )
    return render(
        request,
        "cases/print_notice.html",
        {
            "village": village,
            "township": village.parent,
            "county": county_of(village),
            "rows": _notice_rows(apps, today),
            "today": today,
        },
    )


def authority_name(app) -> str:
    if app.confirming_level == "county":
        return f"{app.county.name}民政局"
    suffix = "办事处" if app.township.name.endswith("街道") else "人民政府"
    return f"{app.township.name}{suffix}"


@login_required
def print_refusal(request, pk: int):
    """不予确认告知书 (R2, S2 art. 21); printing it is the written answer and is recorded."""
    app = _get(request, pk)
    try:
        services.refusal_letter_printed(actor=request.user, application_id=app.pk)
    except JiuzhuError as exc:
        messages.error(request, exc.message)
        return redirect("cases:detail", pk=pk)
    return render(
        request,
        "cases/print_refusal.html",
        {
            "app": app,
            "household": app.household,
            "authority": authority_name(app),
            "county": app.county,
        },
    )
