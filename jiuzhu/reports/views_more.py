"""统计报表: the service-purchase register (list and record) and the printable self-report of
close relatives (003 attachment 4)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from jiuzhu.accounts.roles import Perm
from jiuzhu.core import params
from jiuzhu.core.errors import JiuzhuError
from jiuzhu.core.month import Month
from jiuzhu.regions.models import Region

from .form_kin import self_report
from .forms import PurchaseForm
from .purchases import purchase_record, purchases_for
from .scope import parse_month

PAGE_SIZE = 50


def _townships(user):
    region = user.region
    if region is None or region.level != Region.Level.COUNTY:
        return Region.objects.none()
    return Region.objects.filter(parent=region).order_by("code")


@login_required
@require_http_methods(["GET", "POST"])
def purchases(request):
    """The register (county administrators record, staff read) with its form."""
    if not request.user.can(Perm.VIEW_REPORTS):
        raise DjangoPermissionDenied
    can_record = request.user.can(Perm.MANAGE_SETTINGS)
    form = PurchaseForm(
        request.POST if request.method == "POST" else None, townships=_townships(request.user)
    )
    if request.method == "POST":
        if not can_record:
            raise DjangoPermissionDenied
        if form.is_valid():
            data = dict(form.cleaned_data)
            data["township_id"] = data.pop("township")
            try:
                purchase_record(actor=request.user, **data)
            except JiuzhuError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "已登记政府购买服务合同")
                return HttpResponseRedirect(reverse("reports:purchases"))
    page = Paginator(purchases_for(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "can_record": can_record, "query": ""}
    return render(request, "reports/purchases.html", context)


@login_required
@require_GET
def self_report_view(request):
    """003 attachment 4, printable on A4, pre-filled from the kin declarations."""
    if not request.user.can(Perm.VIEW_REPORTS):
        raise DjangoPermissionDenied
    month_text = params.text_param(request.GET, "month", max_length=10)
    try:
        month = parse_month(month_text) if month_text else Month.of(timezone.localdate())
        report = self_report(
            actor=request.user, declarant_id=params.int_param(request.GET, "user"), month=month
        )
    except JiuzhuError as exc:
        return render(request, "reports/error.html", {"message": exc.message}, status=400)
    blanks = max(0, 7 - len(report.lines))
    return render(
        request,
        "reports/self_report.html",
        {"report": report, "blanks": range(blanks), "today": timezone.localdate()},
    )
