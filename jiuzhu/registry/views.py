"""Registry pages. Views parse input and call selectors and services; nothing else."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from jiuzhu.accounts.roles import Perm
from jiuzhu.core import audit, params
from jiuzhu.core.downloads import export_view, xlsx_response
from jiuzhu.core.errors import JiuzhuError
from jiuzhu.regions.selectors import children_of

from . import exports, selectors, services
from .forms import AssetForm, HouseholdForm, IncomeForm, PersonForm, RevealForm, SearchForm
from .services import PersonChanges


def _searched(request):
    form = SearchForm(request.GET or None, regions=children_of(request.user.region))
    query, region_id = "", None
    if form.is_valid():
        query, region_id = form.cleaned_data["q"], form.cleaned_data["region"]
    return form, selectors.household_search(user=request.user, query=query, region_id=region_id)


@login_required
def household_list(request):
    if not request.user.can(Perm.VIEW_HOUSEHOLDS):
        raise Http404
    form, households = _searched(request)
    page = Paginator(selectors.household_list_page(households), settings.JIUZHU_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    template = "registry/_household_rows.html" if request.htmx else "registry/household_list.html"
    return render(request, template, {"form": form, "page": page, "query": request.GET.urlencode()})


@export_view
@login_required
def household_export(request):
    if not request.user.can(Perm.VIEW_HOUSEHOLDS):
        raise Http404
    _, households = _searched(request)
    searched = {name: params.text_param(request.GET, name) for name in ("q", "region")}
    export = exports.households_xlsx(households)
    audit.record(
        action="household.export",
        actor=request.user,
        new={"query": searched, "rows": export.rows},
    )
    return xlsx_response(export, f"家庭名册_{timezone.localdate():%Y%m%d}.xlsx")


@login_required
def household_detail(request, pk: int):
    household = selectors.household_get(user=request.user, pk=pk)
    today = timezone.localdate()
    members = [(m, m.age_on(today)) for m in selectors.members_of(household)]
    return render(
        request,
        "registry/household_detail.html",
        {
            "household": household,
            "members": members,
            "incomes": household.incomes.select_related("person"),
            "assets": household.assets.select_related("person"),
            "history": selectors.household_history(household)[:100],
            "can_edit": request.user.can(Perm.EDIT_HOUSEHOLDS),
            "can_reveal": request.user.can(Perm.VIEW_FULL_ID),
            "can_sensitive": request.user.can(Perm.VIEW_SENSITIVE),
            "can_audit": request.user.can(Perm.VIEW_AUDIT),
            "reveal_form": RevealForm(),
        },
    )


def _run_service(request, form, call, success: str, template: str, context: dict):
    """Shared POST handling: valid form → service; a service error is shown, nothing saved."""
    if request.method == "POST" and form.is_valid():
        try:
            call(form.cleaned_data)
        except JiuzhuError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, success)
            return None
    return render(request, template, {**context, "form": form})


@login_required
def household_edit(request, pk: int):
    household = selectors.household_get(user=request.user, pk=pk)
    if not request.user.can(Perm.EDIT_HOUSEHOLDS):
        raise Http404
    form = HouseholdForm(
        request.POST or None,
        initial={"address": household.address, "bank_name": household.bank_name},
    )
    response = _run_service(
        request,
        form,
        lambda d: services.household_update(actor=request.user, household_id=pk, **d),
        "家庭信息已保存",
        "registry/form.html",
        {"household": household, "title": f"修改家庭信息：{household}"},
    )
    return response or redirect("registry:household_detail", pk=pk)


@login_required
def person_edit(request, pk: int):
    person = selectors.person_get(user=request.user, pk=pk)
    if not request.user.can(Perm.EDIT_HOUSEHOLDS):
        raise Http404
    fields = list(PersonChanges.__dataclass_fields__)
    form = PersonForm(request.POST or None, initial={f: getattr(person, f) for f in fields})

    def call(d):
        # an empty choice means "none": blank text, or no grade
        values = {f: d[f] if d[f] is not None else "" for f in fields}
        values["disability_grade"] = d["disability_grade"] or None
        services.person_update(
            actor=request.user, person_id=pk, changes=PersonChanges(**values), reason=d["reason"]
        )

    response = _run_service(
        request,
        form,
        call,
        "成员信息已保存",
        "registry/form.html",
        {"household": person.household, "title": f"修改成员信息：{person.name}"},
    )
    return response or redirect("registry:household_detail", pk=person.household_id)


@login_required
@require_POST
def person_reveal(request, pk: int):
    """htmx: the full ID number in place of the masked one, after an audited reason."""
    form = RevealForm(request.POST)
    if not form.is_valid():
        return HttpResponse('<span class="text-danger">请填写查看事由</span>')
    try:
        number = services.person_reveal_id(
            actor=request.user, person_id=pk, reason=form.cleaned_data["reason"]
        )
    except JiuzhuError as exc:
        return HttpResponse(format_html('<span class="text-danger">{}</span>', exc.message))
    return render(request, "registry/_revealed_id.html", {"number": number})


def _fact_new(request, pk: int, form_class, add, success: str, title: str):
    """Register an income or asset fact on a household (the two forms differ only in fields)."""
    household = selectors.household_get(user=request.user, pk=pk)
    form = form_class(request.POST or None, members=selectors.members_of(household))
    response = _run_service(
        request,
        form,
        lambda d: add(actor=request.user, household_id=pk, person_id=d.pop("person"), **d),
        success,
        "registry/form.html",
        {"household": household, "title": title},
    )
    return response or redirect("registry:household_detail", pk=pk)


@login_required
def income_new(request, pk: int):
    return _fact_new(request, pk, IncomeForm, services.income_add, "收入情况已登记", "登记收入情况")


@login_required
def asset_new(request, pk: int):
    return _fact_new(request, pk, AssetForm, services.asset_add, "财产情况已登记", "登记财产情况")
