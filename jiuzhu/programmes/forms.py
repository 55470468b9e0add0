"""Forms of the standards page: each checks types and formats only (dates, numbers, money text);
the rules (permission, either/or, duplicates) stay in services, whose Chinese errors the view shows.
Money is never a float: amounts are text read by ``parse_money``, rates are ``Decimal``."""

from decimal import Decimal

from django import forms

from jiuzhu.core.money import MoneyError, parse_money

from .catalogue import DIBAO_MODE_GAP, DIBAO_MODE_LABELS, DIBAO_MODE_TIERED, SettingKey
from .models import AddOnRate, CareRate, Programme, Standard, TemporaryTier

# settings that count things: whole numbers only
WHOLE_NUMBER_KEYS = {
    SettingKey.MAX_VEHICLES,
    SettingKey.EMERGENCY_FILING_DAYS,
    SettingKey.GRADUAL_EXIT_MONTHS,
    SettingKey.LATE_ENTRY_DAYS,
    *(key for key in SettingKey.LABELS if key.startswith("clue_days_")),
}
SHARE_KEYS = {SettingKey.EP_CONSUMPTION_SHARE}  # a share of 1 (0.60 = 60%)


class DatedForm(forms.Form):
    """Every change has an effective date and a basis (依据), and looks the same on the page."""

    effective_from = forms.DateField(
        label="生效日期",
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        error_messages={"required": "请填写生效日期", "invalid": "生效日期格式错误"},
    )
    note = forms.CharField(
        label="依据（文件名称、文号）",
        max_length=200,
        error_messages={"required": "请填写依据（文件名称、文号）"},
    )

    slug = "dated"  # several forms share one page: their ids must not clash

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"id_{self.slug}_%s")
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            css = (
                "form-select form-select-sm"
                if isinstance(widget, forms.Select)
                else "form-control form-control-sm"
            )
            widget.attrs.setdefault("class", css)
            if isinstance(field, forms.DecimalField):
                widget.attrs["inputmode"] = "decimal"

    @staticmethod
    def _money(value: str, *, required: bool, positive: bool = False) -> Decimal | None:
        if value in (None, ""):
            if required:
                raise forms.ValidationError("请填写金额")
            return None
        try:
            amount = parse_money(value)
        except MoneyError as exc:
            raise forms.ValidationError(exc.message) from exc
        if positive and amount <= 0:
            raise forms.ValidationError("金额应大于零")
        return amount


def _programme_choices():
    return list(Programme.objects.order_by("id").values_list("code", "name"))


def _decimal(label, *, max_digits, decimal_places, required=True, min_value=None, help_text=""):
    return forms.DecimalField(
        label=label,
        max_digits=max_digits,
        decimal_places=decimal_places,
        required=required,
        min_value=min_value,
        help_text=help_text,
        localize=False,
        widget=forms.TextInput(),
        error_messages={
            "required": f"请填写{label}",
            "invalid": f"{label}应为数字",
            "max_digits": f"{label}位数过多",
            "max_decimal_places": f"{label}最多{decimal_places}位小数",
            "max_whole_digits": f"{label}数值过大",
            "min_value": f"{label}不能小于%(limit_value)s",
        },
    )


class StandardForm(DatedForm):
    slug = "standard"
    field_order = ["programme", "area", "amount", "period", "effective_from", "note"]

    programme = forms.ChoiceField(label="救助项目")
    area = forms.ChoiceField(label="城乡", choices=Standard.Area.choices)
    amount = forms.CharField(label="标准（元）", max_length=20)
    period = forms.ChoiceField(label="单位", choices=Standard.Period.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].choices = _programme_choices()


class DelegationForm(DatedForm):
    """R1: 下放 (townships confirm) or 收回 (the county confirms) one programme from a date."""

    DELEGATE, WITHDRAW = "delegate", "withdraw"
    slug = "delegation"
    field_order = ["programme", "action", "effective_from", "note"]

    programme = forms.ChoiceField(label="救助项目")
    action = forms.ChoiceField(
        label="调整为",
        choices=[(DELEGATE, "下放乡镇审核确认"), (WITHDRAW, "收回县级审核确认")],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].choices = _programme_choices()

    @property
    def delegated(self) -> bool:
        return self.cleaned_data["action"] == self.DELEGATE


class SettingForm(DatedForm):
    slug = "setting"
    field_order = ["key", "value", "effective_from", "note"]

    key = forms.ChoiceField(
        label="参数",
        # the dibao mode has its own form (a choice, not a number) on the dibao tiers card
        choices=[
            (key, label)
            for key, (label, _) in SettingKey.LABELS.items()
            if key != SettingKey.DIBAO_MODE
        ],
    )
    value = _decimal(
        "取值",
        max_digits=14,
        decimal_places=4,
        min_value=Decimal(0),
        help_text="金额填元；比例填小数（0.60即60%）；倍数、月数、天数填数字",
    )

    def clean(self):
        data = super().clean()
        key, value = data.get("key"), data.get("value")
        if key is None or value is None:
            return data
        if key in WHOLE_NUMBER_KEYS and value != value.to_integral_value():
            self.add_error("value", "该参数应为整数")
        if key in SHARE_KEYS and value > 1:
            self.add_error("value", "比例应填0到1之间的小数，如0.60表示60%")
        return data


class AddOnForm(DatedForm):
    """分类施保: a share of the standard or a fixed monthly amount (the service checks 二选一)."""

    slug = "addon"
    field_order = ["kind", "rate", "fixed", "effective_from", "note"]

    kind = forms.ChoiceField(label="加发对象", choices=AddOnRate.Kind.choices)
    rate = _decimal(
        "按标准的比例",
        max_digits=6,
        decimal_places=4,
        required=False,
        min_value=Decimal(0),
        help_text="填小数，如0.10表示标准的10%",
    )
    fixed = forms.CharField(label="或固定金额（元/月）", max_length=20, required=False)

    def clean_rate(self):
        rate = self.cleaned_data.get("rate")
        if rate is not None and rate > 1:
            raise forms.ValidationError("比例应填0到1之间的小数，如0.10表示10%")
        return rate

    def clean_fixed(self):
        return self._money(self.cleaned_data.get("fixed"), required=False, positive=True)


class TierForm(DatedForm):
    """临时救助档次 (R15): an amount as a multiple of the monthly dibao standard, optionally capped.
    Changing a tier = the same code from a new date."""

    slug = "tier"
    field_order = ["code", "label", "category", "multiple", "max_amount", "effective_from", "note"]

    code = forms.RegexField(
        label="档次代码",
        max_length=20,
        regex=r"^[A-Za-z0-9_-]+$",
        help_text="沿用已有代码即调整该档次，新代码即新增档次",
        error_messages={
            "invalid": "档次代码只能用字母、数字、下划线或连字符",
            "required": "请填写档次代码",
        },
    )
    label = forms.CharField(
        label="档次名称", max_length=60, error_messages={"required": "请填写档次名称"}
    )
    category = forms.ChoiceField(label="类别", choices=TemporaryTier.Category.choices)
    multiple = _decimal(
        "月低保标准的倍数", max_digits=6, decimal_places=2, min_value=Decimal("0.01")
    )
    max_amount = forms.CharField(label="上限（元，可不填）", max_length=20, required=False)

    def clean_code(self):
        return self.cleaned_data["code"].upper()

    def clean_max_amount(self):
        return self._money(self.cleaned_data.get("max_amount"), required=False, positive=True)


class CareRateForm(DatedForm):
    slug = "care"
    field_order = ["level", "amount", "effective_from", "note"]

    level = forms.ChoiceField(label="生活自理能力", choices=CareRate.Level.choices)
    amount = forms.CharField(label="护理补贴（元/月）", max_length=20)

    def clean_amount(self):
        return self._money(self.cleaned_data.get("amount"), required=True)


class DibaoModeForm(DatedForm):
    """低保计发方式 (S1 art. 12, S2 art. 23): gap or tiered, from a date (a county setting)."""

    slug = "dibaomode"
    field_order = ["mode", "effective_from", "note"]

    mode = forms.ChoiceField(
        label="计发方式",
        choices=[
            (
                DIBAO_MODE_GAP,
                f"{DIBAO_MODE_LABELS[DIBAO_MODE_GAP]}：（保障标准 − 家庭人均收入）× 人数",
            ),
            (
                DIBAO_MODE_TIERED,
                f"{DIBAO_MODE_LABELS[DIBAO_MODE_TIERED]}：按家庭人均收入所在档次，每人定额",
            ),
        ],
    )


DIBAO_TIER_SLOTS = 5


class DibaoTierForm(DatedForm):
    """低保分档: the whole tier table of an area from a date, one row per tier (blank rows are
    skipped). The service numbers the tiers from the lowest income up and checks their order."""

    slug = "dibaotier"
    field_order = [
        "area",
        "effective_from",
        *(f"{kind}_{i}" for i in range(1, DIBAO_TIER_SLOTS + 1) for kind in ("upper", "amount")),
        "note",
    ]

    area = forms.ChoiceField(label="城乡", choices=Standard.Area.choices)

    def clean(self):
        data = super().clean()
        tiers = []
        for i in range(1, DIBAO_TIER_SLOTS + 1):
            names = (f"upper_{i}", f"amount_{i}")
            if not any(data.get(name) for name in names):
                continue
            pair = []
            for name in names:
                try:
                    pair.append(self._money(data.get(name), required=True, positive=True))
                except forms.ValidationError as exc:
                    self.add_error(name, exc)
            if len(pair) == 2:
                tiers.append(tuple(pair))
        if not tiers and not self.errors:
            raise forms.ValidationError("请至少填写一档的收入上限和保障金")
        data["tiers"] = tiers
        return data


for _i in range(1, DIBAO_TIER_SLOTS + 1):
    DibaoTierForm.base_fields[f"upper_{_i}"] = forms.CharField(
        label=f"第{_i}档：家庭人均月收入上限（元，含）", max_length=20, required=False
    )
    DibaoTierForm.base_fields[f"amount_{_i}"] = forms.CharField(
        label=f"第{_i}档：每人每月保障金（元）", max_length=20, required=False
    )
DibaoTierForm.base_fields[
    "upper_1"
].help_text = "从收入最低的一档填起，不用的行留空；最高一档的上限应不低于月保障标准"
