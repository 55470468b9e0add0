"""The walk-in registration form: the household's place and contact details, its members (a
formset, one row each) and their income and asset facts (formsets of the registry's own
income and asset forms). `WalkinForms` holds the four parts, checks them with the same rules
the service checks again (walkin_check), and shows each problem at its row and field."""

from datetime import timedelta

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from jiuzhu.core.forms import StyledForm
from jiuzhu.core.idnumber import IdNumberError, parse_resident_id

from .choices import HukouType, Relation
from .forms import AssetForm, IncomeForm, PersonForm
from .walkin_check import (
    LABELS,
    MAX_MEMBERS,
    AssetEntry,
    IncomeEntry,
    MemberEntry,
    Problem,
    check_facts,
    check_household,
    check_members,
)

MAX_FACTS = 30
SECTIONS = ("members", "incomes", "assets")


def _small(form: forms.Form) -> None:
    for field in form.fields.values():
        css = field.widget.attrs.get("class", "")
        for big in ("form-control", "form-select"):
            if big in css.split():
                css += f" {big}-sm"
        field.widget.attrs["class"] = css


class HouseholdEntryForm(StyledForm):
    village = forms.TypedChoiceField(label=LABELS["village"], coerce=int)
    address = forms.CharField(label=LABELS["address"], max_length=200, required=False)
    phone = forms.CharField(label=LABELS["phone"], max_length=20, required=False)
    bank_name = forms.CharField(
        label=LABELS["bank_name"] + "（可选）", max_length=60, required=False
    )
    bank_account = forms.CharField(
        label=LABELS["bank_account"] + "（可选）", max_length=40, required=False
    )

    def __init__(self, *args, villages=(), **kwargs):
        super().__init__(*args, **kwargs)
        groups: dict[str, list] = {}
        for village in villages:
            groups.setdefault(village.parent.name, []).append((village.pk, village.name))
        self.fields["village"].choices = [("", "请选择")] + (
            list(groups.items()) if len(groups) > 1 else next(iter(groups.values()), [])
        )
        if len(self.fields["village"].choices) == 2:  # a village's own assistant
            self.fields["village"].initial = self.fields["village"].choices[1][0]


class MemberForm(StyledForm, PersonForm):
    """A member: the attributes of the registry's person form, with name and ID number."""

    field_order = ["name", "id_number"]
    name = forms.CharField(label=LABELS["name"], max_length=40)
    id_number = forms.CharField(
        label=LABELS["id_number"],
        max_length=24,
        widget=forms.TextInput(
            attrs={"data-idcheck": "", "autocomplete": "off", "spellcheck": "false"}
        ),
    )
    reason = None  # the person form's reason for a change: a new member has none

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["relation"].choices = [("", "请选择"), *Relation.choices]
        self.fields["hukou_type"].initial = HukouType.RURAL
        _small(self)

    def clean_id_number(self) -> str:
        """Checked as typed (check digit, birth date, region); the number as stored."""
        try:
            return parse_resident_id(self.cleaned_data["id_number"]).number
        except IdNumberError as exc:
            raise forms.ValidationError(str(exc)) from exc


def _person_choices(kwargs: dict) -> list:
    return [("", "全户"), *kwargs.pop("member_choices", [])]


class WalkinIncomeForm(StyledForm, IncomeForm):
    """An income fact of the registry's income form; its member is a row of this form."""

    source = None  # recorded as declared at the window (walkin_services.FACT_SOURCE)

    def __init__(self, *args, **kwargs):
        choices = _person_choices(kwargs)
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = choices
        today = timezone.localdate()
        for name, initial in (("period_start", today - timedelta(days=365)), ("period_end", today)):
            self.fields[name].initial = initial
            self.fields[name].widget.format = "%Y-%m-%d"  # what <input type="date"> reads
        _small(self)


class WalkinAssetForm(StyledForm, AssetForm):
    """An asset fact of the registry's asset form; its member is a row of this form."""

    recorded_on = None  # today
    source = None

    def __init__(self, *args, **kwargs):
        choices = _person_choices(kwargs)
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = choices
        _small(self)


MemberFormSet = forms.formset_factory(
    MemberForm, extra=0, min_num=1, validate_min=True, max_num=MAX_MEMBERS, validate_max=True
)
IncomeFormSet = forms.formset_factory(
    WalkinIncomeForm, extra=0, max_num=MAX_FACTS, validate_max=True
)
AssetFormSet = forms.formset_factory(WalkinAssetForm, extra=0, max_num=MAX_FACTS, validate_max=True)


class WalkinForms:
    """The four parts of the walk-in form, bound to one POST (or empty, for a new family)."""

    def __init__(self, data=None, *, villages):
        self.household = HouseholdEntryForm(data, villages=villages)
        # every row the officer added is to be filled in or removed: none is skipped as empty
        self.members = MemberFormSet(
            data,
            prefix="members",
            initial=None if data else [{"relation": Relation.SELF}],
            form_kwargs={"empty_permitted": False},
        )
        facts = {"empty_permitted": False, "member_choices": self._member_choices(data)}
        self.incomes = IncomeFormSet(data, prefix="incomes", form_kwargs=facts)
        self.assets = AssetFormSet(data, prefix="assets", form_kwargs=facts)
        self.section_errors: dict[str, list[str]] = {s: [] for s in SECTIONS}

    @staticmethod
    def _member_choices(data) -> list[tuple[int, str]]:
        """The member rows as typed ("第2名成员 龙小妹"): facts name their member by row."""
        if not data:
            return [(1, "第1名成员（户主）")]
        try:
            rows = min(int(data.get("members-TOTAL_FORMS", 1)), MAX_MEMBERS)
        except (TypeError, ValueError):
            rows = 1
        names = [str(data.get(f"members-{i}-name", "")).strip()[:40] for i in range(rows)]
        return [(i, f"第{i}名成员 {name}".strip()) for i, name in enumerate(names, start=1)]

    def is_valid(self) -> bool:
        parts = [self.household, self.members, self.incomes, self.assets]
        valid = [part.is_valid() for part in parts]
        problems = []
        if valid[0]:
            d = self.household.cleaned_data
            problems += check_household(
                **{k: d[k].strip() for k in ("address", "phone", "bank_name", "bank_account")}
            )
        if valid[1]:
            members = self.member_entries()
            problems += check_members(members, today=timezone.localdate()).problems
            if valid[2] and valid[3]:
                problems += check_facts(
                    self.income_entries(), self.asset_entries(), members=len(members)
                )
        self.add_problems(problems)
        return all(valid) and not problems

    def member_entries(self) -> list[MemberEntry]:
        return [MemberEntry(**f.cleaned_data) for f in self.members.forms]

    def income_entries(self) -> list[IncomeEntry]:
        return [IncomeEntry(**f.cleaned_data) for f in self.incomes.forms]

    def asset_entries(self) -> list[AssetEntry]:
        return [AssetEntry(**f.cleaned_data) for f in self.assets.forms]

    def service_kwargs(self) -> dict:
        d = self.household.cleaned_data
        return {
            "village_id": d["village"],
            "address": d["address"],
            "phone": d["phone"],
            "bank_name": d["bank_name"],
            "bank_account": d["bank_account"],
            "members": self.member_entries(),
            "incomes": self.income_entries(),
            "assets": self.asset_entries(),
        }

    def add_problems(self, problems: list[Problem]) -> None:
        """Each problem at its field (a household already registered within the user's
        jurisdiction with a link to it); a problem of a whole section above its table."""
        for p in problems:
            message = p.message
            if p.registered is not None:
                url = reverse("registry:household_detail", args=[p.registered.household_id])
                message = format_html(
                    '该身份证号码已在<a href="{}">{}</a>登记，不能重复登记', url, p.registered
                )
            if p.section == "household":
                self.household.add_error(p.field or None, message)
            elif p.row is None:
                self.section_errors[p.section].append(message)
            else:
                form = getattr(self, p.section).forms[p.row]
                form.add_error(p.field or None, message)

    def error_lines(self) -> list[str]:
        """Every error, with its row and field, for the list above the form."""
        lines = [
            _line("household", None, field, "", e)
            for field, errors in self.household.errors.items()
            for e in errors
        ]
        for section in SECTIONS:
            formset = getattr(self, section)
            lines += [*formset.non_form_errors(), *self.section_errors[section]]
            for row, form in enumerate(formset.forms):
                name = str(form.data.get(f"{form.prefix}-name", "")).strip()
                for field, errors in form.errors.items():
                    field = "" if field == NON_FIELD_ERRORS else field
                    lines += [_line(section, row, field, name, e) for e in errors]
        return lines


def _line(section: str, row: int | None, field: str, name: str, error) -> str:
    heading = Problem(section, row, field, "", name).heading
    return format_html("{}：{}", heading, error) if heading else error
