"""The standards page: every parameter in force, its history, and (for the county administrator)
one form per kind of parameter. A change is a new dated row; each POST calls exactly one service.
What each card shows comes from its selector (overview_selectors)."""

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

from . import services
from .catalogue import DIBAO_MODE_CODES, SettingKey
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
from .overview_selectors import overview_cards
from .overview_text import add_on_text, delegation_text, setting_text, tier_text

NOT_ALLOWED = "只有本县的县级管理员可以修改保障标准和参数"
FIX_FORM = "未保存：请按表单中的提示修改后再保存"
SAVED = "，已记入审计记录"
FORMS = (
    ("standard_form", StandardForm),
    ("delegation_form", DelegationForm),
    ("setting_form", SettingForm),
    ("add_on_form", AddOnForm),
    ("tier_form", TierForm),
    ("care_form", CareRateForm),
    ("dibao_mode_form", DibaoModeForm),
    ("dibao_tier_form", DibaoTierForm),
)


def _access(request):
    """The user's county and whether they may change it; 404 for users without the page."""
    if not request.user.can(Perm.VIEW_SETTINGS) or request.user.region is None:
        raise Http404
    county = county_of(request.user.region)
    can_manage = request.user.can(Perm.MANAGE_SETTINGS) and request.user.region_id == county.pk
    return county, can_manage


def _page(request, county, can_manage, bound=None, status=200):
    today = timezone.localdate()
    context = {"county": county, "today": today, "can_manage": can_manage}
    if can_manage:
        context |= {name: (bound or {}).get(name) or form() for name, form in FORMS}
    cards = overview_cards(county, today)
    for card in cards:
        context |= card.context
    context["pending"] = {card.name: card.pending for card in cards}
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
        return f"{row.programme.name}：{delegation_text(row.delegated)}"

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
        return f"{row.get_key_display()}：{setting_text(row.key, row.value)}"

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
        return f"{row.get_kind_display()}加发{add_on_text(row)}"

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
            f"临时救助档次 {row.code} {row.label}（{row.get_category_display()}）{tier_text(row)}"
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
        return f"低保计发方式：{setting_text(row.key, row.value)}"

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
