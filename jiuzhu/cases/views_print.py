"""Printable documents of a case and of a village: the investigation form, the public notice
and the refusal letter."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from jiuzhu.accounts.jurisdiction import region_ids_q
from jiuzhu.accounts.roles import Perm
from jiuzhu.core.errors import JiuzhuError
from jiuzhu.core.masking import mask_name
from jiuzhu.regions.models import Region
from jiuzhu.regions.selectors import county_of
from jiuzhu.registry import selectors as registry_selectors

from . import deadlines, selectors, services
from .views_common import PAYMENT_UNITS, get_case, kin_reasons
from .workflow import Status


@login_required
def print_investigation(request, pk: int):
    """入户调查表: the recorded visit, or a blank form to take to the household."""
    app = get_case(request, pk)
    today = timezone.localdate()
    investigation = (
        app.investigations.select_related("investigator_1", "investigator_2")
        .order_by("-visited_on", "-id")
        .first()
    )
    members = [(m, m.age_on(today)) for m in registry_selectors.members_of(app.household)]
    return render(
        request,
        "cases/print_investigation.html",
        {
            "app": app,
            "household": app.household,
            "members": members,
            "inv": investigation,
            "kin_reasons": kin_reasons(app),
            "can_sensitive": request.user.can(Perm.VIEW_SENSITIVE),
        },
    )


def _public_name(household, today) -> str:
    head = household.members.filter(relation="self").first()
    if head is not None and head.age_on(today) < 18:
        return "（未成年人，不予公示姓名）"
    return mask_name(household.head_name)


def _notice_rows(apps, today):
    """Only what may be published (R18, S2 art. 24): the head's masked name, never an ID number,
    nothing about minors or other members."""
    days = deadlines.TimeLimits().notice_days
    rows = []
    for app in apps:
        rows.append(
            {
                "name": _public_name(app.household, today),
                "programme": app.programme.name,
                "size": app.household.members.count(),
                "amount": app.monthly_amount,
                "unit": PAYMENT_UNITS[app.programme.payment],
                "start": app.notice_started_on,
                "end": app.notice_started_on + timedelta(days=days)
                if app.notice_started_on
                else None,
            }
        )
    return rows


@login_required
def print_notice(request, village_id: int):
    """公示 of one village: every case of the village currently on notice."""
    if not request.user.can(Perm.VIEW_CASES):
        raise Http404
    village = (
        Region.objects.filter(region_ids_q(request.user), pk=village_id, level="village")
        .select_related("parent")
        .first()
    )
    if village is None:
        raise Http404("没有找到该村（社区）")
    today = timezone.localdate()
    apps = (
        selectors.applications_for(request.user)
        .filter(village=village, status=Status.NOTICED)
        .select_related("household", "programme")
        .order_by("notice_started_on", "number")
    )
    return render(
        request,
        "cases/print_notice.html",
        {
            "village": village,
            "township": village.parent,
            "county": county_of(village),
            "rows": _notice_rows(apps, today),
            "today": today,
        },
    )


def authority_name(app) -> str:
    if app.confirming_level == "county":
        return f"{app.county.name}民政局"
    suffix = "办事处" if app.township.name.endswith("街道") else "人民政府"
    return f"{app.township.name}{suffix}"


@login_required
def print_refusal(request, pk: int):
    """不予确认告知书 (R2, S2 art. 21); printing it is the written answer and is recorded."""
    app = get_case(request, pk)
    try:
        services.refusal_letter_printed(actor=request.user, application_id=app.pk)
    except JiuzhuError as exc:
        messages.error(request, exc.message)
        return redirect("cases:detail", pk=pk)
    return render(
        request,
        "cases/print_refusal.html",
        {
            "app": app,
            "household": app.household,
            "authority": authority_name(app),
            "county": app.county,
        },
    )
