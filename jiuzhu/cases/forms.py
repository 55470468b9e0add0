"""Forms of the case pages: they parse input only; every rule is checked by the services."""

from django import forms
from django.utils import timezone

from jiuzhu.core.forms import StyledForm
from jiuzhu.core.money import MoneyError, parse_money
from jiuzhu.programmes.models import Programme
from jiuzhu.programmes.rules.self_care import SELF_CARE_ITEMS

from .models import CaseComplaint, Verification
from .workflow import STATUS_LABELS, Status

# Programmes granted to one person rather than the household: the applicant is required.
INDIVIDUAL_PROGRAMMES = frozenset(
    {
        "extreme_poverty_centralised",
        "extreme_poverty_dispersed",
        "disability_living",
        "disability_care",
        "orphan",
        "unsupported_child",
        "elderly_allowance",
    }
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def _today():
    return timezone.localdate()


def _date(label: str, **kwargs) -> forms.DateField:
    return forms.DateField(label=label, widget=DateInput(), **kwargs)


def _text(label: str, rows: int = 2, **kwargs) -> forms.CharField:
    return forms.CharField(label=label, widget=forms.Textarea(attrs={"rows": rows}), **kwargs)


def _late_reason() -> forms.CharField:
    """The 补录 reason that goes with a step date entered late (the service decides when)."""
    return forms.CharField(
        label="补录理由",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 1}),
        help_text="日期早于今天超过本县允许的天数（默认3天）时必填，将显示为“补录”",
    )


def _money(value: str):
    if not value.strip():
        return None
    try:
        return parse_money(value)
    except MoneyError as exc:
        raise forms.ValidationError(exc.message) from exc


class QueueFilterForm(StyledForm):
    township = forms.TypedChoiceField(
        label="乡镇（街道）", required=False, coerce=int, empty_value=None
    )
    status = forms.ChoiceField(label="状态", required=False)

    def __init__(self, *args, townships=(), statuses=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].choices = [("", "全部乡镇")] + [(t.pk, t.name) for t in townships]
        self.fields["status"].choices = [("", "全部状态")] + [
            (s, STATUS_LABELS[Status(s)]) for s in statuses
        ]


class AppraisalFilterForm(StyledForm):
    """民主评议 list: one village (grouped by township) and one month, both optional."""

    village = forms.TypedChoiceField(
        label="村（社区）", required=False, coerce=int, empty_value=None
    )
    month = forms.ChoiceField(label="评议月份", required=False)

    def __init__(self, *args, villages=(), months=(), **kwargs):
        super().__init__(*args, **kwargs)
        groups: dict[str, list] = {}
        for village in villages:
            groups.setdefault(village.parent.name, []).append((village.pk, village.name))
        self.fields["village"].choices = [("", "全部村（社区）"), *groups.items()]
        self.fields["month"].choices = [("", "全部月份")] + [(str(m), m.label) for m in months]


class RegisterForm(StyledForm):
    programme_code = forms.ChoiceField(label="救助项目")
    applicant_id = forms.TypedChoiceField(
        label="申请人（保障对象）",
        required=False,
        coerce=int,
        empty_value=None,
        help_text="特困供养、残疾人补贴、孤儿、高龄津贴等个人项目必选；低保选定一人即为单人保"
        "（低保边缘家庭中的重度残疾人、重病患者）",
    )
    reason = _text("申请理由", rows=3, max_length=1000)
    requested_amount = forms.CharField(
        label="申请金额（元，临时救助）", max_length=20, required=False
    )
    temporary_tier = forms.ChoiceField(label="临时救助档次", required=False)
    supporter_incapable_claim = forms.BooleanField(
        label="赡养（扶养、抚养）义务人申报丧失能力",
        required=False,
        help_text="勾选后，本案须由县级入户核查",
    )
    applied_on = _date(
        "申请日期",
        initial=_today,
        required=False,
        help_text="申请人提出申请的日期；不填为今天",
    )
    late_reason = _late_reason()

    def __init__(self, *args, members=(), tiers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme_code"].choices = [("", "请选择")] + list(
            Programme.objects.order_by("id").values_list("code", "name")
        )
        self.fields["applicant_id"].choices = [("", "全户（家庭申请）")] + [
            (m.pk, f"{m.name}（{m.get_relation_display()}）") for m in members
        ]
        self.fields["temporary_tier"].choices = [("", "不选档次（按申请金额）")] + [
            (t.code, t.display_label) for t in tiers
        ]

    def clean_requested_amount(self):
        return _money(self.cleaned_data["requested_amount"])

    def clean(self):
        data = super().clean()
        code = data.get("programme_code")
        if code in INDIVIDUAL_PROGRAMMES and not data.get("applicant_id"):
            self.add_error("applicant_id", "个人类救助项目须选择申请人（保障对象）")
        if (
            code == "temporary"
            and "requested_amount" in data
            and not data.get("requested_amount")
            and not data.get("temporary_tier")
        ):
            self.add_error("requested_amount", "临时救助须填写申请金额或选择救助档次")
        return data


# ---- one form per step of the case ------------------------------------------------------


class EmptyForm(StyledForm):
    pass


class MarkIncompleteForm(StyledForm):
    missing = _text("缺少的材料（每行一项，一次性告知）", rows=4)

    def clean_missing(self):
        return [line.strip() for line in self.cleaned_data["missing"].splitlines() if line.strip()]


class NoteForm(StyledForm):
    note = _text("说明", max_length=500)


class AcceptForm(StyledForm):
    accepted_on = _date("受理日期", initial=_today)
    late_reason = _late_reason()


class InvestigationForm(StyledForm):
    visited_on = _date("调查日期", initial=_today)
    investigator_1 = forms.ModelChoiceField(label="调查人一", queryset=None)
    investigator_2 = forms.ModelChoiceField(label="调查人二", queryset=None)
    living_conditions = _text("居住与生活状况")
    income_findings = _text("收入情况")
    asset_findings = _text("财产情况")
    family_signed = forms.BooleanField(
        label="申请人（家庭成员）已在调查表上签字确认", required=False
    )
    late_reason = _late_reason()

    def __init__(self, *args, investigators=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("investigator_1", "investigator_2"):
            field = self.fields[name]
            field.queryset = investigators
            field.label_from_instance = lambda u: f"{u.display_name}（{u.role_label}，{u.region}）"
            field.empty_label = "请选择"


class VerificationForm(StyledForm):
    checked_on = _date("核对日期", initial=_today)
    result = forms.ChoiceField(label="核对结果", choices=Verification.Result.choices)
    details = _text("核对情况")
    objection = _text("申请人对核对结果的异议（无异议则留空）", required=False)
    needs_appraisal = forms.BooleanField(label="须经民主评议", required=False)
    late_reason = _late_reason()


class VerificationObjectionForm(VerificationForm):
    """In 待公示 only an objection to the result may be recorded: it sends the case back."""

    objection = _text("申请人对核对结果的异议", max_length=1000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["needs_appraisal"]


class NoticePublishForm(StyledForm):
    start_on = _date("公示开始日期", initial=_today)
    late_reason = _late_reason()
    continue_reason = _text(
        "继续办理的理由",
        rows=2,
        required=False,
        max_length=1000,
        help_text="仅当救助金额计算结果为不符合条件或金额为零时填写：说明为何仍发布公示",
    )


class NoticeObjectionForm(StyledForm):
    received_on = _date("收到日期", initial=_today)
    content = _text("异议内容", max_length=1000)
    route = forms.TypedChoiceField(
        label="处理方式",
        coerce=Status,
        choices=[(Status.INVESTIGATING.value, "重新调查"), (Status.APPRAISAL.value, "民主评议")],
    )
    late_reason = _late_reason()


class AppraisalForm(StyledForm):
    held_on = _date("评议日期", initial=_today)
    attendees = forms.IntegerField(label="参加人数", min_value=1)
    votes_for = forms.IntegerField(label="同意票", min_value=0)
    votes_against = forms.IntegerField(label="反对票", min_value=0)
    record = _text("评议记录", rows=3)
    late_reason = _late_reason()


class OpinionForm(StyledForm):
    opinion = _text("乡镇审核意见", rows=3, max_length=1000)


class ReasonForm(StyledForm):
    reason = _text("理由", max_length=1000)


class RefuseForm(StyledForm):
    reason = _text("不予确认的理由（将写入书面告知书）", rows=3, max_length=1000)


class EmergencyPayForm(StyledForm):
    amount = forms.CharField(label="先行救助金额（元）", max_length=20)
    reason = _text("急难情况说明", max_length=1000)

    def clean_amount(self):
        amount = _money(self.cleaned_data["amount"])
        if amount is None:
            raise forms.ValidationError("请填写金额")
        return amount


class ComplaintForm(StyledForm):
    received_on = _date("收到日期", initial=_today)
    channel = forms.ChoiceField(
        label="渠道", choices=CaseComplaint._meta.get_field("channel").choices
    )
    content = _text("投诉举报内容", max_length=2000)
    late_reason = _late_reason()


class OneCaseForm(StyledForm):
    held_on = _date("会议日期", initial=_today)
    amount = forms.DecimalField(
        label="议定救助金额（元）", max_digits=12, decimal_places=2, min_value=0
    )
    record = _text("会议记录（参会人员、议定事项和金额）", rows=4, max_length=4000)
    late_reason = _late_reason()


class SupporterForm(StyledForm):
    name = forms.CharField(label="义务人姓名", max_length=40)
    relation = forms.CharField(label="与申请人关系", max_length=20)
    age = forms.IntegerField(label="年龄", min_value=0, max_value=130)
    monthly_income = forms.DecimalField(
        label="月收入（元）", max_digits=10, decimal_places=2, min_value=0, initial=0
    )
    is_extreme_poverty = forms.BooleanField(label="本人为特困人员", required=False)
    is_dibao = forms.BooleanField(label="本人为低保对象", required=False)
    severely_disabled = forms.BooleanField(label="重度残疾", required=False)
    missing = forms.BooleanField(label="宣告失踪", required=False)
    in_prison = forms.BooleanField(label="在监狱服刑", required=False)


class SelfCareForm(StyledForm):
    assessed_on = _date("评估日期", initial=_today)
    failed_items = forms.MultipleChoiceField(
        label="不能独立完成的项目（六项中勾选）",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=list(SELF_CARE_ITEMS.items()),
    )
    late_reason = _late_reason()


class RefusalDeliveredForm(StyledForm):
    """书面告知已送达: the day the refusal letter was handed over (R2, S2 art. 21)."""

    delivered_on = _date("送达日期", initial=_today)
    late_reason = _late_reason()
