"""The workflow step forms of the case file: what each step is (its form, who may do it, the
service it calls), which steps a case offers its user now, and the bound form of each."""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth import get_user_model

from jiuzhu.accounts.roles import INVESTIGATOR_ROLES, Perm

from . import extreme_poverty, forms, services
from .queues import OPEN
from .workflow import DECIDED_STATUSES, Action, Status, allowed_actions

DECIDED = DECIDED_STATUSES
# Steps that are not moves of the state machine: the view decides when they are offered.
NOT_IN_WORKFLOW = frozenset({"calculate", "extend", "complaint", "refusal_delivered"})


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
    "refusal_delivered": Step("书面告知已送达", forms.RefusalDeliveredForm, HD,
                              S.refusal_letter_delivered, "已登记不予确认告知书送达",
                              "登记送达", style="danger"),
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


def refusal_delivered(app) -> bool:
    return app.events.filter(action__in=services.REFUSAL_DELIVERED_EVENTS).exists()


def extra_steps(app) -> list[str]:
    status = Status(app.status)
    names = []
    if status == Status.REFUSED and not refusal_delivered(app):
        names.append("refusal_delivered")
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
    names += extra_steps(app)
    return [n for n in names if any(user.can(p) for p in STEPS[n].perms)]


def _investigators(app):
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            region_id__in=[app.township_id, app.county_id],
            role__in=INVESTIGATOR_ROLES,
        )
        .select_related("region")
        .order_by("region__level", "username")
    )


def step_form(name: str, app, user, data=None):
    kwargs = {"prefix": name}
    if STEPS[name].form is forms.InvestigationForm:
        investigators = _investigators(app)
        kwargs["investigators"] = investigators
        if investigators.filter(pk=user.pk).exists():
            kwargs["initial"] = {"investigator_1": user.pk}
    return STEPS[name].form(data, **kwargs)
