"""Printable documents of a case and of a village: the investigation form, the public notice
and the refusal letter here; the one-time notice, the acceptance and confirmation notices in
views_print_notices; the approval form in views_print_approval.

Conventions of every printed document (the browser test relies on them):

* the page's ``<title>`` and the sheet's ``<h1>`` carry the document's name (受理通知书 …);
* the sheet is ``<div class="sheet" id="document">`` below ``cases/_print_head.html`` (A4
  portrait, its margins, the print button hidden when printing);
* every value filled in from the case is marked ``class="doc-value"`` and is never empty (a
  missing value prints as a word such as “无”); a space left blank on purpose, to be written
  by hand (signatures, a decision not yet taken), is marked ``class="doc-fill"``;
* a document whose step has not happened is not printed: the case page says why;
* opening or printing a document writes nothing (GET never writes); that a letter was handed
  over is a POST of its own (``refusal_delivered``).
"""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from jiuzhu.accounts.jurisdiction import region_ids_q
from jiuzhu.accounts.roles import Perm
from jiuzhu.regions.models import Region
from jiuzhu.regions.selectors import county_of
from jiuzhu.registry import selectors as registry_selectors

from . import selectors, services
from .public_notice import notice_rows as _notice_rows
from .views_common import get_case, kin_reasons
from .views_steps import STEPS, step_form
from .workflow import Action, Status

# The statuses in which the case was confirmed (the confirmation notice can be printed).
CONFIRMED = frozenset({Status.CONFIRMED, Status.ENROLLED})


@login_required
def print_investigation(request, pk: int):
    """入户调查表: the recorded visit, or a blank form to take to the household."""
    app = get_case(request, pk)
    if app.accepted_on is None:
        return not_reached(request, app, "本申请尚未受理，入户调查表在受理后打印")
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


def township_authority(app) -> str:
    """The township government (a sub-district's office), which receives applications."""
    suffix = "办事处" if app.township.name.endswith("街道") else "人民政府"
    return f"{app.township.name}{suffix}"


def authority_name(app) -> str:
    """Who decides the case and signs its decision (R1: the level fixed at acceptance)."""
    if app.confirming_level == "county":
        return f"{app.county.name}民政局"
    return township_authority(app)


def approval_title(app) -> str:
    """审核确认表 where the county confirms; 审批表 where the power is delegated to the township."""
    return "审核确认表" if app.confirming_level == "county" else "审批表"


def not_reached(request, app, message: str):
    """A document whose step has not happened: back to the case page, saying why."""
    messages.error(request, message)
    return redirect("cases:detail", pk=app.pk)


@dataclass(frozen=True)
class PrintDocument:
    label: str
    url: str


def documents_for(app) -> list[PrintDocument]:
    """The documents of the steps the case has passed, in the order of the procedure."""
    docs = []
    pk = app.pk
    if app.events.filter(action=Action.MARK_INCOMPLETE.value).exists():
        docs.append(
            PrintDocument("一次性告知书", reverse("cases:print_incomplete_notice", args=[pk]))
        )
    if app.accepted_on:
        docs.append(PrintDocument("受理通知书", reverse("cases:print_acceptance", args=[pk])))
        docs.append(PrintDocument("入户调查表", reverse("cases:print_investigation", args=[pk])))
    if app.status == Status.NOTICED:
        docs.append(PrintDocument("本村公示", reverse("cases:print_notice", args=[app.village_id])))
    if app.township_opinion:
        docs.append(PrintDocument(approval_title(app), reverse("cases:print_approval", args=[pk])))
    if app.status in CONFIRMED:
        docs.append(PrintDocument("确认通知书", reverse("cases:print_confirmation", args=[pk])))
    if app.status == Status.REFUSED:
        docs.append(PrintDocument("不予确认告知书", reverse("cases:print_refusal", args=[pk])))
    return docs


@login_required
def print_refusal(request, pk: int):
    """不予确认告知书 (R2, S2 art. 21). Opening or printing it records nothing (GET never
    writes): that the letter was handed over is recorded by a POST of its own
    (``refusal_delivered``, the button under the letter and on the case page)."""
    app = get_case(request, pk)
    if app.status != Status.REFUSED:
        return not_reached(request, app, "只有不予确认的申请才有不予确认告知书")
    delivered = (
        app.events.filter(action__in=services.REFUSAL_DELIVERED_EVENTS)
        .select_related("actor")
        .first()
    )
    can_deliver = delivered is None and any(
        request.user.can(p) for p in STEPS["refusal_delivered"].perms
    )
    return render(
        request,
        "cases/print_refusal.html",
        {
            "app": app,
            "household": app.household,
            "authority": authority_name(app),
            "county": app.county,
            "delivered": delivered,
            "deliver_form": step_form("refusal_delivered", app, request.user)
            if can_deliver
            else None,
            "deliver_step": STEPS["refusal_delivered"],
        },
    )
