import re

from django import forms

from jiuzhu.core.idnumber import IdNumberError, normalise_id_text, parse_resident_id

from .choices import (
    AssetKind,
    DisabilityType,
    HealthStatus,
    HukouType,
    IncomeCategory,
    LabourCapacity,
    Relation,
)
from .sensitive import id_lookup_hash

# A query of digits (and a last X) is an ID number, whole or being typed: no name has digits
_ID_SHAPED = re.compile(r"[0-9]+X?")
_LOOKUP_HASH = re.compile(r"[0-9a-f]{64}")


def id_query_hash(text: str) -> str:
    """The keyed lookup hash an ID-number query is searched by: of the number (a 15-digit one
    converted, full-width digits folded), or, for digits that are no valid number, of the
    digits themselves, which no stored hash equals (such a query finds nothing, as before)."""
    number = normalise_id_text(text)
    try:
        number = parse_resident_id(number).number
    except IdNumberError:
        pass
    return id_lookup_hash(number)


class SearchForm(forms.Form):
    """The household search. An ID number never travels in a URL (a proxy logs URLs, and the
    export's audit entry records the search): the form turns it into its keyed lookup hash,
    `idh`, which the links, the export and the browser's address bar carry instead; names and
    pinyin stay in `q`."""

    q = forms.CharField(
        label="查询",
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={"placeholder": "身份证号码、姓名或拼音首字母（如 lds）", "autofocus": True}
        ),
    )
    idh = forms.CharField(required=False, widget=forms.HiddenInput)
    region = forms.TypedChoiceField(label="区域", required=False, coerce=int, empty_value=None)

    def __init__(self, *args, regions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", "全部")] + [(r.pk, r.name) for r in regions]

    def clean_idh(self) -> str:
        value = self.cleaned_data.get("idh", "").strip()
        return value if _LOOKUP_HASH.fullmatch(value) else ""

    def clean(self):
        data = super().clean()
        query = (data.get("q") or "").strip()
        data["q"] = query
        if query and _ID_SHAPED.fullmatch(normalise_id_text(query)):
            data["q"], data["idh"] = "", id_query_hash(query)
        elif query:
            data["idh"] = ""  # a name typed replaces an earlier search by ID number
        return data

    @staticmethod
    def holds_id_number(query) -> bool:
        """True when `query` (a raw q= value) would search by ID number."""
        return bool(query) and bool(_ID_SHAPED.fullmatch(normalise_id_text(str(query))))

    def url_params(self) -> dict[str, str]:
        """The search as it may appear in a URL: q (never an ID number), idh, region."""
        data = getattr(self, "cleaned_data", {})
        region = data.get("region")
        values = {"q": data.get("q", ""), "idh": data.get("idh", ""), "region": region or ""}
        return {name: str(value) for name, value in values.items() if value}


class HouseholdForm(forms.Form):
    address = forms.CharField(label="家庭住址", max_length=200, required=False)
    phone = forms.CharField(label="联系电话（留空则不修改）", max_length=20, required=False)
    bank_name = forms.CharField(label="开户银行", max_length=60, required=False)
    bank_account = forms.CharField(label="银行账号（留空则不修改）", max_length=30, required=False)
    reason = forms.CharField(label="修改理由", max_length=500)


class PersonForm(forms.Form):
    relation = forms.ChoiceField(label="与户主关系", choices=Relation.choices)
    hukou_type = forms.ChoiceField(label="户籍性质", choices=HukouType.choices)
    ethnicity = forms.CharField(label="民族", max_length=20, required=False)
    labour_capacity = forms.ChoiceField(label="劳动能力", choices=LabourCapacity.choices)
    disability_type = forms.ChoiceField(
        label="残疾类别", choices=DisabilityType.choices, required=False
    )
    disability_grade = forms.TypedChoiceField(
        label="残疾等级",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "无"), (1, "一级"), (2, "二级"), (3, "三级"), (4, "四级")],
    )
    health_status = forms.ChoiceField(label="健康状况", choices=HealthStatus.choices)
    reason = forms.CharField(label="修改理由", max_length=500)


class RevealForm(forms.Form):
    reason = forms.CharField(label="查看事由", max_length=200)


class IncomeForm(forms.Form):
    person = forms.TypedChoiceField(label="成员", required=False, coerce=int, empty_value=None)
    category = forms.ChoiceField(label="收入类别", choices=IncomeCategory.choices)
    amount = forms.CharField(label="金额（元）", max_length=20)
    period_start = forms.DateField(label="期间起", widget=forms.DateInput(attrs={"type": "date"}))
    period_end = forms.DateField(label="期间止", widget=forms.DateInput(attrs={"type": "date"}))
    source = forms.CharField(label="来源", max_length=40, initial="申报")
    note = forms.CharField(label="备注", max_length=200, required=False)

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [("", "全户")] + [(m.pk, m.name) for m in members]


class AssetForm(forms.Form):
    person = forms.TypedChoiceField(label="成员", required=False, coerce=int, empty_value=None)
    kind = forms.ChoiceField(label="财产类别", choices=AssetKind.choices)
    description = forms.CharField(label="说明", max_length=200, required=False)
    identifier = forms.CharField(label="号牌/登记号", max_length=60, required=False)
    quantity = forms.IntegerField(label="数量", min_value=1, initial=1)
    value = forms.CharField(label="价值（元）", max_length=20, required=False)
    is_disability_vehicle = forms.BooleanField(label="残疾人功能性补偿代步车", required=False)
    recorded_on = forms.DateField(label="登记日期", widget=forms.DateInput(attrs={"type": "date"}))
    source = forms.CharField(label="来源", max_length=40, initial="申报")

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [("", "全户")] + [(m.pk, m.name) for m in members]


class UploadForm(forms.Form):
    file = forms.FileField(label="导入文件（.xlsx 或 .csv）")
