"""Registry pages. Views parse input and call selectors and services; nothing else."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import push_url

from jiuzhu.accounts.roles import Perm
from jiuzhu.core import audit
from jiuzhu.core.downloads import export_view, xlsx_response
from jiuzhu.core.errors import JiuzhuError
from jiuzhu.regions.selectors import children_of

from . import exports, selectors, services
from .forms import AssetForm, HouseholdForm, IncomeForm, PersonForm, RevealForm, SearchForm
from .services import PersonChanges


def _searched(request, data):
    """The search form over `data` and the households it finds. An ID number is searched by
    its keyed hash (SearchForm), so what the form gives back for URLs holds no ID number."""
    form = SearchForm(data or None, regions=children_of(request.user.region))
    query, id_hash, region_id = "", "", None
    if form.is_valid():
        query, id_hash = form.cleaned_data["q"], form.cleaned_data["idh"]
        region_id = form.cleaned_data["region"]
    households = selectors.household_search(
        user=request.user, query=query, region_id=region_id, id_hash=id_hash
    )
    return form, households


def _list_url(form: SearchForm) -> str:
    search = urlencode(form.url_params())
    return reverse("registry:household_list") + (f"?{search}" if search else "")


@login_required
@require_http_methods(["GET", "POST"])
def household_list(request):
    """The household search. The form posts (an ID number must not travel in a URL) and is
    redirected (303) to a GET URL with the ID's keyed hash; the live search (htmx) gets the rows
    at once and that URL for the address bar. An ID number typed into the URL by hand is
    redirected away the same way."""
    if not request.user.can(Perm.VIEW_HOUSEHOLDS):
        raise Http404
    posted = request.method == "POST"
    form, households = _searched(request, request.POST if posted else request.GET)
    if posted and not request.htmx:
        return HttpResponseRedirect(_list_url(form), status=303)
    if not posted and SearchForm.holds_id_number(request.GET.get("q")):
        return HttpResponseRedirect(_list_url(form))
    page = Paginator(selectors.household_list_page(households), settings.JIUZHU_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    template = "registry/_household_rows.html" if request.htmx else "registry/household_list.html"
    context = {"form": form, "page": page, "search": urlencode(form.url_params())}
    response = render(request, template, context)
    return push_url(response, _list_url(form)) if posted else response


@export_view
@login_required
def household_export(request):
    if not request.user.can(Perm.VIEW_HOUSEHOLDS):
        raise Http404
    form, households = _searched(request, request.GET)
    export = exports.households_xlsx(households)
    audit.record(
        action="household.export",
        actor=request.user,
        new={"query": form.url_params(), "rows": export.rows},  # an ID number as its hash
    )
    return xlsx_response(export, f"家庭名册_{timezone.localdate():%Y%m%d}.xlsx")


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
