"""The standards page: every parameter in force, its history, and (for the county administrator)
one form per kind of parameter. A change is a new dated row; each POST calls exactly one service."""

from datetime import date
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from jiuzhu.accounts.roles import Perm
from jiuzhu.core.errors import JiuzhuError
from jiuzhu.core.money import format_yuan
from jiuzhu.core.month import format_date_cn
from jiuzhu.regions.selectors import county_of

from . import rules, selectors, services
from .catalogue import DIBAO_MODE_CODES, DIBAO_MODE_LABELS, SettingKey, dibao_mode_of
from .forms import (
    AddOnForm,
    CareRateForm,
    DelegationForm,
    DibaoModeForm,
    DibaoTierForm,
    SettingForm,
    StandardForm,
    TierForm,
)
from .models import (
    AddOnRate,
    CareRate,
    CountySetting,
    Delegation,
    DibaoTier,
    Standard,
    TemporaryTier,
)

NOT_ALLOWED = "只有本县的县级管理员可以修改保障标准和参数"
FIX_FORM = "未保存：请按表单中的提示修改后再保存"
SAVED = "，已记入审计记录"

# how each county setting reads on the page (its label already names the unit)
_YUAN = {SettingKey.TEMPORARY_CAP, SettingKey.PREV_YEAR_CONSUMPTION, SettingKey.ONE_CASE_THRESHOLD}
_PERCENT = {SettingKey.EP_CONSUMPTION_SHARE}
_SUFFIX = {
    SettingKey.FINANCIAL_MONTHS: "个月",
    SettingKey.MAX_VEHICLES: "辆",
    SettingKey.SINGLE_PERSON_FACTOR: "倍",
    SettingKey.EP_DIBAO_FACTOR: "倍",
    SettingKey.EMERGENCY_FILING_DAYS: "个工作日",
    SettingKey.GRADUAL_EXIT_MONTHS: "个月",
}


def _plain(value: Decimal) -> str:
    """3.00 → "3", 0.1500 → "0.15", 2000 → "2000" (never "2E+3")."""
    return format(value.normalize(), "f")


def _setting_text(key: str, value: Decimal) -> str:
    if key == SettingKey.DIBAO_MODE:
        return DIBAO_MODE_LABELS[dibao_mode_of(value)]
    if key in _YUAN:
        return format_yuan(value)
    if key in _PERCENT:
        return f"{_plain(value * 100)}%"
    return _plain(value) + _SUFFIX.get(key, "")


def _add_on_text(row: AddOnRate) -> str:
    if row.rate is not None:
        return f"标准的{_plain(row.rate * 100)}%"
    return f"{format_yuan(row.fixed)}/月"


def _tier_text(row: TemporaryTier) -> str:
    text = f"月低保标准×{_plain(row.multiple)}"
    return f"{text}，最高{format_yuan(row.max_amount)}" if row.max_amount is not None else text


def _dibao_tier_text(row: DibaoTier) -> str:
    return (
        f"人均月收入不超过{format_yuan(row.max_per_capita_income)}，"
        f"每人{format_yuan(row.amount_per_person)}/月"
    )


def _delegation_text(delegated: bool) -> str:
    return "下放乡镇审核确认" if delegated else "县级审核确认"


def _mark(rows, group, today: date) -> list:
    """Each row gets .status: "future" (待生效), "current" (现行) or "past" (已调整)."""
    rows = list(rows)
    current = {}
    for row in sorted(rows, key=lambda r: r.effective_from, reverse=True):
        if row.effective_from <= today:
            current.setdefault(group(row), row.pk)
    for row in rows:
        if row.effective_from > today:
            row.status = "future"
        else:
            row.status = "current" if current.get(group(row)) == row.pk else "past"
    return rows


def _history(model, county, order, today, *, group, what, text) -> list:
    """All rows of one kind of parameter, newest first within each key, each with .status,
    .what (which parameter) and .shown (its value as read on the page)."""
    rows = model.objects.filter(county=county).select_related("created_by").order_by(*order)
    if model is Delegation:
        rows = rows.select_related("programme")
    rows = _mark(rows, group, today)
    for row in rows:
        row.what, row.shown = what(row), text(row)
    return rows


def _dibao_tier_history(county, today) -> list[DibaoTier]:
    """Every tier row, newest table first within each area. A table is all rows of one area and
    one date: rows of the table in force today are 现行, of later tables 待生效, else 已调整."""
    rows = list(
        DibaoTier.objects.filter(county=county)
        .select_related("created_by")
        .order_by("area", "-effective_from", "level")
    )
    in_force = {}
    for row in rows:
        if row.effective_from <= today:
            in_force.setdefault(row.area, row.effective_from)
    for row in rows:
        if row.effective_from > today:
            row.status = "future"
        else:
            row.status = "current" if in_force[row.area] == row.effective_from else "past"
        row.what = f"{row.get_area_display()}第{row.level}档"
        row.shown = _dibao_tier_text(row)
    return rows


def _monthly_standard(county, code: str, area: str, today) -> Decimal | None:
    try:
        standard = selectors.standard_in_force(
            county=county, programme_code=code, area=area, on=today
        )
    except JiuzhuError:
        return None
    if standard.period == Standard.Period.YEARLY:
        return rules.yearly_to_monthly(standard.amount)
    return standard.amount


_DIBAO_OF_AREA = {
    Standard.Area.URBAN: (("dibao_urban", "urban"),),
    Standard.Area.RURAL: (("dibao_rural", "rural"),),
    Standard.Area.ALL: (("dibao_urban", "urban"), ("dibao_rural", "rural")),
}


def _dibao_tables(county, today, history) -> list[dict]:
    """The tier table in force today per area, with a warning when its highest bound is below
    the monthly dibao standard (households in between could not be computed)."""
    tables = []
    for area, label in Standard.Area.choices:
        rows = [r for r in history if r.area == area and r.status == "current"]
        if not rows:
            continue
        top = rows[-1].max_per_capita_income
        warnings = []
        for code, standard_area in _DIBAO_OF_AREA[area]:
            monthly = _monthly_standard(county, code, standard_area, today)
            if monthly is not None and top < monthly:
                warnings.append(
                    f"最高一档上限{format_yuan(top)}低于现行{Standard.Area(standard_area).label}"
                    f"低保月标准{format_yuan(monthly)}，人均收入在两者之间的家庭无法按分档计算，"
                    "请调整分档"
                )
        tables.append(
            {
                "area": label,
                "since": rows[0].effective_from,
                "note": rows[0].note,
                "rows": rows,
                "warnings": warnings,
            }
        )
    return tables


def _dibao_mode_now(county, today, setting_history) -> dict:
    own = [r for r in setting_history if r.key == SettingKey.DIBAO_MODE]
    current = next((r for r in own if r.status == "current"), None)
    mode = selectors.dibao_mode(county=county, on=today)
    return {
        "mode": mode,
        "label": DIBAO_MODE_LABELS[mode],
        "since": current.effective_from if current else None,
        "pending": sorted((r for r in own if r.status == "future"), key=lambda r: r.effective_from),
    }


def _access(request):
    """The user's county and whether they may change it; 404 for users without the page."""
    if not request.user.can(Perm.VIEW_SETTINGS) or request.user.region is None:
        raise Http404
    county = county_of(request.user.region)
    can_manage = request.user.can(Perm.MANAGE_SETTINGS) and request.user.region_id == county.pk
    return county, can_manage


def _delegation_rows(county, today, history) -> list[dict]:
    delegated = selectors.delegated_programmes(county=county, on=today)
    rows = []
    for programme, on in selectors.programmes_with_delegation(delegated):
        own = [r for r in history if r.programme_id == programme.pk]
        current = next((r for r in own if r.status == "current"), None)
        rows.append(
            {
                "programme": programme,
                "delegated": on,
                "since": current.effective_from if current else None,
                "pending": sorted(
                    (r for r in own if r.status == "future"), key=lambda r: r.effective_from
                ),
            }
        )
    return rows


def _setting_rows(county, today, history) -> list[dict]:
    rows = []
    for key, (label, _) in SettingKey.LABELS.items():
        own = [r for r in history if r.key == key]
        current = next((r for r in own if r.status == "current"), None)
        rows.append(
            {
                "key": key,
                "label": label,
                "shown": _setting_text(
                    key, selectors.setting_value(county=county, key=key, on=today)
                ),
                "since": current.effective_from if current else None,
                "pending": sorted(
                    (r for r in own if r.status == "future"), key=lambda r: r.effective_from
                ),
            }
        )
    return rows


def _page(request, county, can_manage, bound=None, status=200):
    today = timezone.localdate()
    bound = bound or {}
    forms = {}
    if can_manage:
        for name, form_class in (
            ("standard_form", StandardForm),
            ("delegation_form", DelegationForm),
            ("setting_form", SettingForm),
            ("add_on_form", AddOnForm),
            ("tier_form", TierForm),
            ("care_form", CareRateForm),
            ("dibao_mode_form", DibaoModeForm),
            ("dibao_tier_form", DibaoTierForm),
        ):
            forms[name] = bound.get(name) or form_class()
    delegation_history = _history(
        Delegation,
        county,
        ["programme_id", "-effective_from"],
        today,
        group=lambda r: r.programme_id,
        what=lambda r: r.programme.name,
        text=lambda r: _delegation_text(r.delegated),
    )
    setting_history = _history(
        CountySetting,
        county,
        ["-effective_from", "key"],
        today,
        group=lambda r: r.key,
        what=lambda r: r.get_key_display(),
        text=lambda r: _setting_text(r.key, r.value),
    )
    add_on_history = _history(
        AddOnRate,
        county,
        ["kind", "-effective_from"],
        today,
        group=lambda r: r.kind,
        what=lambda r: r.get_kind_display(),
        text=_add_on_text,
    )
    tier_history = _history(
        TemporaryTier,
        county,
        ["category", "code", "-effective_from"],
        today,
        group=lambda r: r.code,
        what=lambda r: f"{r.code} {r.label}（{r.get_category_display()}）",
        text=_tier_text,
    )
    care_history = _history(
        CareRate,
        county,
        ["level", "-effective_from"],
        today,
        group=lambda r: r.level,
        what=lambda r: r.get_level_display(),
        text=lambda r: f"{format_yuan(r.amount)}/月",
    )
    dibao_tier_history = _dibao_tier_history(county, today)
    standards = _mark(
        selectors.standards_overview(county=county), lambda r: (r.programme_id, r.area), today
    )
    tiers = selectors.temporary_tiers_in_force(county=county, on=today)
    for row in tiers:
        row.shown = _tier_text(row)
    add_ons = selectors.add_ons_in_force(county=county, on=today)
    for row in add_ons:
        row.shown = _add_on_text(row)
    context = {
        "county": county,
        "today": today,
        "can_manage": can_manage,
        **forms,
        "standards": standards,
        "delegations": _delegation_rows(county, today, delegation_history),
        "delegation_history": delegation_history,
        "temporary_cap": _setting_text(
            SettingKey.TEMPORARY_CAP,
            selectors.setting_value(county=county, key=SettingKey.TEMPORARY_CAP, on=today),
        ),
        "settings_now": _setting_rows(county, today, setting_history),
        "setting_history": setting_history,
        "tiers": tiers,
        "tier_history": tier_history,
        "add_ons": add_ons,
        "add_on_history": add_on_history,
        "care_rates": selectors.care_rates_in_force(county=county, on=today),
        "care_history": care_history,
        "dibao_mode": _dibao_mode_now(county, today, setting_history),
        "dibao_tables": _dibao_tables(county, today, dibao_tier_history),
        "dibao_tier_history": dibao_tier_history,
        "pending": {
            name: sum(1 for r in rows if r.status == "future")
            for name, rows in (
                ("standards", standards),
                ("delegation", delegation_history),
                ("settings", setting_history),
                ("add_ons", add_on_history),
                ("tiers", tier_history),
                ("care", care_history),
                ("dibao_tiers", dibao_tier_history),
            )
        },
    }
    return render(request, "programmes/overview.html", context, status=status)


def _change(request, *, form_name: str, form_class, anchor: str, save):
    """One POST → one service. Success redirects back to the card; a form or service error
    re-renders the page with the entries kept and nothing saved."""
    county, can_manage = _access(request)
    if request.method != "POST":
        return redirect(reverse("programmes:overview") + f"#{anchor}")
    if not can_manage:
        messages.error(request, NOT_ALLOWED)
        return _page(request, county, can_manage)
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(request, FIX_FORM)
        return _page(request, county, can_manage, {form_name: form})
    try:
        text = save(county, form, form.cleaned_data)
    except JiuzhuError as exc:
        messages.error(request, exc.message)
        return _page(request, county, can_manage, {form_name: form})
    messages.success(
        request,
        f"已保存：{text}，自{format_date_cn(form.cleaned_data['effective_from'])}起生效{SAVED}",
    )
    return redirect(reverse("programmes:overview") + f"#{anchor}")


@login_required
def overview(request):
    """Every parameter in force today for the user's county, with its history; standards are
    entered here (the other parameters post to their own addresses below)."""
    if request.method != "POST":
        county, can_manage = _access(request)
        return _page(request, county, can_manage)

    def save(county, form, d):
        row = services.standard_set(
            actor=request.user,
            county=county,
            programme_code=d["programme"],
            area=d["area"],
            amount=d["amount"],
            period=d["period"],
            effective_from=d["effective_from"],
            note=d["note"],
        )
        return f"{row.programme.name}（{row.get_area_display()}）保障标准{format_yuan(row.amount)} {row.get_period_display()}"

    return _change(
        request, form_name="standard_form", form_class=StandardForm, anchor="standards", save=save
    )


@login_required
def delegation_add(request):
    def save(county, form, d):
        row = services.delegation_set(
            actor=request.user,
            county=county,
            programme_code=d["programme"],
            delegated=form.delegated,
            effective_from=d["effective_from"],
            note=d["note"],
        )
        return f"{row.programme.name}：{_delegation_text(row.delegated)}"

    return _change(
        request,
        form_name="delegation_form",
        form_class=DelegationForm,
        anchor="delegation",
        save=save,
    )


@login_required
def setting_add(request):
    def save(county, form, d):
        row = services.setting_set(
            actor=request.user,
            county=county,
            key=d["key"],
            value=d["value"],
            effective_from=d["effective_from"],
            note=d["note"],
        )
        return f"{row.get_key_display()}：{_setting_text(row.key, row.value)}"

    return _change(
        request, form_name="setting_form", form_class=SettingForm, anchor="settings", save=save
    )


@login_required
def add_on_add(request):
    def save(county, form, d):
        row = services.add_on_set(
            actor=request.user,
            county=county,
            kind=d["kind"],
            rate=d["rate"],
            fixed=d["fixed"],
            effective_from=d["effective_from"],
            note=d["note"],
        )
        return f"{row.get_kind_display()}加发{_add_on_text(row)}"

    return _change(
        request, form_name="add_on_form", form_class=AddOnForm, anchor="add-ons", save=save
    )


@login_required
def tier_add(request):
    def save(county, form, d):
        row = services.temporary_tier_set(
            actor=request.user,
            county=county,
            code=d["code"],
            label=d["label"],
            category=d["category"],
            multiple=d["multiple"],
            max_amount=d["max_amount"],
            effective_from=d["effective_from"],
            note=d["note"],
        )
        return (
            f"临时救助档次 {row.code} {row.label}（{row.get_category_display()}）{_tier_text(row)}"
        )

    return _change(request, form_name="tier_form", form_class=TierForm, anchor="tiers", save=save)


@login_required
def care_rate_add(request):
    def save(county, form, d):
        row = services.care_rate_set(
            actor=request.user,
            county=county,
            level=d["level"],
            amount=d["amount"],
            effective_from=d["effective_from"],
            note=d["note"],
        )
        return f"照料护理补贴（{row.get_level_display()}）{format_yuan(row.amount)}/月"

    return _change(
        request, form_name="care_form", form_class=CareRateForm, anchor="care", save=save
    )


@login_required
def dibao_mode_set(request):
    def save(county, form, d):
        row = services.setting_set(
            actor=request.user,
            county=county,
            key=SettingKey.DIBAO_MODE,
            value=DIBAO_MODE_CODES[d["mode"]],
            effective_from=d["effective_from"],
            note=d["note"],
        )
        return f"低保计发方式：{_setting_text(row.key, row.value)}"

    return _change(
        request,
        form_name="dibao_mode_form",
        form_class=DibaoModeForm,
        anchor="dibao-tiers",
        save=save,
    )


@login_required
def dibao_tier_add(request):
    def save(county, form, d):
        rows = services.dibao_tiers_set(
            actor=request.user,
            county=county,
            area=d["area"],
            tiers=d["tiers"],
            effective_from=d["effective_from"],
            note=d["note"],
        )
        return f"{rows[0].get_area_display()}低保分档（共{len(rows)}档）"

    return _change(
        request,
        form_name="dibao_tier_form",
        form_class=DibaoTierForm,
        anchor="dibao-tiers",
        save=save,
    )
