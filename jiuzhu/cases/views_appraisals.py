"""民主评议 records across cases: the list by month and village within the user's jurisdiction,
and one village's appraisals of one month as a printable summary for the file."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from jiuzhu.accounts.jurisdiction import region_ids_q
from jiuzhu.accounts.roles import Perm
from jiuzhu.core import params
from jiuzhu.core.month import Month
from jiuzhu.regions.models import Region

from . import forms, selectors

APPRAISAL_PAGE_SIZE = 100


def _require_view(request) -> None:
    if not request.user.can(Perm.VIEW_CASES):
        raise Http404


@login_required
def appraisal_list(request):
    """Every appraisal the user may see, grouped by month and village, filterable by both."""
    _require_view(request)
    user = request.user
    months = selectors.appraisal_months(user)
    form = forms.AppraisalFilterForm(
        request.GET or None, villages=selectors.appraisal_villages(user), months=months
    )
    rows = selectors.appraisals_for(user)
    if form.is_valid():
        if form.cleaned_data["village"]:
            rows = rows.filter(application__village_id=form.cleaned_data["village"])
        if form.cleaned_data["month"]:
            month = Month.parse(form.cleaned_data["month"])
            rows = rows.filter(held_on__range=(month.first_day, month.last_day))
    return render(
        request,
        "cases/appraisal_list.html",
        {
            "form": form,
            "page": Paginator(rows, APPRAISAL_PAGE_SIZE).get_page(request.GET.get("page")),
            "query": params.query_without_page(request.GET),
            "today": timezone.localdate(),
        },
    )


@login_required
def print_appraisals(request, village_id: int, year: int, month: int):
    """民主评议情况汇总表 of one village for one month (for the case files, not for posting)."""
    _require_view(request)
    try:
        period = Month(year, month)
    except ValueError:
        raise Http404("月份无效") from None
    village = (
        Region.objects.filter(region_ids_q(request.user), pk=village_id, level="village")
        .select_related("parent")
        .first()
    )
    if village is None:
        raise Http404("没有找到该村（社区）")
    rows = (
        selectors.appraisals_for(request.user)
        .filter(application__village=village, held_on__range=(period.first_day, period.last_day))
        .order_by("held_on", "id")
    )
    back = f"{reverse('cases:appraisals')}?village={village.pk}&month={period}"
    return render(
        request,
        "cases/print_appraisals.html",
        {
            "village": village,
            "township": village.parent,
            "period": period,
            "rows": rows,
            "back_url": back,
            "today": timezone.localdate(),
        },
    )
