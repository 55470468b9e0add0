"""Forms of the change pages (异动) and re-pricing (提标调整)."""

from django import forms

from jiuzhu.core.forms import StyledForm
from jiuzhu.programmes.catalogue import PROGRAMMES

from .changes import SUBMITTABLE
from .models import EnrolmentChange

MONTH_HELP = "格式：2026-11；不填则为计入发放的月份"


class ChangeForm(StyledForm):
    kind = forms.ChoiceField(
        label="变更类型",
        choices=[(k.value, k.label) for k in SUBMITTABLE],
    )
    effective_month = forms.RegexField(
        label="生效月份", regex=r"^\d{4}-\d{2}$", required=False, help_text=MONTH_HELP
    )
    new_amount = forms.DecimalField(
        label="调整后月保障金额（元）", max_digits=12, decimal_places=2, required=False
    )
    gradual_exit_months = forms.IntegerField(
        label="渐退月数（不填按本县设置）", min_value=1, max_value=24, required=False
    )
    person_id = forms.TypedChoiceField(
        label="更正姓名的成员", coerce=int, required=False, empty_value=None
    )
    new_name = forms.CharField(label="更正后的姓名", max_length=40, required=False)
    new_bank_name = forms.CharField(label="新开户银行", max_length=60, required=False)
    new_bank_account = forms.CharField(label="新银行账号", max_length=40, required=False)
    reason = forms.CharField(
        label="变更理由（姓名更正、银行账户变更可不填）",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person_id"].choices = [("", "—")] + [(m.pk, m.name) for m in members]


class ReviewForm(StyledForm):
    note = forms.CharField(label="审批意见", max_length=200, required=False)


class ChangeFilterForm(StyledForm):
    status = forms.ChoiceField(
        label="状态", choices=[("", "全部")] + list(EnrolmentChange.Status.choices), required=False
    )
    kind = forms.ChoiceField(
        label="类型", choices=[("", "全部")] + list(EnrolmentChange.Kind.choices), required=False
    )
    month = forms.RegexField(label="计入发放月份", regex=r"^\d{4}-\d{2}$", required=False)
    township = forms.TypedChoiceField(label="乡镇", coerce=int, required=False, empty_value=None)

    def __init__(self, *args, townships=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].choices = [("", "全部")] + [(t.pk, t.name) for t in townships]


class AdjustmentForm(StyledForm):
    programme_code = forms.ChoiceField(
        label="救助项目",
        choices=[
            (p.code, p.name)
            for p in PROGRAMMES
            if p.code not in ("temporary",) and not p.code.startswith("extreme_poverty")
        ],
    )
    from_month = forms.RegexField(
        label="调整起始月份", regex=r"^\d{4}-\d{2}$", help_text="如2026-10"
    )
    reason = forms.CharField(label="调整依据", max_length=200)
